"""Signed links in follow-up emails: unsubscribe, "followed up", and a contact's vCard.

Each link carries who it is for (and about whom), signed with a purpose of its own, so a link
cannot be turned into another kind or pointed at someone else; nothing is stored to check it.
"""

from __future__ import annotations

from dataclasses import dataclass

from shared.tokens import InvalidToken, TokenSigner

UNSUBSCRIBE, FOLLOWED_UP, VCARD = "followup-unsubscribe", "followup-done", "followup-vcard"


@dataclass(frozen=True)
class Links:
    base_url: str  # the follow-up service's public URL
    signer: TokenSigner

    def token(self, purpose: str, *ids: str) -> str:
        return self.signer.sign(purpose, ":".join(ids).encode())

    def unsubscribe(self, reader: str) -> str:
        return f"{self.base_url}/u/{self.token(UNSUBSCRIBE, reader)}"

    def followed_up(self, reader: str, contact: str) -> str:
        return f"{self.base_url}/d/{self.token(FOLLOWED_UP, reader, contact)}"

    def vcard(self, reader: str, contact: str) -> str:
        return f"{self.base_url}/v/{self.token(VCARD, reader, contact)}"


def read_link(signer: TokenSigner, purpose: str, token: str, parts: int) -> list[str]:
    """The ids a link names; InvalidToken if it is not one of ours for this purpose."""
    ids = signer.verify(purpose, token).decode("ascii", "replace").split(":")
    if len(ids) != parts or not all(ids):
        raise InvalidToken("this link is incomplete", code="malformed")
    return ids
