"""An edit in My people reaches the follow-up email through the bus: the scan service's outbox,
its relay, a real Kafka broker, and the follow-up consumer's handler, each on PostgreSQL."""

from __future__ import annotations

import time
import uuid
from dataclasses import replace

from services.followup import create_app as create_followup
from services.followup.readmodel import apply_event as apply_to_followup
from services.scan import create_app as create_scan
from services.scan.handlers import apply_event as apply_to_scan
from shared import events as ev
from shared import identity
from shared.bus import DEAD_LETTER_TOPIC, bus_from_url
from shared.bus.worker import Worker
from shared.consumer import applied_once
from shared.events import ALL_TOPICS, to_envelope
from shared.identity import TokenClaims
from shared.outbox import pending, relay_once
from shared.tokens import TokenSigner

ADMIN = {"Authorization": "Bearer test-admin-token"}


def test_the_follow_up_preview_uses_the_note_as_edited_in_my_people(settings, new_database, kafka_broker):
    scan_app = create_scan(replace(settings, scan_database_url=new_database()))
    followup_app = create_followup(replace(settings, followup_database_url=new_database(),
                                           admin_token="test-admin-token"))
    scan, followup = scan_app.extensions["scan"], followup_app.extensions["followup"]
    bus = bus_from_url(kafka_broker.url, partitions=3)
    bus.ensure_topics([*ALL_TOPICS, DEAD_LETTER_TOPIC], 3)
    signer = TokenSigner.from_settings(settings)

    event_id, lina, omar = identity.new_event_id(), identity.new_attendee_id(), identity.new_attendee_id()
    registered = [ev.EventCreated(event_id=event_id, name="Levant Makers", venue="", starts_at="2026-12-01T06:00:00Z",
                                  ends_at="2026-12-01T15:00:00Z", timezone="Asia/Amman", language="en")]
    for who, name in ((lina, "Lina Haddad"), (omar, "Omar Farouk")):
        code = identity.new_short_code()
        registered += [ev.AttendeeRegistered(event_id=event_id, attendee_id=who, name=name, email=f"{who}@x.org",
                                             language="en", short_code=code, consent_followup=True,
                                             consent_share_contact=True),
                       ev.BadgeIssued(event_id=event_id, attendee_id=who, token_id=f"{who}.1", short_code=code)]
    with scan.sessions() as session:  # what the scan service's own consumer would have applied
        for event in registered:
            apply_to_scan(session, event, to_envelope(event))
        session.commit()
    scan.directory.invalidate()

    client = scan_app.test_client()
    auth = {"Authorization": f"Bearer {identity.issue_token(signer, identity.PRIVATE, TokenClaims(event_id, lina, 1))}"}
    omar_badge = identity.issue_token(signer, identity.BADGE, TokenClaims(event_id, omar, 1))
    saved = client.post("/v1/scans", headers=auth, json={"scanned": omar_badge, "note": "spices",
                                                         "client_scan_id": uuid.uuid4().hex})
    assert saved.status_code == 201, saved.json
    edit = client.patch(f"/v1/me/people/{omar}", headers=auth, json={"notes": ["intro to a cold-chain investor"]})
    assert edit.status_code == 200, edit.json

    with bus.producer() as producer:
        for event in registered:  # the badge service's messages, for the follow-up's read model
            producer.send(event.TOPIC, event.key(), to_envelope(event).to_bytes())
        producer.flush()
        while relay_once(scan.sessions, producer):  # the scan service's relay: the scan, then the edit
            pass
    with scan.sessions() as session:
        assert pending(session) == 0

    handler = applied_once(followup.sessions, "followup", apply_to_followup)
    url = f"/v1/events/{event_id}/attendees/{lina}/followup/preview?format=text"
    preview = followup_app.test_client()
    deadline = time.monotonic() + 60
    with bus.producer() as dead_letters, bus.consumer("followup", ALL_TOPICS) as consumer:
        worker = Worker(consumer, dead_letters, "followup", {t: handler for t in
                                                             ("event.created", "attendee.registered",
                                                              "scan.recorded", "notes.edited")})
        while True:
            worker.run_once(timeout=1.0)
            text = preview.get(url, headers=ADMIN).text
            if "cold-chain investor" in text or time.monotonic() > deadline:
                break
    assert "intro to a cold-chain investor" in text and "spices" not in text
    assert worker.dead_lettered == 0
