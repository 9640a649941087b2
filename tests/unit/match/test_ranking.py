"""Ranking on small hand-made vectors: the rules, without the model."""

from __future__ import annotations

import numpy as np

from services.match.embedding import ABOUT, DIM, GIVE, SEEK, centre_by_script
from services.match.profile import Profile, company_key
from services.match.ranking import EventIndex, suggest


def unit(*axes: float) -> np.ndarray:
    v = np.zeros(DIM, np.float32)
    v[: len(axes)] = axes
    return v / np.linalg.norm(v)


def index_of(people: list[tuple[Profile, dict[str, np.ndarray]]]) -> EventIndex:
    vectors = {
        kind: np.stack([vs.get(kind, np.zeros(DIM, np.float32)) for _, vs in people])
        for kind in (SEEK, GIVE, ABOUT)
    }
    return EventIndex([p for p, _ in people], vectors)


def person(pid: str, company: str = "", consent: bool = True, interests=()) -> Profile:
    return Profile(
        pid, "ev1", pid.title(), company=company, consent_suggest=consent, interests=tuple(interests)
    )


FUNDING, HIRING, DESIGN = unit(1, 0, 0), unit(0, 1, 0), unit(0, 0, 1)
FILLER = [unit(0.2, 0.2, 0.2, *np.random.default_rng(i).random(6)) for i in range(8)]


def crowd(n: int = 8):
    return [(person(f"x{i}"), {SEEK: FILLER[i], GIVE: FILLER[(i + 3) % 8]}) for i in range(n)]


def test_a_two_sided_fit_ranks_above_a_one_sided_one():
    me = (person("me"), {SEEK: FUNDING, GIVE: HIRING})
    one_sided = (person("one"), {GIVE: FUNDING, SEEK: DESIGN})  # gives what I seek, wants nothing I have
    two_sided = (person("two"), {GIVE: unit(1, 0, 0.3), SEEK: unit(0, 1, 0.3)})
    ranked = [s.profile.id for s in suggest(index_of([me, one_sided, two_sided, *crowd()]), "me")]
    assert ranked.index("two") < ranked.index("one")


def test_leaves_out_me_my_company_the_excluded_and_those_who_opted_out():
    me = (person("me", company="Acme Labs"), {SEEK: FUNDING})
    others = [
        (person("colleague", company="  acme   LABS "), {GIVE: FUNDING}),
        (person("shy", consent=False), {GIVE: FUNDING}),
        (person("met"), {GIVE: FUNDING}),
        (person("dismissed"), {GIVE: FUNDING}),
        (person("ok"), {GIVE: unit(1, 0.5, 0)}),
    ]
    ranked = [s.profile.id for s in suggest(index_of([me, *others, *crowd()]), "me", {"met", "dismissed"})]
    assert ranked[0] == "ok"
    assert not {"me", "colleague", "shy", "met", "dismissed"} & set(ranked)


def test_at_most_two_of_the_five_from_one_company():
    me = (person("me"), {SEEK: FUNDING})
    big = [(person(f"big{i}", company="BigCo"), {GIVE: unit(1, 0.01 * i, 0)}) for i in range(4)]
    ranked = suggest(index_of([me, *big, *crowd()]), "me")
    assert len(ranked) == 5
    assert [company_key(s.profile.company) for s in ranked].count("bigco") == 2


def test_a_missing_field_is_neither_punished_nor_rewarded():
    me = (person("me"), {SEEK: FUNDING, GIVE: HIRING})
    blank = (person("blank"), {})  # wrote nothing: neutral on every term
    bad = (person("bad"), {GIVE: unit(-1, 0, 0), SEEK: unit(0, -1, 0)})
    good = (person("good"), {GIVE: FUNDING, SEEK: HIRING})
    ranked = [s.profile.id for s in suggest(index_of([me, blank, bad, good, *crowd(2)]), "me", top=6)]
    assert ranked.index("good") < ranked.index("blank") < ranked.index("bad")


def test_shared_interests_count_when_the_texts_say_nothing():
    me = (person("me", interests=["Coffee", "UX"]), {})
    others = [(person(f"o{i}", interests=["chess", "coffee" if i == 0 else "tea"]), {}) for i in range(6)]
    ranked = suggest(index_of([me, *others, (person("fan", interests=["ux ", "coffee"]), {})]), "me")
    assert ranked[0].profile.id == "fan" and ranked[0].terms["shared"] > 1


def test_centring_removes_what_one_script_shares():
    rng = np.random.default_rng(0)
    arabic = rng.normal(size=DIM).astype(np.float32) * 3
    rows = np.stack(
        [arabic + rng.normal(size=DIM) for _ in range(10)] + [rng.normal(size=DIM) for _ in range(10)]
    )
    rows /= np.linalg.norm(rows, axis=1, keepdims=True)
    scripts = np.array(["ar"] * 10 + ["latin"] * 10)
    centred = centre_by_script(rows.astype(np.float32), scripts, np.ones(20, bool))
    assert (rows[0] @ rows[1]) > 0.8 and abs(centred[0] @ centred[1]) < 0.3
    assert np.allclose(np.linalg.norm(centred, axis=1), 1, atol=1e-5)


def test_shared_interests_match_a_plain_jaccard():
    from services.match.ranking import shared_interests

    rng = np.random.default_rng(4)
    topics = ["coffee", "ux", "chess", "ai", "قهوة", "تعليم"]
    people = [
        (person(f"p{i}", interests=list(rng.choice(topics, rng.integers(0, 4), replace=False))), {})
        for i in range(30)
    ]
    index = index_of(people)
    for me in range(30):
        mine = index.interests[me]
        plain = [len(mine & t) / len(mine | t) if mine | t else 0.0 for t in index.interests]
        assert np.allclose(shared_interests(index, me), plain)
