"""The profiles and their vectors in memory, per web process, kept fresh by a change number.

Like services/scan/directory.py: when the copy is older than `max_age` seconds, one single-row
query asks whether anything changed; if so only the rows numbered above the copy's number are
loaded (everything after an erasure), and the events they belong to get their arrays rebuilt on
their next request. A profile edit therefore re-ranks within max_age plus one rebuild.
Language centring (embedding.centre_by_script) runs at that rebuild, over the event's own texts.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import numpy as np
import sqlalchemy as sa
from sqlalchemy.orm import Session

from services.match import models
from services.match.embedding import DIM, KINDS, centre_by_script, from_bytes, script_of
from services.match.profile import Profile
from services.match.ranking import EventIndex

Vectors = dict[str, np.ndarray | None]
NONE = np.zeros(DIM, np.float32)


def build_event_index(
    people: list[tuple[Profile, Vectors, dict[str, str]]], centre: bool = True
) -> EventIndex:
    """One event's arrays from (profile, each kind's vector or None, each kind's script)."""
    vectors = {}
    for kind in KINDS:
        matrix = (
            np.stack([NONE if vs[kind] is None else vs[kind] for _, vs, _ in people])
            if people
            else np.zeros((0, DIM), np.float32)
        )
        if centre:
            present = np.array([vs[kind] is not None for _, vs, _ in people], bool)
            matrix = centre_by_script(matrix, np.array([scripts[kind] for _, _, scripts in people]), present)
        vectors[kind] = matrix
    return EventIndex([p for p, _, _ in people], vectors)


class ProfileIndex:
    def __init__(
        self,
        session_factory: Callable[[], Session],
        max_age: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
    ):
        self._sessions, self._max_age, self._clock = session_factory, max_age, clock
        self._lock = threading.Lock()
        self._checked_at = float("-inf")
        self._version = 0
        self._people: dict[str, tuple[Profile, Vectors, dict[str, str]]] = {}
        self._private_serials: dict[str, int] = {}
        self._events: dict[str, EventIndex] = {}  # built on demand; dropped when one of theirs changes

    def invalidate(self) -> None:
        with self._lock:
            self._checked_at = float("-inf")

    def private_serial(self, attendee_id: str) -> int:
        """The attendee's current private serial (1 when unknown); older private tokens are refused."""
        self._fresh()
        return self._private_serials.get(attendee_id, 1)

    def event_of(self, attendee_id: str) -> EventIndex | None:
        """The arrays of the attendee's event, or None if the attendee is not known (yet)."""
        self._fresh()
        person = self._people.get(attendee_id)
        if person is None:
            return None
        event_id = person[0].event_id
        index = self._events.get(event_id)
        if index is None:
            with self._lock:
                index = self._events.get(event_id)
                if index is None:
                    members = [p for p in self._people.values() if p[0].event_id == event_id]
                    index = self._events[event_id] = build_event_index(members)
        return index

    def _fresh(self) -> None:
        if self._clock() - self._checked_at <= self._max_age:
            return
        with self._lock:
            if self._clock() - self._checked_at <= self._max_age:
                return
            with self._sessions() as session:
                version, erased = session.execute(
                    sa.select(models.MatchState.version, models.MatchState.erased_version)
                ).one()
                if version != self._version:
                    since = 0 if erased > self._version else self._version
                    rows = session.scalars(
                        sa.select(models.Profile).where(models.Profile.version > since)
                    ).all()
                    self._load(rows, everything=since == 0)
                    self._version = version
            self._checked_at = self._clock()

    def _load(self, rows, everything: bool) -> None:
        from services.match.readmodel import texts_of

        people = {} if everything else dict(self._people)
        serials = {} if everything else dict(self._private_serials)
        touched = set()
        for row in rows:
            old = people.get(row.id)
            if old is not None:
                touched.add(old[0].event_id)
            profile = Profile(
                row.id,
                row.event_id,
                row.name,
                row.language,
                row.company,
                row.headline,
                tuple(row.interests or ()),
                row.can_help_with,
                row.looking_for,
                row.consent_suggest,
                row.short_code or "",
            )
            vectors = {
                kind: from_bytes(raw) if (raw := getattr(row, f"{kind}_vector")) else None for kind in KINDS
            }
            people[row.id] = (profile, vectors, {kind: script_of(t) for kind, t in texts_of(row).items()})
            serials[row.id] = row.private_serial
            touched.add(row.event_id)
        self._private_serials = serials
        self._people = people  # swapped whole: a reader in another thread sees old or new, never half
        self._events = {} if everything else {e: i for e, i in self._events.items() if e not in touched}
