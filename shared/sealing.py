"""Sealed personal fields: crypto-shredding for the event log.

The topics are append-only and kept for ever, so erasure cannot delete a person's records from
them; it destroys the key they were sealed with instead. Every attendee has a random 256-bit data
key, held only by the badge service (the system of record, `data_keys` table). The personal
fields of a message (each event type lists them in `PERSONAL`) travel sealed under the keys of its
`subjects()`:

    data = {<the other fields, in clear>,
            "sealed": {"v": 1, "to": ["<attendee id>", ...], "nonce": "<b64>", "box": "<b64>"}}

`box` is AES-256-GCM of the JSON object of those fields; the associated data binds it to the
message id, type, conference and subjects, so a box moved to another message does not open. One
subject: their key seals it. Two (a note A wrote about B): the key is HKDF-SHA256 of both keys,
so destroying EITHER person's key makes the note unreadable, and nobody keeps a third key.

Readers get keys from a `Keyring`: a cache in front of the badge service's `POST /v1/data-keys`,
filled one call per polled batch (never per message). A subject whose key the badge service no
longer has is erased: the message is skipped (`Erased`), so a rebuild from the topics leaves the
person out. A box that does not open with the right key was tampered with: that is a DecodeError
(dead-lettered). Messages written before sealing have no "sealed" member and read as before.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import replace

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from shared.envelope import DecodeError, Envelope

SEALED = "sealed"
KEY_BYTES = 32
Fetch = Callable[[Collection[str]], Mapping[str, bytes]]


class Erased(Exception):
    """The message names a subject whose key is gone: their data is erased, skip the message."""

    def __init__(self, subject: str):
        super().__init__(f"attendee {subject} is erased")
        self.subject = subject


class KeysUnavailable(ConnectionError):
    """The key service did not answer: an outage (consumers pause and retry), not a bad message."""


def new_data_key() -> bytes:
    return os.urandom(KEY_BYTES)


def _content_key(subjects: list[str], keys: Mapping[str, bytes]) -> bytes:
    if len(subjects) == 1:
        return keys[subjects[0]]
    material = b"".join(keys[s] for s in subjects)  # subjects are sorted: one key per set of people
    return HKDF(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=None, info=b"rapport.seal.v1").derive(
        material
    )


def _associated(envelope: Envelope, subjects: list[str]) -> bytes:
    return json.dumps([envelope.id, envelope.type, envelope.event_id, subjects]).encode()


def is_sealed(envelope: Envelope) -> bool:
    return isinstance(envelope.data.get(SEALED), dict)


def sealed_subjects(envelope: Envelope) -> list[str]:
    """Whose keys open `envelope` ([] if it is in clear or malformed: opening says why)."""
    to = envelope.data[SEALED].get("to") if is_sealed(envelope) else None
    return [s for s in to if isinstance(s, str)] if isinstance(to, list) else []


def seal(
    envelope: Envelope, fields: Iterable[str], subjects: Iterable[str], keys: Mapping[str, bytes]
) -> Envelope:
    """`envelope` with `fields` moved into a box only the `subjects`' keys open."""
    to = sorted(set(subjects))
    personal = {name: envelope.data[name] for name in fields if name in envelope.data}
    nonce = os.urandom(12)
    box = AESGCM(_content_key(to, keys)).encrypt(
        nonce, json.dumps(personal, ensure_ascii=False).encode(), _associated(envelope, to)
    )
    data = {k: v for k, v in envelope.data.items() if k not in personal}
    data[SEALED] = {
        "v": 1,
        "to": to,
        "nonce": base64.b64encode(nonce).decode(),
        "box": base64.b64encode(box).decode(),
    }
    return replace(envelope, data=data)


def open_sealed(envelope: Envelope, keys: Mapping[str, bytes | None]) -> Envelope:
    """`envelope` with its personal fields back in `data` and the keys that opened it in `keys`.

    Erased if a subject's key is gone (None or absent); DecodeError if the box is malformed or
    does not open (tampered, or a wrong key). An envelope in clear comes back unchanged."""
    if not is_sealed(envelope):
        return envelope
    sealed = envelope.data[SEALED]
    to = sealed.get("to")
    if not (isinstance(to, list) and to and all(isinstance(s, str) for s in to)) or to != sorted(set(to)):
        raise DecodeError("sealed data names no valid subjects")
    for subject in to:
        if keys.get(subject) is None:
            raise Erased(subject)
    try:
        nonce, box = base64.b64decode(sealed["nonce"]), base64.b64decode(sealed["box"])
        plain = AESGCM(_content_key(to, keys)).decrypt(nonce, box, _associated(envelope, to))
    except (KeyError, TypeError, ValueError, InvalidTag):
        raise DecodeError("sealed data does not open: tampered with, or sealed under another key") from None
    personal = json.loads(plain)
    data = {k: v for k, v in envelope.data.items() if k != SEALED} | personal
    return replace(envelope, data=data, keys={s: keys[s] for s in to})


class Keyring:
    """Data keys by attendee id, fetched in batches and cached.

    A key is kept `ttl` seconds (a process that never reads attendee.erased, such as a web
    worker, forgets an erased person's key within that time); an erased subject (forget(), or
    absent from the key service) is remembered as erased for good: attendee ids are never reused.
    Thread-safe: web processes share one per process."""

    def __init__(self, fetch: Fetch, *, ttl: float = 300.0, clock: Callable[[], float] = time.monotonic):
        self._fetch, self._ttl, self._clock = fetch, ttl, clock
        self._keys: dict[str, tuple[bytes, float]] = {}
        self._erased: set[str] = set()
        self._lock = threading.Lock()

    def prefetch(self, subjects: Iterable[str]) -> None:
        """Make sure every subject is known (one fetch for those that are not)."""
        now = self._clock()
        with self._lock:
            missing = {
                s
                for s in subjects
                if s not in self._erased and (s not in self._keys or self._keys[s][1] <= now)
            }
        if not missing:
            return
        found = self._fetch(sorted(missing))
        with self._lock:
            for subject in missing:
                if subject in found:
                    self._keys[subject] = (found[subject], now + self._ttl)
                else:
                    self._keys.pop(subject, None)
                    self._erased.add(subject)

    def keys(self, subjects: Iterable[str]) -> dict[str, bytes | None]:
        subjects = list(subjects)
        self.prefetch(subjects)
        with self._lock:
            return {s: None if s in self._erased else self._keys[s][0] for s in subjects}

    def open(self, envelope: Envelope) -> Envelope:
        """open_sealed() with this ring's keys (Erased, DecodeError, KeysUnavailable)."""
        if not is_sealed(envelope):
            return envelope
        return open_sealed(envelope, self.keys(sealed_subjects(envelope)))

    def forget(self, subject: str) -> None:
        """The subject was erased (attendee.erased): drop their key now."""
        with self._lock:
            self._keys.pop(subject, None)
            self._erased.add(subject)


def service_token(secret_key: str) -> str:
    """The bearer token services present to the key service, derived from the shared secret key."""
    return hmac.new(secret_key.encode(), b"rapport data keys", hashlib.sha256).hexdigest()


FETCH_CHUNK = 500  # ids per request: the badge service refuses more than 1,000


def badge_key_service(base_url: str, secret_key: str, timeout: float = 10.0) -> Fetch:
    """Fetch keys from the badge service's `POST /v1/data-keys`; KeysUnavailable if it does not answer."""
    url = base_url.rstrip("/") + "/v1/data-keys"
    token = service_token(secret_key)

    def fetch(subjects: Collection[str]) -> Mapping[str, bytes]:
        subjects, found = list(subjects), {}
        for start in range(0, len(subjects), FETCH_CHUNK):
            body = json.dumps({"attendee_ids": subjects[start : start + FETCH_CHUNK]}).encode()
            request = urllib.request.Request(
                url,
                data=body,
                method="POST",
                headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
            )
            try:
                with urllib.request.urlopen(request, timeout=timeout) as response:
                    answer = json.loads(response.read())
            except (urllib.error.URLError, OSError, ValueError) as exc:
                raise KeysUnavailable(
                    f"the badge service's data keys ({url}) are unavailable: {exc}"
                ) from exc
            found |= {s: base64.b64decode(k) for s, k in answer["keys"].items()}
        return found

    return fetch


def keyring_from_settings(settings) -> Keyring:
    return Keyring(badge_key_service(settings.keys_url, settings.secret_key))
