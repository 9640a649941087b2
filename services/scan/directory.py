"""The read model in memory: who is who, per web process, so a scan costs no lookup query.

The consumer process writes the read model tables; each web process keeps a copy of them. It
asks whether the read model changed when its copy is older than `max_age` seconds, and at once
(at most every `miss_reload` seconds) when a scan names someone it does not know yet, so a newly
registered attendee can scan and be scanned straight away. A revocation, an erasure or a closing
reaches scans within `max_age` seconds of reaching the read model.

Asking costs one single-row query: the consumer numbers every change (models.DirectoryState),
and the copy loads only the rows changed since the number it has, or everything again after an
erasure. A 10,000-person event costs a web process nothing per second while nobody changes.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from services.scan.domain import EventDays
from services.scan.models import Attendee, DirectoryState, Event


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
    private_serial: int = 1
    # Their data key (shared.sealing): notes about and by them go on the bus sealed with it. None
    # for someone registered before sealing, whose notes go in clear as before.
    data_key: bytes | None = field(default=None, repr=False)


class Directory:
    def __init__(
        self,
        session_factory: Callable[[], Session],
        max_age: float = 1.0,
        miss_reload: float = 0.2,
        clock: Callable[[], float] = time.monotonic,
    ):
        self._sessions = session_factory
        self._max_age, self._miss_reload, self._clock = max_age, miss_reload, clock
        self._lock = threading.Lock()
        self._checked_at = float("-inf")
        self._version = 0  # the read model's change number this copy is up to date with
        self._people: dict[str, Person] = {}
        self._codes: dict[tuple[str, str], Person] = {}
        self._closed: dict[str, datetime | None] = {}
        self._days: dict[str, EventDays | None] = {}

    def invalidate(self) -> None:
        """Forget the copy: the next lookup reloads (tests, and after this process changed things)."""
        with self._lock:
            self._checked_at = float("-inf")

    def person(self, attendee_id: str) -> Person | None:
        return self._find(lambda: self._people.get(attendee_id))

    def by_short_code(self, event_id: str, code: str) -> Person | None:
        return self._find(lambda: self._codes.get((event_id, code)))

    def event_closed_at(self, event_id: str) -> datetime | None:
        self._fresh(self._max_age)
        return self._closed.get(event_id)

    def event_days(self, event_id: str) -> EventDays | None:
        self._fresh(self._max_age)
        return self._days.get(event_id)

    def _find(self, look: Callable[[], Person | None]) -> Person | None:
        self._fresh(self._max_age)
        found = look()
        if found is None and self._fresh(self._miss_reload):
            found = look()
        return found

    def _fresh(self, max_age: float) -> bool:
        """Catch up with the read model if the last look is older than max_age; whether anything changed."""
        if self._clock() - self._checked_at <= max_age:
            return False
        with self._lock:
            if self._clock() - self._checked_at <= max_age:
                return False  # another thread just did it
            with self._sessions() as session:
                # The number first: rows committed after it are loaded now and again next time.
                version, erased = session.execute(
                    sa.select(DirectoryState.version, DirectoryState.erased_version)
                ).one()
                changed = version != self._version
                if changed:
                    since = 0 if erased > self._version else self._version
                    rows = session.execute(
                        sa.select(
                            Attendee.id,
                            Attendee.event_id,
                            Attendee.name,
                            Attendee.headline,
                            Attendee.company,
                            Attendee.title,
                            Attendee.language,
                            Attendee.short_code,
                            Attendee.badge_serial,
                            Attendee.private_serial,
                            Attendee.data_key,
                        ).where(Attendee.version > since)
                    ).all()
                    events = session.execute(
                        sa.select(
                            Event.id, Event.closed_at, Event.starts_at, Event.ends_at, Event.timezone
                        ).where(Event.version > since)
                    ).all()
            if changed:
                closed = {e.id: e.closed_at for e in events}
                days = {
                    e.id: EventDays(e.starts_at, e.ends_at, e.timezone) if e.starts_at and e.ends_at else None
                    for e in events
                }
                self._update([Person(*row) for row in rows], closed, days, everything=since == 0)
                self._version = version
            self._checked_at = self._clock()
            return changed

    def _update(
        self,
        people: list[Person],
        closed: dict[str, datetime | None],
        days: dict[str, EventDays | None],
        everything: bool,
    ) -> None:
        if everything:  # after an erasure: replace the copy, so nobody erased stays in it
            self._people = {p.id: p for p in people}
            self._codes = {(p.event_id, p.short_code): p for p in people}
            self._closed, self._days = closed, days
            return
        # In place: a lookup in another thread sees the old or the new entry, never a gap.
        for p in people:
            old = self._people.get(p.id)
            self._people[p.id] = p
            self._codes[(p.event_id, p.short_code)] = p
            old_code = (old.event_id, old.short_code) if old else None
            if old_code and old_code != (p.event_id, p.short_code) and self._codes.get(old_code) is old:
                del self._codes[old_code]  # unless someone else in this batch took that code
        self._closed.update(closed)
        self._days.update(days)
