"""The consumer's handler: once per message, and only the texts that changed are embedded."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from services.match.embedding import Embedder
from services.match.models import Met, Profile
from services.match.readmodel import TYPES, applier
from shared import events as ev
from shared import identity
from shared.consumer import applied_once
from shared.events import EVENT_TYPES, to_envelope

pytestmark = pytest.mark.postgres


class CountingEmbedder(Embedder):
    """The real model, counting the texts it is asked to embed."""

    def __init__(self):
        super().__init__()
        self.texts: list[str] = []

    def embed(self, kind, texts):
        self.texts += texts
        return super().embed(kind, texts)


def test_every_subscribed_type_is_a_known_event_type():
    assert set(TYPES) <= set(EVENT_TYPES)


def test_a_redelivered_message_changes_nothing_and_an_edit_embeds_only_what_changed(app):
    service, embedder = app.extensions["match"], CountingEmbedder()
    handle = applied_once(service.sessions, "match", applier(embedder))
    registered = ev.AttendeeRegistered(
        event_id=identity.new_event_id(),
        attendee_id=identity.new_attendee_id(),
        name="Rana",
        email="r@example.org",
        language="ar",
        short_code="ABCDEF",
        headline="أصمم تطبيقات التعليم",
        interests=("تعليم",),
        can_help_with="تصميم تجربة المستخدم",
        looking_for="مستثمر",
    )
    envelope = to_envelope(registered)
    handle(registered, envelope)
    handle(registered, envelope)  # at-least-once: the same message again
    assert len(embedder.texts) == 3
    with service.sessions() as session:
        before = session.get(Profile, registered.attendee_id)
    edited = ev.AttendeeUpdated(**{**registered.__dict__, "company": "Madar", "looking_for": "شريك تقني"})
    handle(edited, to_envelope(edited))
    assert embedder.texts[3:] == ["شريك تقني"]
    with service.sessions() as session:
        after = session.get(Profile, registered.attendee_id)
        assert after.company == "Madar" and after.give_vector == before.give_vector
        assert after.seek_vector != before.seek_vector


def test_a_scan_is_a_meeting_both_ways_once(app):
    service = app.extensions["match"]
    handle = applied_once(service.sessions, "match", applier(service.embedder))
    scan = ev.ScanRecorded(
        event_id="e",
        meeting_id="m",
        scanner="aaaa",
        scanned="bbbb",
        scanned_at="2026-12-01T10:00:00Z",
        client_scan_id="p:1",
    )
    handle(scan, to_envelope(scan))
    again = ev.ScanRecorded(
        **{**scan.__dict__, "scanner": "bbbb", "scanned": "aaaa", "client_scan_id": "p:2"}
    )
    handle(again, to_envelope(again))
    with service.sessions() as session:
        assert sorted(session.execute(sa.select(Met.attendee_id, Met.other_id)).all()) == [
            ("aaaa", "bbbb"),
            ("bbbb", "aaaa"),
        ]
