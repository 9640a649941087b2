import json

import pytest

from shared.envelope import DecodeError, Envelope, iso, parse_iso
from shared.events import (ALL_TOPICS, EVENT_TYPES, AttendeeRegistered, EventClosed, ScanRecorded, decode, encode,
                           from_envelope, pair_key, to_envelope)

SCAN = ScanRecorded(event_id="ev1", meeting_id="m1", scanner="a1", scanned="a2", scanned_at="2026-11-28T10:00:00.000Z",
                    client_scan_id="c1", note="talked about دمج التصميم", tags=("coffee later",), mutual=True)


def test_an_event_survives_the_round_trip_through_its_envelope():
    envelope, event = decode(encode(SCAN))
    assert event == SCAN
    assert (envelope.type, envelope.version, envelope.event_id) == ("scan.recorded", 1, "ev1")


def test_the_wire_envelope_has_exactly_the_documented_fields():
    doc = json.loads(encode(SCAN))
    assert set(doc) == {"id", "type", "version", "occurred_at", "event_id", "data"}
    assert doc["data"]["note"] == "talked about دمج التصميم"  # UTF-8, not \\u escapes
    assert "دمج".encode() in encode(SCAN)


def test_every_type_names_a_known_topic():
    assert {cls.TOPIC for cls in EVENT_TYPES.values()} == set(ALL_TOPICS)


def test_a_scan_is_keyed_by_the_pair_whoever_scanned_whom():
    reverse = ScanRecorded(**{**SCAN.__dict__, "scanner": "a2", "scanned": "a1"})
    assert SCAN.key() == reverse.key() == pair_key("ev1", "a1", "a2")
    assert pair_key("ev2", "a1", "a2") != SCAN.key()


def test_attendee_events_are_keyed_by_attendee():
    registered = AttendeeRegistered(event_id="ev1", attendee_id="att9", name="Lina", email="l@example.org",
                                    language="ar", short_code="K7P2QX")
    assert registered.key() == "att9"


def test_a_newer_version_than_we_know_is_refused():
    envelope = to_envelope(SCAN)
    with pytest.raises(DecodeError, match="newer"):
        from_envelope(Envelope(envelope.type, 2, envelope.event_id, envelope.data))


def test_fields_added_by_a_newer_writer_are_ignored():
    envelope = to_envelope(EventClosed(event_id="ev1", closed_at="2026-11-28T18:00:00.000Z"))
    grown = Envelope(envelope.type, 1, "ev1", {**envelope.data, "closed_by": "organizer"})
    assert from_envelope(grown) == EventClosed(event_id="ev1", closed_at="2026-11-28T18:00:00.000Z")


@pytest.mark.parametrize("raw, reason", [
    (b"\xff\xfe", "not JSON"), (b"[]", "not a JSON object"), (b'{"id": "x"}', "lacks"),
    (b'{"id":"x","type":"t","version":"1","occurred_at":"o","event_id":"e","data":{}}', "integer"),
])
def test_unreadable_bytes_say_why(raw, reason):
    with pytest.raises(DecodeError, match=reason):
        decode(raw)


def test_timestamps_on_the_wire_are_utc_with_a_z():
    moment = parse_iso("2026-11-28T12:00:00+03:00")
    assert iso(moment) == "2026-11-28T09:00:00.000Z"
    with pytest.raises(ValueError):
        parse_iso("2026-11-28T12:00:00")
