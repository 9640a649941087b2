import json
from dataclasses import fields
from typing import get_type_hints

import pytest

from shared.envelope import DecodeError, Envelope, iso, parse_iso
from shared.events import (
    ALL_TOPICS,
    EVENT_TYPES,
    AttendeeRegistered,
    EventClosed,
    ScanRecorded,
    Timestamp,
    decode,
    encode,
    from_envelope,
    pair_key,
    to_envelope,
)

SCAN = ScanRecorded(
    event_id="ev1",
    meeting_id="m1",
    scanner="a1",
    scanned="a2",
    scanned_at="2026-11-28T10:00:00.000Z",
    client_scan_id="c1",
    note="talked about دمج التصميم",
    tags=("coffee later",),
    mutual=True,
)


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
    registered = AttendeeRegistered(
        event_id="ev1",
        attendee_id="att9",
        name="Lina",
        email="l@example.org",
        language="ar",
        short_code="K7P2QX",
    )
    assert registered.key() == "att9"


def test_a_newer_version_than_we_know_is_refused():
    envelope = to_envelope(SCAN)
    with pytest.raises(DecodeError, match="newer"):
        from_envelope(Envelope(envelope.type, 2, envelope.event_id, envelope.data))


def test_fields_added_by_a_newer_writer_are_ignored():
    envelope = to_envelope(EventClosed(event_id="ev1", closed_at="2026-11-28T18:00:00.000Z"))
    grown = Envelope(envelope.type, 1, "ev1", {**envelope.data, "closed_by": "organizer"})
    assert from_envelope(grown) == EventClosed(event_id="ev1", closed_at="2026-11-28T18:00:00.000Z")


@pytest.mark.parametrize(
    "raw, reason",
    [
        (b"\xff\xfe", "not JSON"),
        (b"[]", "not a JSON object"),
        (b'{"id": "x"}', "lacks"),
        (b'{"id":"x","type":"t","version":"1","occurred_at":"o","event_id":"e","data":{}}', "integer"),
    ],
)
def test_unreadable_bytes_say_why(raw, reason):
    with pytest.raises(DecodeError, match=reason):
        decode(raw)


def test_timestamps_on_the_wire_are_utc_with_a_z():
    moment = parse_iso("2026-11-28T12:00:00+03:00")
    assert iso(moment) == "2026-11-28T09:00:00.000Z"
    with pytest.raises(ValueError):
        parse_iso("2026-11-28T12:00:00")


def closed_with(data: dict) -> Envelope:
    return Envelope("event.closed", 1, "ev1", data)


@pytest.mark.parametrize(
    "data, reason",
    [
        ({"closed_at": 12345}, "'closed_at' must be a timestamp string, not int"),
        ({"closed_at": "yesterday"}, "'closed_at' is not an ISO 8601 timestamp"),
        ({"closed_at": "2026-11-28T18:00:00"}, "'closed_at' is not an ISO 8601 timestamp"),  # no timezone
        (
            {"closed_at": "0001-01-01T00:00:00+14:00"},
            "'closed_at' is not an ISO 8601 timestamp",
        ),  # before year 1 in UTC
    ],
)
def test_a_field_of_the_wrong_type_is_refused_with_its_name(data, reason):
    with pytest.raises(DecodeError, match=reason):
        from_envelope(closed_with(data))


@pytest.mark.parametrize(
    "field, value, reason",
    [
        ("note", None, "'note' must be str, not NoneType"),
        ("mutual", "yes", "'mutual' must be bool, not str"),
        ("tags", "coffee", "'tags' must be an array, not str"),
        ("tags", ["coffee", 7], "'tags' item must be str, not int"),
        ("scanner", {"id": "a1"}, "'scanner' must be str, not dict"),
    ],
)
def test_every_field_is_checked_against_its_event_type(field, value, reason):
    envelope = to_envelope(SCAN)
    with pytest.raises(DecodeError, match=reason):
        from_envelope(Envelope(envelope.type, 1, "ev1", {**envelope.data, field: value}))


def test_a_count_is_an_integer_and_not_a_bool():
    data = {"attendee_id": "a1", "campaign": "followup", "reason": "mailbox full"}
    assert from_envelope(Envelope("followup.failed", 1, "ev1", {**data, "attempts": 3})).attempts == 3
    with pytest.raises(DecodeError, match="'attempts' must be int, not bool"):
        from_envelope(Envelope("followup.failed", 1, "ev1", {**data, "attempts": True}))


def test_every_event_type_round_trips_through_the_type_checks():
    samples = {str: "x", bool: True, int: 2, tuple[str, ...]: ("a",), Timestamp: "2026-11-28T18:00:00.000Z"}
    for cls in EVENT_TYPES.values():
        hints = get_type_hints(cls, include_extras=True)
        event = cls(**{f.name: samples[hints[f.name]] for f in fields(cls)})
        assert decode(encode(event))[1] == event
