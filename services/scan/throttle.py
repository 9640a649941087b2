"""A per-process limit on lookups: one attendee may ask "who is this code?" so often a minute.
(Sign-in links by email use it too, per address and per client, over a longer window.)

Without it, a signed-in attendee could walk through every short code of the event and list its
people. Scans have their own limit, counted in the database (batches.py) because a scan is a
write; a lookup is a read, and this process's count is enough to make walking codes pointless
(several web processes multiply the limit by their number, not by anything a client controls).
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable

WINDOW = 60.0


class Throttle:
    def __init__(
        self,
        per_minute: int,
        clock: Callable[[], float] = time.monotonic,
        remember: int = 100_000,
        window: float = WINDOW,
    ):
        """`per_minute` requests per `window` seconds (a minute unless told)."""
        self._per_minute, self._clock, self._remember, self._window = per_minute, clock, remember, window
        self._seen: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def allow(self, who: str) -> bool:
        """Count one request of `who`; False when they have had `per_minute` in the last window."""
        return self.wait(who) == 0

    def wait(self, who: str) -> int:
        """Count one request of `who` and answer 0; or, when they have had their share of the window,
        count nothing and answer the whole seconds until the next request is allowed (Retry-After)."""
        now = self._clock()
        with self._lock:
            times = self._seen.setdefault(who, deque())
            while times and times[0] <= now - self._window:
                times.popleft()
            if len(times) >= self._per_minute:
                return max(1, int(times[0] + self._window - now + 0.999))
            times.append(now)
            if len(self._seen) > self._remember:  # forget the quiet ones, never the one asking
                for key in [k for k, v in self._seen.items() if not v or v[-1] <= now - self._window]:
                    del self._seen[key]
            return 0
