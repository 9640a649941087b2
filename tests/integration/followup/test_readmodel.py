"""The follow-up read model: idempotent, order-tolerant, and erasure that sticks."""

from __future__ import annotations

import sqlalchemy as sa

from services.followup.models import Attendee, Delivery, Erased, Meeting, Note
from shared import events as ev


def count(service, model) -> int:
    with service.sessions() as session:
        return session.scalar(sa.select(sa.func.count()).select_from(model))


def test_the_same_scan_twice_is_one_meeting_and_one_note(world, service):
    a, b = world.attendee("Amal"), world.attendee("Bilal")
    scan = world.scan(a, b, note="pricing for B2B marketplaces")
    world.apply(scan, scan)
    assert count(service, Meeting) == 1
    assert count(service, Note) == 1


def test_a_scan_back_makes_the_meeting_mutual_and_keeps_both_notes(world, service):
    a, b = world.attendee("Amal"), world.attendee("Bilal")
    world.scan(a, b, note="hiring designers")
    world.scan(b, a, note="she runs a design studio")
    with service.sessions() as session:
        meeting = session.scalars(sa.select(Meeting)).one()
        notes = {n.scanner_id: n.note for n in session.scalars(sa.select(Note))}
    assert meeting.low_scanned and meeting.high_scanned
    assert notes == {a: "hiring designers", b: "she runs a design studio"}


def test_a_scan_before_its_attendees_is_kept(world, service):
    from shared import identity

    a, b = identity.new_attendee_id(), identity.new_attendee_id()
    world.scan(a, b, note="met at the coffee stand")  # rapport.scans overtook rapport.attendees
    assert count(service, Meeting) == 1


def test_consent_follows_the_latest_update(world, service):
    a = world.attendee("Amal", consent=True)
    with service.sessions() as session:
        row = session.get(Attendee, a)
    world.apply(
        ev.AttendeeUpdated(
            event_id=world.event_id,
            attendee_id=a,
            name=row.name,
            email=row.email,
            language="ar",
            short_code="ABCDEF",
            consent_followup=False,
        )
    )
    with service.sessions() as session:
        row = session.get(Attendee, a)
        assert (row.consent_followup, row.language) == (False, "ar")


def test_erasure_removes_the_person_and_a_late_scan_does_not_bring_them_back(world, service):
    a, b, c = world.attendee("Amal"), world.attendee("Bilal"), world.attendee("Chadi")
    world.scan(a, b, note="about Amal's startup")
    world.scan(b, a)
    world.scan(b, c, note="Chadi only")
    world.apply(ev.AttendeeErased(event_id=world.event_id, attendee_id=a))
    late = world.scan(a, c, note="synced late from an offline phone")
    world.apply(late)
    with service.sessions() as session:
        assert session.get(Attendee, a) is None and session.get(Erased, a) is not None
        assert [n.note for n in session.scalars(sa.select(Note))] == ["Chadi only"]
        meetings = session.scalars(sa.select(Meeting)).all()
        assert [(m.low_id, m.high_id) for m in meetings] == [tuple(sorted((b, c)))]
        assert session.scalar(sa.select(sa.func.count()).select_from(Delivery)) == 0
    registered_again = ev.AttendeeRegistered(
        event_id=world.event_id,
        attendee_id=a,
        name="Amal",
        email="a@x.org",
        language="en",
        short_code="ABCDEF",
        consent_followup=True,
    )
    world.apply(registered_again)  # a replay of rapport.attendees from the start
    with service.sessions() as session:
        assert session.get(Attendee, a) is None
