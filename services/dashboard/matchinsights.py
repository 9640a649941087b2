"""What the match service adds to the live view: each person who met nobody gets their best match
to introduce (what the match service would suggest them first, with its reason), and the event's
conversion figure (suggested pairs that then met: a scan after the suggestion was shown).

Asked over HTTP with the admin token (shared.upstream), as the dashboard asks the badge service.
The live view polls every second; the answers are kept `ttl` seconds per event and language (a
suggestion does not change faster than people walk), so the match service sees one call in 15 s
per event, not two a second per open tab. A match service that does not answer leaves the view
as it was without it (shared-interest introductions, no conversion figure), and is asked again
after the same `ttl`.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from shared.upstream import Upstream
from shared.web import DomainError

TTL = 15.0
TIMEOUT = 2.0  # the live view must not wait on a slow match service


class MatchInsights:
    def __init__(self, match: Upstream, ttl: float = TTL, clock: Callable[[], float] = time.monotonic):
        self._match, self._ttl, self._clock = match, ttl, clock
        self._kept: dict[tuple, tuple[float, object]] = {}
        self._lock = threading.Lock()

    def best_matches(self, event_id: str, attendee_ids: list[str], language: str) -> dict[str, dict]:
        """attendee id -> their best match ({attendee_id, name, company, headline, reason}); {} if unknown."""
        if not attendee_ids:
            return {}
        key = ("best", event_id, language, tuple(attendee_ids))
        return self._kept_or(
            key,
            lambda: {
                m["attendee_id"]: m["best_match"]
                for m in self._match.call(
                    "GET",
                    f"/v1/events/{event_id}/best-matches",
                    query=[("attendee", i) for i in attendee_ids] + [("lang", language)],
                    timeout=TIMEOUT,
                ).json()["best_matches"]
                if m["best_match"]
            },
            {},
        )

    def conversion(self, event_id: str) -> dict | None:
        """{suggested_pairs, met_after_suggestion, share}, or None when the match service did not answer."""
        return self._kept_or(
            ("conversion", event_id),
            lambda: self._match.call("GET", f"/v1/events/{event_id}/conversion", timeout=TIMEOUT).json(),
            None,
        )

    def _kept_or(self, key: tuple, ask: Callable[[], object], otherwise):
        now = self._clock()
        with self._lock:
            kept = self._kept.get(key)
        if kept and now - kept[0] < self._ttl:
            return kept[1]
        try:
            value = ask()
        except (DomainError, ValueError, KeyError, TypeError):  # not answering, or an answer we cannot read
            value = otherwise
        with self._lock:
            if len(self._kept) > 1000:  # many events and languages over a long run: start again
                self._kept.clear()
            self._kept[key] = (now, value)
        return value


def enrich(
    insights: MatchInsights, event_id: str, unmet: list[dict], language: str
) -> tuple[list[dict], dict | None]:
    """The live view's people who met nobody, each with `best_match` (None if the match service has
    none), and the conversion figure."""
    best = insights.best_matches(event_id, [p["id"] for p in unmet], language)
    return [{**p, "best_match": best.get(p["id"])} for p in unmet], insights.conversion(event_id)
