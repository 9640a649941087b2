"""The live view's answers from the match service are kept 15 s, and a match service that does not
answer leaves the view as it was (asked again after the same 15 s)."""

from __future__ import annotations

from services.dashboard.matchinsights import MatchInsights, enrich
from shared.upstream import Reply, Unavailable


class FakeMatch:
    """Stands in for shared.upstream.Upstream: answers from `answers`, or refuses while `down`."""

    def __init__(self):
        self.calls, self.down = [], False

    def call(self, method, path, *, query=None, timeout=None, **_):
        self.calls.append(path)
        if self.down:
            raise Unavailable("the match service is not answering", code="match_unavailable")
        if path.endswith("/conversion"):
            return Reply(
                200, "application/json", b'{"suggested_pairs": 4, "met_after_suggestion": 1, "share": 0.25}'
            )
        ids = [value for name, value in query if name == "attendee"]
        body = ", ".join(
            f'{{"attendee_id": "{i}", "best_match": {{"attendee_id": "b-{i}", "name": "B", '
            f'"reason": "why"}}}}'
            for i in ids
        )
        return Reply(200, "application/json", f'{{"best_matches": [{body}]}}'.encode())


def test_answers_are_kept_for_the_ttl_then_asked_again():
    now, match = [0.0], FakeMatch()
    insights = MatchInsights(match, ttl=15, clock=lambda: now[0])
    unmet, figures = enrich(insights, "e1", [{"id": "a"}], "en")
    assert unmet == [{"id": "a", "best_match": {"attendee_id": "b-a", "name": "B", "reason": "why"}}]
    assert figures["met_after_suggestion"] == 1
    now[0] = 14.9
    enrich(insights, "e1", [{"id": "a"}], "en")
    assert len(match.calls) == 2  # one of each, kept
    now[0] = 15.1
    enrich(insights, "e1", [{"id": "a"}], "en")
    assert len(match.calls) == 4


def test_a_match_service_that_does_not_answer_leaves_the_view_as_it_was():
    now, match = [0.0], FakeMatch()
    match.down = True
    insights = MatchInsights(match, ttl=15, clock=lambda: now[0])
    assert enrich(insights, "e1", [{"id": "a"}], "en") == ([{"id": "a", "best_match": None}], None)
    enrich(insights, "e1", [{"id": "a"}], "en")
    assert len(match.calls) == 2  # not asked again every second while down
    match.down, now[0] = False, 20.0
    assert enrich(insights, "e1", [{"id": "a"}], "en")[1]["suggested_pairs"] == 4


def test_nobody_unmet_asks_only_for_the_figure():
    match = FakeMatch()
    assert enrich(MatchInsights(match), "e1", [], "ar")[0] == []
    assert match.calls == ["/v1/events/e1/conversion"]
