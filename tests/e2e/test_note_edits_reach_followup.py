"""An edit in My people reaches the follow-up email through the bus: the scan service's outbox,
its relay, a real Kafka broker, and the follow-up consumer's handler, each on PostgreSQL; made
through the API, and on the My people page in Chromium."""

from __future__ import annotations

import time
import uuid
from dataclasses import replace

import sqlalchemy as sa
from playwright.sync_api import expect

from services.followup import create_app as create_followup
from services.followup.readmodel import apply_event as apply_to_followup
from services.scan.handlers import apply_event as apply_to_scan
from services.scan.models import Attendee
from shared import events as ev
from shared import identity
from shared.bus import DEAD_LETTER_TOPIC, bus_from_url
from shared.bus.worker import Worker
from shared.consumer import applied_once
from shared.events import ALL_TOPICS, to_envelope
from shared.identity import TokenClaims
from shared.outbox import pending, relay_once
from shared.tokens import TokenSigner
from tests.e2e.test_scan_pages import base_url, browser, people, phone, playwright, scan_app  # noqa: F401

ADMIN = {"Authorization": "Bearer test-admin-token"}
HANDLED = ("event.created", "attendee.registered", "scan.recorded", "notes.edited")


def preview_once_caught_up(bus, followup_app, event_id: str, reader: str, awaited: str) -> str:
    """Run the follow-up consumer's handler over the topics until `reader`'s preview holds `awaited`
    (or a minute has passed); the preview's text. Nothing may go to the dead-letter topic."""
    handler = applied_once(followup_app.extensions["followup"].sessions, "followup", apply_to_followup)
    url = f"/v1/events/{event_id}/attendees/{reader}/followup/preview?format=text"
    preview = followup_app.test_client()
    deadline = time.monotonic() + 60
    with bus.producer() as dead_letters, bus.consumer("followup", ALL_TOPICS) as consumer:
        worker = Worker(consumer, dead_letters, "followup", {t: handler for t in HANDLED})
        while True:
            worker.run_once(timeout=1.0)
            text = preview.get(url, headers=ADMIN).text
            if awaited in text or time.monotonic() > deadline:
                assert worker.dead_lettered == 0
                return text


def publish(bus, scan_app, events) -> None:
    """The badge service's messages (`events`), then everything in the scan service's outbox."""
    with bus.producer() as producer:
        for event in events:
            producer.send(event.TOPIC, event.key(), to_envelope(event).to_bytes())
        producer.flush()
        while relay_once(scan_app.extensions["scan"].sessions, producer):  # the scan service's relay
            pass
    with scan_app.extensions["scan"].sessions() as session:
        assert pending(session) == 0


def test_the_follow_up_preview_uses_the_note_as_edited_in_my_people(
    scan_app, settings, new_database, kafka_broker
):
    followup_app = create_followup(
        replace(settings, followup_database_url=new_database(), admin_token="test-admin-token")
    )
    scan = scan_app.extensions["scan"]
    bus = bus_from_url(kafka_broker.url, partitions=3)
    bus.ensure_topics([*ALL_TOPICS, DEAD_LETTER_TOPIC], 3)
    signer = TokenSigner.from_settings(settings)

    event_id, lina, omar = identity.new_event_id(), identity.new_attendee_id(), identity.new_attendee_id()
    registered = [
        ev.EventCreated(
            event_id=event_id,
            name="Levant Makers",
            venue="",
            starts_at="2026-12-01T06:00:00Z",
            ends_at="2026-12-01T15:00:00Z",
            timezone="Asia/Amman",
            language="en",
        )
    ]
    for who, name in ((lina, "Lina Haddad"), (omar, "Omar Farouk")):
        code = identity.new_short_code()
        registered += [
            ev.AttendeeRegistered(
                event_id=event_id,
                attendee_id=who,
                name=name,
                email=f"{who}@x.org",
                language="en",
                short_code=code,
                consent_followup=True,
                consent_share_contact=True,
            ),
            ev.BadgeIssued(event_id=event_id, attendee_id=who, token_id=f"{who}.1", short_code=code),
        ]
    with scan.sessions() as session:  # what the scan service's own consumer would have applied
        for event in registered:
            apply_to_scan(session, event, to_envelope(event))
        session.commit()
    scan.directory.invalidate()

    client = scan_app.test_client()
    auth = {
        "Authorization": f"Bearer {identity.issue_token(signer, identity.PRIVATE, TokenClaims(event_id, lina, 1))}"
    }
    omar_badge = identity.issue_token(signer, identity.BADGE, TokenClaims(event_id, omar, 1))
    saved = client.post(
        "/v1/scans",
        headers=auth,
        json={"scanned": omar_badge, "note": "spices", "client_scan_id": uuid.uuid4().hex},
    )
    assert saved.status_code == 201, saved.json
    edit = client.patch(
        f"/v1/me/people/{omar}", headers=auth, json={"notes": ["intro to a cold-chain investor"]}
    )
    assert edit.status_code == 200, edit.json

    publish(bus, scan_app, registered)
    text = preview_once_caught_up(bus, followup_app, event_id, lina, "cold-chain investor")
    assert "intro to a cold-chain investor" in text and "spices" not in text


def test_a_note_edited_on_the_my_people_page_changes_the_follow_up_preview(
    phone, people, scan_app, settings, new_database, kafka_broker
):
    lina, omar = people["lina"], people["omar"]
    followup_app = create_followup(
        replace(settings, followup_database_url=new_database(), admin_token="test-admin-token")
    )
    bus = bus_from_url(kafka_broker.url, partitions=3)
    bus.ensure_topics([*ALL_TOPICS, DEAD_LETTER_TOPIC], 3)
    page = phone.new_page()
    page.goto(f"/i/{lina.private}?next=/c/{omar.badge}")
    page.fill("#note", "talked about his teachers' app")
    page.click("#meeting button[type=submit]")
    page.goto("/me/people")
    card = page.locator(f"#p-{omar.id}")
    card.locator("summary").click()
    card.locator("textarea").first.fill("send him the pilot school's contact in Irbid")
    card.locator("button[type=submit]:not([name])").click()
    expect(page.locator(".saved")).to_be_visible()

    with scan_app.extensions["scan"].sessions() as session:  # who they are, as the badge service announced
        rows = {a.id: a for a in session.scalars(sa.select(Attendee))}
    registered = [
        ev.EventCreated(
            event_id=lina.event_id,
            name="Riyadh Design Week",
            venue="",
            starts_at="2026-12-01T06:00:00Z",
            ends_at="2026-12-03T15:00:00Z",
            timezone="Asia/Riyadh",
            language="en",
        )
    ]
    registered += [
        ev.AttendeeRegistered(
            event_id=lina.event_id,
            attendee_id=a.id,
            name=a.name,
            email=f"{a.id}@x.org",
            language=a.language,
            short_code=a.short_code,
            consent_followup=True,
        )
        for a in rows.values()
    ]
    publish(bus, scan_app, registered)
    text = preview_once_caught_up(bus, followup_app, lina.event_id, lina.id, "pilot school")
    assert "send him the pilot school's contact in Irbid" in text and "teachers' app" not in text
