"""Signing in on a phone with the email one registered with: a one-time link by email.

Asking (`ask_for_links`) answers the same whether or not the email is registered: the caller
says "if it is registered, a link is on its way" either way, so nobody learns who attends. A link
is the row id of a `SigninLink` signed for the purpose "signin" (shared.identity.signin_token); it
opens once, within LINK_LIFETIME, and gives the phone the attendee's private token at its current
serial (the identity cookie). The email is the follow-up service's to send (its one mail outbox):
each new row puts `signin.requested` (the row id, not the link) in this service's outbox in the
same transaction, and the scan relay publishes it. Nothing here knows Flask; time comes in as `now`.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from services.scan.domain import MAX_NOTE, MAX_TAG, MAX_TAGS, ScanError
from services.scan.models import Attendee, Event, SigninLink
from shared import events as ev
from shared import identity
from shared.envelope import iso
from shared.lists import split_items
from shared.outbox import add_to_outbox
from shared.tokens import InvalidToken, TokenSigner

LINK_LIFETIME = timedelta(minutes=30)
KEEP_USED = timedelta(days=1)  # a used or expired row is kept this long (its draft note is shown once back)
MAX_EVENTS = (
    3  # an email registered for several events (no event named) gets a link for each, up to this many
)


@dataclass(frozen=True)
class AskForLinks:
    email: str
    event_id: str | None  # None: any event this email is registered for (the bare /scan page)
    return_to: str  # a path on this site
    note: str = ""
    tags: tuple[str, ...] = ()


def parse_email(value: object) -> str:
    """An email address as the read model keeps it (lower case), or ScanError invalid_input."""
    text = value.strip().lower() if isinstance(value, str) else ""
    local, at, domain = text.partition("@")
    if (
        not at
        or not local
        or "." not in domain
        or len(text) > 254
        or any(c.isspace() or c in "<>" for c in text)
    ):
        raise ScanError(
            "email: the address you registered with",
            code="invalid_input",
            errors={"email": "the address you registered with"},
        )
    return text


def parse_draft(note: object, tags: object) -> tuple[str, tuple[str, ...]]:
    note = note if isinstance(note, str) else ""
    if len(note) > MAX_NOTE:
        raise ScanError(
            f"note: at most {MAX_NOTE} characters",
            code="invalid_input",
            errors={"note": f"at most {MAX_NOTE} characters"},
        )
    tags = split_items([t for t in tags if isinstance(t, str)]) if isinstance(tags, (list, tuple)) else []
    return note.strip(), tuple(t for t in tags if len(t) <= MAX_TAG)[:MAX_TAGS]


def ask_for_links(session: Session, cmd: AskForLinks, now: datetime) -> list[SigninLink]:
    """A link (and its signin.requested, in the outbox) for each event `cmd.email` is registered for, the latest first;
    [] if none. Closed events too: after the close My people is still theirs to read."""
    query = (
        sa.select(Attendee.id, Attendee.event_id)
        .join(Event, Event.id == Attendee.event_id)
        .where(Attendee.email == cmd.email)
    )
    if cmd.event_id is not None:
        query = query.where(Attendee.event_id == cmd.event_id)
    found = session.execute(query.order_by(Event.version.desc()).limit(MAX_EVENTS)).all()
    # Forget what nobody can open any more (no job to run: asking is what makes rows).
    session.execute(sa.delete(SigninLink).where(SigninLink.expires_at < now - KEEP_USED))
    links = [
        SigninLink(
            id=secrets.token_hex(16),
            event_id=event_id,
            attendee_id=attendee_id,
            return_to=cmd.return_to,
            draft_note=cmd.note,
            draft_tags=list(cmd.tags),
            created_at=now,
            expires_at=now + LINK_LIFETIME,
        )
        for attendee_id, event_id in found
    ]
    session.add_all(links)
    if links:
        add_to_outbox(
            session,
            *(
                ev.SigninRequested(
                    event_id=link.event_id,
                    attendee_id=link.attendee_id,
                    link_id=link.id,
                    expires_at=iso(link.expires_at),
                )
                for link in links
            ),
        )
    return links


def link_id(signer: TokenSigner, token: str) -> str:
    """The row a sign-in token names; ScanError bad_link if it is not one we signed."""
    try:
        return identity.signin_link_id(signer, token)
    except InvalidToken:
        raise ScanError("this sign-in link is not valid", code="bad_link", status=404) from None


def open_link(session: Session, signer: TokenSigner, token: str, now: datetime) -> tuple[SigninLink, str]:
    """Use a sign-in link once: (its row, the private token for the identity cookie).

    One UPDATE claims it (unused and unexpired), so two phones opening it at once cannot both
    sign in. Refusals: bad_link (404), link_used and link_expired (410): the page offers a new one."""
    found = link_id(signer, token)
    claimed = session.execute(
        sa.update(SigninLink)
        .where(SigninLink.id == found, SigninLink.used_at.is_(None), SigninLink.expires_at > now)
        .values(used_at=now)
        .returning(SigninLink.id)
    ).scalar_one_or_none()
    link = session.get(SigninLink, found)
    if link is None:
        raise ScanError("this sign-in link is not valid", code="bad_link", status=404)
    if claimed is None:
        if link.used_at is not None:
            raise ScanError(
                "this sign-in link was used already: ask for a new one", code="link_used", status=410
            )
        raise ScanError("this sign-in link has expired: ask for a new one", code="link_expired", status=410)
    attendee = session.get(Attendee, link.attendee_id)
    if attendee is None:
        raise ScanError("this sign-in link is not valid", code="bad_link", status=404)
    private = identity.issue_token(
        signer,
        identity.PRIVATE,
        identity.TokenClaims(attendee.event_id, attendee.id, attendee.private_serial),
    )
    return link, private


def draft_for(session: Session, attendee_id: str, draft: str) -> tuple[str, tuple[str, ...]] | None:
    """The note and tags typed before signing in, for their owner only."""
    if not draft or len(draft) != 32:
        return None
    link = session.get(SigninLink, draft)
    if link is None or link.attendee_id != attendee_id or link.used_at is None:
        return None
    return link.draft_note, tuple(link.draft_tags or ())
