"""How badge-service objects look from outside: JSON shapes, token URLs, and printable cards."""

from __future__ import annotations

from services.badge.models import Attendee, Event
from services.badge.render import BadgeCard
from shared import identity
from shared.config import Settings
from shared.envelope import iso
from shared.tokens import TokenSigner


def event_json(event: Event) -> dict:
    return {
        "id": event.id,
        "name": event.name,
        "venue": event.venue,
        "starts_at": iso(event.starts_at),
        "ends_at": iso(event.ends_at),
        "timezone": event.timezone,
        "language": event.language,
        "contact_email": event.contact_email or "",
        "followup_at": iso(event.followup_at) if event.followup_at else None,
        "meeting_point": event.meeting_point or "",
        "welcome": event.welcome or "on_registration",
        "welcome_at": iso(event.welcome_at) if event.welcome_at else None,
        "status": "closed" if event.closed_at else "open",
        "closed_at": iso(event.closed_at) if event.closed_at else None,
    }


def badge_token(signer: TokenSigner, a: Attendee) -> str:
    return identity.issue_token(
        signer, identity.BADGE, identity.TokenClaims(a.event_id, a.id, a.badge_serial)
    )


def private_token(signer: TokenSigner, a: Attendee) -> str:
    return identity.issue_token(
        signer, identity.PRIVATE, identity.TokenClaims(a.event_id, a.id, a.private_serial)
    )


def private_url(settings: Settings, signer: TokenSigner, a) -> str:
    """The attendee's private link (their page): the badge service's and the welcome email's, made here only."""
    return f"{settings.badge_url}/me/{private_token(signer, a)}"


def qr_prefix(settings: Settings) -> str:
    return f"{settings.public_url}/c/"


def attendee_json(a: Attendee, settings: Settings, signer: TokenSigner) -> dict:
    """The organizer's view, with the public badge token and the attendee's private one."""
    token, private = badge_token(signer, a), private_token(signer, a)
    return {
        "id": a.id,
        "event_id": a.event_id,
        "name": a.name,
        "email": a.email,
        "company": a.company,
        "title": a.title,
        "headline": a.headline,
        "interests": list(a.interests),
        "language": a.language,
        "can_help_with": a.can_help_with,
        "looking_for": a.looking_for,
        "consent": {
            "followup": a.consent_followup,
            "share_contact": a.consent_share_contact,
            "suggest": a.consent_suggest,
        },
        "short_code": a.short_code,
        "badge_token": token,
        "badge_url": qr_prefix(settings) + token,
        # Private: how the attendee identifies themselves when they scan others. Never printed.
        "scanner_token": private,
        "private_url": private_url(settings, signer, a),
        "badge_png": f"{settings.badge_url}/v1/attendees/{a.id}/badge.png",
    }


def badge_card(a: Attendee, event: Event, settings: Settings, signer: TokenSigner) -> BadgeCard:
    """`a` and `event` may be any objects with these attributes (the follow-up service's read
    model draws the welcome email's badge with this too, so both show the same card)."""
    token = badge_token(signer, a)
    # The person's page is the one their QR opens: who they are, and a note field for whoever met them.
    return BadgeCard(
        name=a.name,
        language=a.language,
        event_name=event.name,
        qr_prefix=qr_prefix(settings),
        token=token,
        short_code=a.short_code,
        headline=a.headline,
        company=a.company,
        title=a.title,
        interests=tuple(a.interests)[:4],
        profile_url=qr_prefix(settings) + token,
    )
