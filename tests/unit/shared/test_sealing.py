"""The sealing envelope: personal fields readable only with every subject's data key."""

import base64
import json
from dataclasses import replace

import pytest

from shared.envelope import DecodeError, Envelope
from shared.events import AttendeeRegistered, ScanRecorded, from_envelope, to_envelope
from shared.sealing import Erased, Keyring, new_data_key, open_sealed

LINA, OMAR = "a-lina", "a-omar"
KEYS = {LINA: new_data_key(), OMAR: new_data_key()}
REGISTERED = AttendeeRegistered(
    event_id="ev1",
    attendee_id=LINA,
    name="لينا حداد",
    email="lina@example.org",
    language="ar",
    short_code="K7M2Q9",
    company="Studio Lina",
    headline="Typefaces for Arabic",
    interests=("type design",),
)
SCAN = ScanRecorded(
    event_id="ev1",
    meeting_id="m1",
    scanner=OMAR,
    scanned=LINA,
    scanned_at="2026-11-28T10:00:00.000Z",
    client_scan_id="c1",
    note="wants an intro to our printer",
    tags=("coffee later",),
)


def wire(envelope: Envelope) -> Envelope:
    return Envelope.from_bytes(envelope.to_bytes())


def test_personal_fields_travel_sealed_and_open_with_the_key():
    sealed = to_envelope(REGISTERED, keys=KEYS)
    raw = sealed.to_bytes()
    for secret in ("لينا".encode(), b"lina@example.org", b"Studio Lina", b"Typefaces", b"type design"):
        assert secret not in raw
    assert b'"short_code":"K7M2Q9"' in raw  # what is not personal stays readable
    opened = open_sealed(wire(sealed), KEYS)
    assert from_envelope(opened) == REGISTERED
    assert opened.keys == {LINA: KEYS[LINA]}


def test_a_note_needs_both_peoples_keys():
    sealed = wire(to_envelope(SCAN, keys=KEYS))
    assert b"printer" not in sealed.to_bytes()
    assert from_envelope(open_sealed(sealed, KEYS)) == SCAN
    for erased in (LINA, OMAR):
        with pytest.raises(Erased) as caught:
            open_sealed(sealed, {**KEYS, erased: None})
        assert caught.value.subject == erased


def test_a_tampered_box_is_refused():
    sealed = wire(to_envelope(REGISTERED, keys=KEYS))
    box = bytearray(base64.b64decode(sealed.data["sealed"]["box"]))
    box[3] ^= 1
    tampered = replace(
        sealed,
        data={**sealed.data, "sealed": {**sealed.data["sealed"], "box": base64.b64encode(box).decode()}},
    )
    with pytest.raises(DecodeError, match="does not open"):
        open_sealed(tampered, KEYS)


def test_a_box_moved_to_another_message_is_refused():
    sealed = wire(to_envelope(REGISTERED, keys=KEYS))
    with pytest.raises(DecodeError, match="does not open"):
        open_sealed(replace(sealed, id="another-message"), KEYS)
    with pytest.raises(DecodeError, match="does not open"):
        open_sealed(replace(sealed, event_id="ev2"), KEYS)


def test_a_wrong_key_is_refused():
    sealed = wire(to_envelope(REGISTERED, keys=KEYS))
    with pytest.raises(DecodeError, match="does not open"):
        open_sealed(sealed, {LINA: new_data_key()})


def test_malformed_sealed_data_is_refused():
    sealed = wire(to_envelope(REGISTERED, keys=KEYS))
    for bad in ({"to": []}, {"to": "x"}, {**sealed.data["sealed"], "nonce": "%%"}, {"to": [LINA]}):
        with pytest.raises(DecodeError):
            open_sealed(replace(sealed, data={**sealed.data, "sealed": bad}), KEYS)


def test_an_unknown_key_counts_as_erased_and_is_remembered():
    asked = []

    def fetch(ids):
        asked.append(sorted(ids))
        return {OMAR: KEYS[OMAR]}  # Lina's key is gone: the key service leaves her out

    ring = Keyring(fetch)
    sealed = wire(to_envelope(REGISTERED, keys=KEYS))
    with pytest.raises(Erased):
        ring.open(sealed)
    with pytest.raises(Erased):
        ring.open(sealed)
    assert asked == [[LINA]]  # erased for good: not asked again


def test_the_keyring_fetches_once_per_batch_and_forgets_on_erasure():
    asked = []
    now = [0.0]

    def fetch(ids):
        asked.append(sorted(ids))
        return {i: KEYS[i] for i in ids if i in KEYS}

    ring = Keyring(fetch, ttl=60, clock=lambda: now[0])
    ring.prefetch([LINA, OMAR, LINA])
    assert from_envelope(ring.open(wire(to_envelope(SCAN, keys=KEYS)))) == SCAN
    assert asked == [[LINA, OMAR]]
    now[0] = 61  # a key is kept a while, then asked for again
    ring.prefetch([OMAR])
    assert asked == [[LINA, OMAR], [OMAR]]
    ring.forget(LINA)
    with pytest.raises(Erased):
        ring.open(wire(to_envelope(REGISTERED, keys=KEYS)))
    assert asked == [[LINA, OMAR], [OMAR]]


def test_messages_in_clear_still_read_and_sealed_ones_need_a_keyring():
    clear = wire(to_envelope(REGISTERED))
    assert "name" in clear.data
    assert from_envelope(open_sealed(clear, {})) == REGISTERED
    assert from_envelope(Keyring(lambda ids: {}).open(clear)) == REGISTERED
    with pytest.raises(DecodeError, match="sealed"):
        from_envelope(wire(to_envelope(REGISTERED, keys=KEYS)))


def test_without_every_subjects_key_the_message_goes_in_clear():
    # Someone registered before sealing has no key yet: their notes are written as before.
    envelope = to_envelope(SCAN, keys={OMAR: KEYS[OMAR], LINA: None})
    assert envelope.data["note"] == SCAN.note and "sealed" not in envelope.data


def test_the_sealed_box_is_json_of_exactly_the_personal_fields():
    envelope = to_envelope(REGISTERED, keys=KEYS)
    assert set(envelope.data) & set(AttendeeRegistered.PERSONAL) == set()
    opened = open_sealed(wire(envelope), KEYS)
    assert set(AttendeeRegistered.PERSONAL) <= set(opened.data)
    assert json.loads(envelope.to_bytes())["data"]["sealed"]["to"] == [LINA]
