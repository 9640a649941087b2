"""Signed tokens: verifiable without a database call, short enough for a small QR code.

Wire format, version 1 (one base32 string: RFC 4648 alphabet A-Z 2-7, no padding):

    base32( 0x01 | kid | payload | tag )

    0x01     1 byte   format version; a verifier refuses versions it does not know
    kid      1 byte   first byte of SHA-256(signing key): picks the key during rotation
    payload  n bytes  whatever the caller packs (badge: event, attendee, token id)
    tag      16 bytes HMAC-SHA256(purpose_key, 0x01 | kid | payload), truncated to 128 bits

    purpose_key = HMAC-SHA256(signing key, "rapport/token/v1/" + purpose)

The purpose ("badge", "scanner", "magic-link", ...) is mixed into the key, so a token issued
for one purpose never verifies as another. Key rotation: sign with RAPPORT_SECRET_KEY; tokens
signed by a key listed in RAPPORT_OLD_SECRET_KEYS still verify until that key is dropped.
A 128-bit tag leaves forgery at 2^-128 per try. Base32 rather than base64: its characters are
all in a QR code's alphanumeric mode (5.5 bits a character instead of 8), so a badge URL fits a
small QR, and it survives case-folding (decoding accepts lower case).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Sequence

VERSION = 1
TAG_BYTES = 16


class InvalidToken(ValueError):
    """The token is not one we issued for this purpose; `code` says which check failed."""

    def __init__(self, detail: str, code: str):
        super().__init__(detail)
        self.code = code


def encode_text(raw: bytes) -> str:
    return base64.b32encode(raw).rstrip(b"=").decode()


def decode_text(text: str) -> bytes:
    """The bytes of `text`, which must be their one canonical spelling (any letter case).

    Unless the byte count is a multiple of 5, the last character carries bits past the last
    byte: b32decode ignores them, so up to 16 spellings decoded to one token (a badge's 2 free
    bits: 4 verified). Re-encoding and comparing makes those free bits zero, as the encoder
    writes them, so a token has one spelling (a revocation list or a cache keyed on the text
    cannot be walked around).
    """
    upper = text.upper()
    try:
        raw = base64.b32decode(upper + "=" * (-len(text) % 8))
    except (ValueError, TypeError):
        raise InvalidToken("token is not base32", code="malformed") from None
    if encode_text(raw) != upper:
        raise InvalidToken("token is not in its canonical base32 spelling", code="malformed")
    return raw


class TokenSigner:
    def __init__(self, current_key: str, old_keys: Sequence[str] = ()):
        if not current_key:
            raise ValueError("a signing key is required")
        self._current = current_key.encode()
        self._current_kid = self._kid(self._current)
        # A keyed HMAC per (key, purpose), copied for each token: keying is half of the work.
        self._macs: dict[tuple[bytes, str], hmac.HMAC] = {}
        self._keys: dict[int, list[bytes]] = {}
        for key in (current_key, *old_keys):
            raw = key.encode()
            self._keys.setdefault(self._kid(raw), []).append(raw)

    @classmethod
    def from_settings(cls, settings) -> TokenSigner:
        return cls(settings.secret_key, settings.old_secret_keys)

    @staticmethod
    def _kid(key: bytes) -> int:
        return hashlib.sha256(key).digest()[0]

    def _tag(self, key: bytes, purpose: str, signed: bytes) -> bytes:
        mac = self._macs.get((key, purpose))
        if mac is None:
            purpose_key = hmac.new(key, b"rapport/token/v1/" + purpose.encode(), hashlib.sha256).digest()
            mac = self._macs[(key, purpose)] = hmac.new(purpose_key, digestmod=hashlib.sha256)
        mac = mac.copy()
        mac.update(signed)
        return mac.digest()[:TAG_BYTES]

    def sign(self, purpose: str, payload: bytes) -> str:
        signed = bytes([VERSION, self._current_kid]) + payload
        return encode_text(signed + self._tag(self._current, purpose, signed))

    def verify(self, purpose: str, token: str) -> bytes:
        """The payload of a token we signed for `purpose`; InvalidToken otherwise."""
        if not token or len(token) > 4096:
            raise InvalidToken("token is empty or too long", code="malformed")
        raw = decode_text(token)
        if len(raw) < 2 + TAG_BYTES:
            raise InvalidToken("token is too short", code="malformed")
        if raw[0] != VERSION:
            raise InvalidToken(f"token format version {raw[0]} is not supported", code="unknown_version")
        signed, tag = raw[:-TAG_BYTES], raw[-TAG_BYTES:]
        for key in self._keys.get(raw[1], ()):
            if hmac.compare_digest(tag, self._tag(key, purpose, signed)):
                return signed[2:]
        raise InvalidToken("token signature does not match", code="bad_signature")
