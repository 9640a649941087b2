"""Signed links in follow-up emails: unsubscribe, "followed up", and a contact's vCard.

One token per email names its reader, signed for this purpose only, so nothing is stored to
check a link and a link cannot be pointed at another reader. The person a "followed up" or vCard
link is about follows the token in the path: a reader can only mark their own contacts, and
the vCard page also checks that the reader met that person (or was pointed to them for a shared
interest) and that the person still agrees to share.
"""

from __future__ import annotations

from functools import lru_cache

from services.followup.headers import one_line
from shared.tokens import InvalidToken, TokenSigner

# What urllib.parse.quote never encodes: letters, digits and _.-~ (RFC 3986's unreserved).
UNRESERVED = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-~"

READER = "followup-reader"


class Links:
    def __init__(self, base_url: str, signer: TokenSigner):
        self.base_url, self.signer = base_url, signer
        # One token per email, though every contact in it has two links.
        self.token = lru_cache(maxsize=256)(lambda reader: signer.sign(READER, reader.encode()))

    def unsubscribe(self, reader: str) -> str:
        return f"{self.base_url}/u/{self.token(reader)}"

    def followed_up(self, reader: str, contact: str) -> str:
        return f"{self.base_url}/d/{self.token(reader)}/{contact}"

    def vcard(self, reader: str, contact: str) -> str:
        return f"{self.base_url}/v/{self.token(reader)}/{contact}"


def read_link(signer: TokenSigner, token: str) -> str:
    """The reader a link was made for; InvalidToken if it is not one of ours."""
    reader = signer.verify(READER, token).decode("ascii", "replace")
    if not reader.isalnum():
        raise InvalidToken("this link is incomplete", code="malformed")
    return reader


@lru_cache(maxsize=8)
def _byte_table(safe: str) -> tuple[str, ...]:
    kept = UNRESERVED + safe.encode("ascii")
    return tuple(chr(b) if b in kept else f"%{b:02X}" for b in range(256))


def percent_encoded(text: str, safe: str = "/") -> str:
    """urllib.parse.quote(text, safe), by a table of the 256 bytes: a mailto link carries a whole
    suggested message, and quote's per-byte Python loop was a third of building an email's people
    (the tests compare the two)."""
    return "".join(map(_byte_table(safe).__getitem__, text.encode("utf-8")))


@lru_cache(maxsize=64)
def mailto_subject(event_name: str) -> str:
    """The subject of every message an event's emails suggest: its name on one line, encoded."""
    return percent_encoded(one_line(event_name))
