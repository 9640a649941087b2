"""Notes edited in My people (notes.edited on rapport.scans) reach the follow-up's read model and email."""

from __future__ import annotations

import sqlalchemy as sa

from services.followup.models import Note
from shared import events as ev
from shared.envelope import iso, utc_now
from tests.integration.followup.conftest import ADMIN


def edited(world, scan: ev.ScanRecorded, revision: int, notes=(), tags=(), replaces=None) -> ev.NotesEdited:
    return ev.NotesEdited(
        event_id=world.event_id,
        meeting_id=scan.meeting_id,
        scanner=scan.scanner,
        scanned=scan.scanned,
        revision=revision,
        edited_at=iso(utc_now()),
        notes=tuple(notes),
        tags=tuple(tags),
        replaces=tuple([scan.client_scan_id] if replaces is None else replaces),
    )


def preview(client, world, reader) -> dict:
    answer = client.get(
        f"/v1/events/{world.event_id}/attendees/{reader}/followup/preview?format=text", headers=ADMIN
    )
    assert answer.status_code == 200, answer.json
    return answer.text


def notes_of(service, scanner) -> list[tuple[str, list]]:
    with service.sessions() as session:
        return [
            (n.note, n.tags)
            for n in session.scalars(
                sa.select(Note).where(Note.scanner_id == scanner).order_by(Note.scanned_at, Note.id)
            )
            if n.note or n.tags
        ]


def test_the_follow_up_uses_the_latest_note(world, client):
    huda, omar = world.attendee("Huda"), world.attendee("Omar")
    scan = world.scan(huda, omar, note="talked about shipping spices")
    assert "shipping spices" in preview(client, world, huda)
    world.apply(edited(world, scan, 1, notes=["wants an intro to a cold-chain investor"]))
    text = preview(client, world, huda)
    assert "cold-chain investor" in text and "shipping spices" not in text


def test_an_edit_replayed_or_overtaken_by_a_newer_one_changes_nothing(world, service):
    huda, omar = world.attendee("Huda"), world.attendee("Omar")
    scan = world.scan(huda, omar, note="first words", tags=["hiring"])
    first, second = (
        edited(world, scan, 1, notes=["one"]),
        edited(world, scan, 2, notes=["two", "three"], tags=["tea"]),
    )
    world.apply(first, second, first, second)
    world.apply(scan)  # the scan itself again, as a replay of the topic from the start would bring it
    assert notes_of(service, huda) == [("two", ["tea"]), ("three", [])]


def test_a_scan_after_the_edit_keeps_its_note_after_the_edited_ones(world, service):
    huda, omar = world.attendee("Huda"), world.attendee("Omar")
    scan = world.scan(huda, omar, note="first words")
    world.apply(edited(world, scan, 1, notes=[], tags=[]))  # deleted
    assert notes_of(service, huda) == []
    world.scan(huda, omar, note="met again at lunch")
    world.apply(edited(world, scan, 1, notes=["stale replay"]))
    assert notes_of(service, huda) == [("met again at lunch", [])]


def test_an_edit_of_an_erased_person_is_dropped(world, service):
    huda, omar = world.attendee("Huda"), world.attendee("Omar")
    scan = world.scan(huda, omar, note="first words")
    world.apply(ev.AttendeeErased(event_id=world.event_id, attendee_id=omar))
    world.apply(edited(world, scan, 1, notes=["about someone who asked to be forgotten"]))
    assert notes_of(service, huda) == []
