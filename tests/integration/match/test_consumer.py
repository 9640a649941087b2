"""The consumer's handler and the embedding loop: once per message, only the texts that changed are
embedded, and an edit that lands while a round embeds is never overwritten by the older texts."""

from __future__ import annotations

import numpy as np
import pytest
import sqlalchemy as sa

from services.match.embedding import Embedder, from_bytes
from services.match.models import Met, Profile
from services.match.pending import embed_pending
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

    def embed_kinds(self, texts):
        for items in texts.values():
            self.texts += items
        return super().embed_kinds(texts)


def test_every_subscribed_type_is_a_known_event_type():
    assert set(TYPES) <= set(EVENT_TYPES)


def registration(**profile) -> ev.AttendeeRegistered:
    fields = {
        "headline": "أصمم تطبيقات التعليم",
        "interests": ("تعليم",),
        "can_help_with": "تصميم تجربة المستخدم",
        "looking_for": "مستثمر",
        **profile,
    }
    return ev.AttendeeRegistered(
        event_id=identity.new_event_id(),
        attendee_id=identity.new_attendee_id(),
        name="Rana",
        email="r@example.org",
        language="ar",
        short_code="ABCDEF",
        **fields,
    )


def profile(service, attendee_id) -> Profile:
    with service.sessions() as session:
        return session.get(Profile, attendee_id)


def test_a_redelivered_message_changes_nothing_and_an_edit_embeds_only_what_changed(app):
    service, embedder = app.extensions["match"], CountingEmbedder()
    handle = applied_once(service.sessions, "match", applier())
    registered = registration()
    envelope = to_envelope(registered)
    handle(registered, envelope)
    handle(registered, envelope)  # at-least-once: the same message again
    assert profile(service, registered.attendee_id).embedding_pending
    assert embed_pending(service.sessions, embedder) == 1
    assert embed_pending(service.sessions, embedder) == 0
    assert len(embedder.texts) == 3
    before = profile(service, registered.attendee_id)
    assert not before.embedding_pending and before.seek_vector and before.give_vector and before.about_vector
    edited = ev.AttendeeUpdated(**{**registered.__dict__, "company": "Madar", "looking_for": "شريك تقني"})
    handle(edited, to_envelope(edited))
    assert profile(service, registered.attendee_id).seek_vector is None  # not the old text's vector
    embed_pending(service.sessions, embedder)
    assert embedder.texts[3:] == ["شريك تقني"]
    after = profile(service, registered.attendee_id)
    assert after.company == "Madar" and after.give_vector == before.give_vector
    assert after.seek_vector and after.seek_vector != before.seek_vector
    assert after.version > before.version  # the web copies reload it


def test_an_edit_during_a_round_is_embedded_next_round_not_overwritten(app):
    service = app.extensions["match"]
    handle = applied_once(service.sessions, "match", applier())
    registered = registration()
    handle(registered, to_envelope(registered))
    edited = ev.AttendeeUpdated(**{**registered.__dict__, "looking_for": "شريك تقني"})

    class EditingMidRound(CountingEmbedder):
        """The edit lands after the round read the row, while it embeds the old texts."""

        def embed_kinds(self, texts):
            if not self.texts:
                handle(edited, to_envelope(edited))
            return super().embed_kinds(texts)

    embedder = EditingMidRound()
    embed_pending(service.sessions, embedder)
    assert "مستثمر" in embedder.texts  # the round embedded the old text ...
    row = profile(service, registered.attendee_id)
    assert row.embedding_pending and row.seek_vector is None  # ... and did not write it over the new
    embed_pending(service.sessions, embedder)
    row = profile(service, registered.attendee_id)
    assert not row.embedding_pending and "شريك تقني" in embedder.texts[3:]
    reference = Embedder().embed("seek", ["شريك تقني"])[0]
    assert np.allclose(from_bytes(row.seek_vector), reference, atol=1e-5)  # the new text's vector


def test_a_round_embeds_a_batch_of_profiles_oldest_first_and_skips_empty_texts(app):
    service, embedder = app.extensions["match"], CountingEmbedder()
    handle = applied_once(service.sessions, "match", applier())
    people = [registration(company=f"C{i}") for i in range(5)]
    people[0] = registration(can_help_with="", looking_for="", headline="", interests=())
    for person in people:
        handle(person, to_envelope(person))
    assert not profile(service, people[0].attendee_id).embedding_pending  # nothing to embed
    assert embed_pending(service.sessions, embedder, batch=3) == 3
    assert embed_pending(service.sessions, embedder, batch=3) == 1
    assert embed_pending(service.sessions, embedder, batch=3) == 0
    assert len(embedder.texts) == 4 * 3
    rows = [profile(service, p.attendee_id) for p in people]
    assert all(r.seek_vector for r in rows[1:]) and rows[0].seek_vector is None
    assert not any(r.embedding_pending for r in rows)


def test_a_scan_is_a_meeting_both_ways_once(app):
    service = app.extensions["match"]
    handle = applied_once(service.sessions, "match", applier())
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
