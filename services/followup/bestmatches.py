"""For someone who met nobody: the people the match service would have them meet first, each with
its reason (what one seeks, the other gives), instead of guessing from shared interests.

Asked over HTTP with the admin token (shared.upstream), for the readers of one event who met
nobody, a hundred at a time. A match service that does not answer costs nothing but the better
guess: the follow-up falls back to shared interests, and is sent all the same.
"""

from __future__ import annotations

from shared.upstream import Upstream
from shared.web import DomainError

TOP = 5  # as many as the follow-up shows (digest.MAX_SUGGESTIONS)
PER_CALL = 100  # the match service's limit of attendees per call
TIMEOUT = 5.0

Ranked = dict[
    str, list[tuple[str, str]]
]  # reader -> [(attendee id, reason in the reader's language)], best first


class BestMatches:
    def __init__(self, match: Upstream):
        self._match = match

    def __call__(self, event_id: str, reader_ids: list[str]) -> Ranked:
        ranked: Ranked = {}
        for start in range(0, len(reader_ids), PER_CALL):
            part = reader_ids[start : start + PER_CALL]
            try:
                answer = self._match.call(
                    "GET",
                    f"/v1/events/{event_id}/best-matches",
                    timeout=TIMEOUT,
                    query=[("attendee", i) for i in part] + [("top", str(TOP))],
                ).json()
                for entry in answer["best_matches"]:
                    # "Someone you have not met yet" is no reason to write to a stranger after the event.
                    ranked[entry["attendee_id"]] = [
                        (m["attendee_id"], m["reason"])
                        for m in entry["matches"]
                        if m.get("reason_kind") != "fallback"
                    ]
            except (
                DomainError,
                ValueError,
                KeyError,
                TypeError,
            ):  # not answering, or an answer we cannot read
                continue
        return ranked
