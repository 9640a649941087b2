"""The read model in memory: who is who, per web process, so a scan costs no lookup query.

The consumer process writes the read model tables; each web process keeps a copy of them,
reloaded when it is older than `max_age` seconds, and at once (at most every `miss_reload`
seconds) when a scan names someone it does not know yet, so a newly registered attendee can
scan and be scanned straight away. A revocation, an erasure or a closing reaches scans within
`max_age` seconds of reaching the read model.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from datetime import datetime
from typing import Callable

import sqlalchemy as sa
from sqlalchemy.orm import Session

from services.scan.models import Attendee, Event


@dataclass(frozen=True)
class Person:
    id: str
    event_id: str
    name: str
    headline: str
    company: str
    title: str
    language: str
    short_code: str
    badge_serial: int


class Directory:
    def __init__(self, session_factory: Callable[[], Session], max_age: float = 1.0, miss_reload: float = 0.2,
                 clock: Callable[[], float] = time.monotonic):
        self._sessions = session_factory
        self._max_age, self._miss_reload, self._clock = max_age, miss_reload, clock
        self._lock = threading.Lock()
        self._loaded_at = float("-inf")
        self._people: dict[str, Person] = {}
        self._codes: dict[tuple[str, str], Person] = {}
        self._closed: dict[str, datetime | None] = {}

    def invalidate(self) -> None:
        """Forget the copy: the next lookup reloads (tests, and after this process changed things)."""
        with self._lock:
            self._loaded_at = float("-inf")

    def person(self, attendee_id: str) -> Person | None:
        return self._find(lambda: self._people.get(attendee_id))

    def by_short_code(self, event_id: str, code: str) -> Person | None:
        return self._find(lambda: self._codes.get((event_id, code)))

    def event_closed_at(self, event_id: str) -> datetime | None:
        self._fresh(self._max_age)
        return self._closed.get(event_id)

    def _find(self, look: Callable[[], Person | None]) -> Person | None:
        self._fresh(self._max_age)
        found = look()
        if found is None and self._fresh(self._miss_reload):
            found = look()
        return found

    def _fresh(self, max_age: float) -> bool:
        """Reload if the copy is older than max_age; whether it reloaded."""
        if self._clock() - self._loaded_at <= max_age:
            return False
        with self._lock:
            if self._clock() - self._loaded_at <= max_age:
                return False  # another thread just did it
            with self._sessions() as session:
                rows = session.execute(sa.select(
                    Attendee.id, Attendee.event_id, Attendee.name, Attendee.headline, Attendee.company,
                    Attendee.title, Attendee.language, Attendee.short_code, Attendee.badge_serial)).all()
                closed = dict(session.execute(sa.select(Event.id, Event.closed_at)).all())
            people = {row.id: Person(*row) for row in rows}
            self._people, self._closed = people, closed
            self._codes = {(p.event_id, p.short_code): p for p in people.values()}
            self._loaded_at = self._clock()
            return True
