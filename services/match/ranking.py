"""Who A should meet: reciprocal scores over one event's profiles, in plain numpy.

For A and each candidate B, four terms:
- ask:    how well B's can_help_with answers A's looking_for (cosine, seek · give);
- offer:  the reverse, how well A's can_help_with answers B's looking_for;
- about:  how close their headlines and interests read (about · about);
- shared: the share of interests they have in common (Jaccard).
Each term is z-scored over A's candidates (cosines sit in a narrow 0.75-0.9 band whose level
differs from person to person, so only the order within a row means anything), and a term that
is missing on either side is 0, the row's average: neither punished nor rewarded. Both must gain:
the reciprocal part is ask + offer + 2 min(ask, offer), so a one-sided fit ranks below a two-sided
one of the same total. Nothing is thresholded; the best five are taken, at most two per company.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from services.match.embedding import ABOUT, GIVE, SEEK
from services.match.profile import Profile, company_key, interest_keys


@dataclass(frozen=True)
class Weights:
    # Tuned on bench/match.py's event (seed 17) and checked on another (seed 23): recall@5 0.850 with
    # (0.5, 0.5, 1.0), 0.932 with these. The headline+interests term keeps a small weight: alone it
    # cost recall there (0.928 at 0.2 vs 0.932 at 0), but it is all we have for people who wrote
    # neither can_help_with nor looking_for.
    about: float = 0.2
    shared: float = 0.25
    both_gain: float = 2.0  # weight of min(ask, offer): a fit must work both ways
    standardise: bool = True  # z-score each term over the row (False: raw cosine minus the row mean)


@dataclass
class EventIndex:
    """One event's profiles as arrays; `vectors[kind]` rows are unit vectors or zeros (missing)."""

    profiles: list[Profile]
    vectors: dict[str, np.ndarray]
    position: dict[str, int] = field(init=False)

    def __post_init__(self):
        self.position = {p.id: i for i, p in enumerate(self.profiles)}
        self.present = {kind: np.abs(m).sum(axis=1) > 0 for kind, m in self.vectors.items()}
        companies: dict[str, int] = {}
        self.company = np.array(
            [
                companies.setdefault(company_key(p.company), len(companies) + 1)
                if company_key(p.company)
                else 0
                for p in self.profiles
            ],
            dtype=np.int64,
        )
        self.suggestible = np.array([p.consent_suggest for p in self.profiles], dtype=bool)
        self.interests = [interest_keys(p.interests) for p in self.profiles]
        self.has_interests = np.array([bool(i) for i in self.interests], dtype=bool)
        self.interest_count = np.array([len(i) for i in self.interests], dtype=np.float32)
        holders: dict[str, list[int]] = {}
        for position, keys in enumerate(self.interests):
            for key in keys:
                holders.setdefault(key, []).append(position)
        self.holders = {key: np.array(positions) for key, positions in holders.items()}


@dataclass(frozen=True)
class Suggestion:
    profile: Profile
    score: float
    terms: dict[str, float]  # each term's z-score, for the reason


def zscore(values: np.ndarray, valid: np.ndarray, standardise: bool = True) -> np.ndarray:
    """Standardise the valid entries; the rest (and a row with no spread) are 0, the neutral value."""
    out = np.zeros(values.shape, np.float32)
    if valid.sum() < 2:
        return out
    v = values[valid]
    spread = v.std() if standardise else 1.0
    if spread > 1e-9:
        out[valid] = (v - v.mean()) / spread
    return out


def shared_interests(index: EventIndex, me: int) -> np.ndarray:
    """Jaccard of my interests with everyone's, from who holds each of mine (no loop over people)."""
    common = np.zeros(len(index.profiles), np.float32)
    for key in index.interests[me]:
        common[index.holders[key]] += 1
    union = index.interest_count + index.interest_count[me] - common
    return np.divide(common, union, out=np.zeros_like(common), where=union > 0)


def score_terms(
    index: EventIndex, me: int, candidates: np.ndarray, standardise: bool = True
) -> dict[str, np.ndarray]:
    v, present = index.vectors, index.present
    raw = {"ask": v[GIVE] @ v[SEEK][me], "offer": v[SEEK] @ v[GIVE][me], "about": v[ABOUT] @ v[ABOUT][me]}
    valid = {
        "ask": present[GIVE] & present[SEEK][me],
        "offer": present[SEEK] & present[GIVE][me],
        "about": present[ABOUT] & present[ABOUT][me],
    }
    terms = {name: zscore(raw[name], valid[name] & candidates, standardise) for name in raw}
    jaccard = shared_interests(index, me)
    terms["shared"] = zscore(jaccard, candidates & index.has_interests & index.has_interests[me], standardise)
    return terms


def combine(terms: dict[str, np.ndarray], weights: Weights) -> np.ndarray:
    ask, offer = terms["ask"], terms["offer"]
    return (
        ask
        + offer
        + weights.both_gain * np.minimum(ask, offer)
        + weights.about * terms["about"]
        + weights.shared * terms["shared"]
    )


def candidates_for(index: EventIndex, me: int, excluded_ids) -> np.ndarray:
    """Everyone A may be suggested: not A, opted in, not A's company, not met or dismissed."""
    allowed = index.suggestible.copy()
    allowed[me] = False
    if index.company[me]:
        allowed &= index.company != index.company[me]
    for attendee_id in excluded_ids:
        position = index.position.get(attendee_id)
        if position is not None:
            allowed[position] = False
    return allowed


def suggest(
    index: EventIndex,
    attendee_id: str,
    excluded_ids=(),
    weights: Weights = Weights(),
    top: int = 5,
    per_company: int = 2,
) -> list[Suggestion]:
    """A's best `top` people in their event, at most `per_company` from one company."""
    me = index.position[attendee_id]
    allowed = candidates_for(index, me, excluded_ids)
    if not allowed.any():
        return []
    terms = score_terms(index, me, allowed, weights.standardise)
    scores = np.where(allowed, combine(terms, weights), -np.inf)
    chosen: list[Suggestion] = []
    per: dict[int, int] = {}
    for position in in_order(scores, int(allowed.sum()), top * (per_company + 4)):
        company = int(index.company[position])
        if company and per.get(company, 0) >= per_company:
            continue
        per[company] = per.get(company, 0) + 1
        chosen.append(
            Suggestion(
                index.profiles[position],
                float(scores[position]),
                {name: float(t[position]) for name, t in terms.items()},
            )
        )
        if len(chosen) == top:
            break
    return chosen


def in_order(scores: np.ndarray, count: int, pool: int):
    """The `count` best positions, best first: a partial sort of `pool` first (what the company cap
    almost always needs), the full sort only if the cap skipped that many."""
    pool = min(count, pool)
    best = np.argpartition(-scores, pool - 1)[:pool]
    best = best[np.argsort(-scores[best], kind="stable")]
    yield from best
    if pool < count:
        seen = set(best.tolist())
        yield from (p for p in np.argsort(-scores, kind="stable")[:count] if p not in seen)
