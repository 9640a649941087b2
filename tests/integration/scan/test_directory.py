"""Each web process's copy of the read model catches up with the consumer's changes, loading only
what changed (and everything once after an erasure), within its max_age."""

from __future__ import annotations

import sqlalchemy as sa

from services.scan.directory import Directory
from services.scan.handlers import apply_event
from shared import events as ev
from shared.events import to_envelope


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def registered(attendee_id: str, code: str, name: str = "Lina") -> ev.AttendeeRegistered:
    return ev.AttendeeRegistered(
        event_id="ev1",
        attendee_id=attendee_id,
        name=name,
        email=f"{attendee_id}@x.org",
        language="ar",
        short_code=code,
    )


def test_the_copy_follows_every_kind_of_change_and_reads_only_what_changed(app):
    sessions = app.extensions["scan"].sessions
    engine = app.extensions["scan"].engine

    def consume(*events) -> None:
        with sessions() as session:
            for event in events:
                apply_event(session, event, to_envelope(event))
            session.commit()

    consume(
        ev.EventCreated(
            event_id="ev1",
            name="Summit",
            venue="",
            starts_at="2026-11-28T06:00:00Z",
            ends_at="2026-11-28T15:00:00Z",
            timezone="UTC",
            language="en",
        ),
        registered("a1", "K7P2QX"),
        registered("a2", "M9QRST", "Omar"),
    )
    clock = Clock()
    directory = Directory(sessions, max_age=1.0, miss_reload=0.2, clock=clock)
    assert directory.person("a1").name == "Lina"
    assert directory.by_short_code("ev1", "M9QRST").id == "a2"

    attendee_reads = []  # the directory's loads: the change number it asked for rows above

    def record(conn, cursor, statement, parameters, *rest) -> None:
        if "attendees.version >" in statement:
            attendee_reads.append(
                parameters[0] if isinstance(parameters, (tuple, list)) else next(iter(parameters.values()))
            )

    sa.event.listen(engine, "after_cursor_execute", record)

    clock.now += 5  # nothing changed: a look at the change number, no attendee read
    assert directory.person("a2").name == "Omar"
    assert attendee_reads == []

    consume(
        ev.AttendeeUpdated(
            event_id="ev1",
            attendee_id="a1",
            name="Lina H.",
            email="a1@x.org",
            language="ar",
            short_code="K7P2QX",
        ),
        ev.BadgeRevoked(event_id="ev1", attendee_id="a2", token_id="a2.1"),
        ev.BadgeIssued(event_id="ev1", attendee_id="a2", token_id="a2.2", short_code="Z8XY34"),
        ev.EventClosed(event_id="ev1", closed_at="2026-11-28T16:00:00Z"),
    )
    assert directory.person("a1").name == "Lina"  # younger than max_age: the copy as it was
    clock.now += 1.5
    assert directory.person("a1").name == "Lina H."
    assert directory.person("a2").badge_serial == 2  # badge 1 revoked, badge 2 current
    assert directory.by_short_code("ev1", "Z8XY34").id == "a2"
    assert directory.by_short_code("ev1", "M9QRST") is None  # the replaced code no longer finds anyone
    assert directory.event_closed_at("ev1") is not None
    assert len(attendee_reads) == 1 and attendee_reads[0] > 0  # only the rows changed since its last load

    # Someone registered a moment ago is found at once (a miss looks again), without waiting max_age.
    consume(registered("a3", "P4RS5T", "Huda"))
    clock.now += 0.3
    assert directory.by_short_code("ev1", "P4RS5T").name == "Huda"

    consume(ev.AttendeeErased(event_id="ev1", attendee_id="a1"))
    clock.now += 1.5
    assert directory.person("a1") is None
    assert directory.by_short_code("ev1", "K7P2QX") is None
    assert {directory.person(a).name for a in ("a2", "a3")} == {"Omar", "Huda"}
    assert attendee_reads[-1] == 0  # after an erasure: everything, so nobody erased stays behind
    sa.event.remove(engine, "after_cursor_execute", record)
