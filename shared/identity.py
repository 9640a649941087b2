"""Who an attendee is, across services: ids, short codes, and the two tokens every service reads.

- The badge token (purpose "badge") is public: it is in the QR on the badge.
- The private token (purpose "private") is the attendee's own credential: their private link,
  and the bearer token they scan others with. It is never printed.

Both carry the same claims (event, attendee, serial) in 13 bytes, signed with shared.tokens;
a serial older than the attendee's current one is a revoked token (a reissued badge).
"""

from __future__ import annotations

import base64
import secrets
import struct
from dataclasses import dataclass

from shared.tokens import InvalidToken, TokenSigner

EVENT_ID_BYTES, ATTENDEE_ID_BYTES = 5, 6
# No 0/O, 1/I/L: a short code is read off a badge and typed on a phone, often in poor light.
SHORT_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
SHORT_CODE_LENGTH = 6
BADGE, PRIVATE = "badge", "private"


def _new_id(size: int) -> str:
    return base64.b32encode(secrets.token_bytes(size)).decode().rstrip("=").lower()


def _id_bytes(value: str, size: int) -> bytes:
    raw = base64.b32decode(value.upper() + "=" * (-len(value) % 8))
    if len(raw) != size:
        raise ValueError(f"id {value!r} has the wrong length")
    return raw


def new_event_id() -> str:
    return _new_id(EVENT_ID_BYTES)


def new_attendee_id() -> str:
    return _new_id(ATTENDEE_ID_BYTES)


def new_short_code() -> str:
    return "".join(secrets.choice(SHORT_CODE_ALPHABET) for _ in range(SHORT_CODE_LENGTH))


def normalize_short_code(text: str) -> str:
    """What a person typed, as stored: upper case, no spaces or dashes."""
    return "".join(ch for ch in text.upper() if ch.isalnum())


@dataclass(frozen=True)
class TokenClaims:
    """What a badge or private token says: whose it is, in which event, which issue of it."""

    event_id: str
    attendee_id: str
    serial: int

    def pack(self) -> bytes:
        return (
            _id_bytes(self.event_id, EVENT_ID_BYTES)
            + _id_bytes(self.attendee_id, ATTENDEE_ID_BYTES)
            + struct.pack(">H", self.serial)
        )

    @classmethod
    def unpack(cls, raw: bytes) -> TokenClaims:
        if len(raw) != EVENT_ID_BYTES + ATTENDEE_ID_BYTES + 2:
            raise InvalidToken("token payload has the wrong length", code="malformed")
        event, attendee, serial = raw[:EVENT_ID_BYTES], raw[EVENT_ID_BYTES:-2], raw[-2:]
        encode = lambda b: base64.b32encode(b).decode().rstrip("=").lower()  # noqa: E731
        return cls(encode(event), encode(attendee), struct.unpack(">H", serial)[0])


def issue_token(signer: TokenSigner, purpose: str, claims: TokenClaims) -> str:
    return signer.sign(purpose, claims.pack())


def read_token(signer: TokenSigner, purpose: str, token: str, *, event_id: str | None = None) -> TokenClaims:
    """The claims of a genuine token; refuses forged, tampered and other-event tokens.

    Revocation needs the current serial, so the caller compares `claims.serial` with it.
    """
    claims = TokenClaims.unpack(signer.verify(purpose, token))
    if event_id is not None and claims.event_id != event_id:
        raise InvalidToken("this badge belongs to another event", code="other_event")
    return claims


def refuse_replaced(claims: TokenClaims, current_serial: int) -> None:
    """Refuse a private token (a /me link, a scanner token, an identity cookie) older than the
    attendee's current private serial: a new private link replaced it. Every service that accepts
    private tokens calls this with the serial its own read model learnt (private_link.renewed).
    A newer serial than the read model knows passes: it is genuine (signed), only not learnt yet."""
    if claims.serial < current_serial:
        raise InvalidToken("this private link was replaced by a newer one", code="replaced")


# A one-time sign-in link (asked for by email on the scan pages) is the id of its row in the scan
# service's signin_links (16 random bytes, hex) signed for the purpose "signin": it never passes
# for a badge or private token. The scan service opens it; the follow-up service signs the same id
# into the email, so what opens the link is in the email only, never on the bus or in a table.
SIGNIN = "signin"


def signin_token(signer: TokenSigner, link_id: str) -> str:
    return signer.sign(SIGNIN, bytes.fromhex(link_id))


def signin_link_id(signer: TokenSigner, token: str) -> str:
    """The sign-in link id a token names; InvalidToken if it is not one we signed."""
    return signer.verify(SIGNIN, token).hex()
