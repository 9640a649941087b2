"""Follow-up service tables: its read model of events, attendees and meetings, and its deliveries.

The read model is built from rapport.events, rapport.attendees and rapport.scans and can be
rebuilt by replaying them. `deliveries` is the mail outbox: one row per (attendee, campaign),
so however often the planner runs or the sender restarts, nobody gets the same email twice.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from shared.db import UtcDateTime


class Base(DeclarativeBase):
    pass


class Event(Base):
    __tablename__ = "events"
    id: Mapped[str] = mapped_column(sa.String(16), primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    venue: Mapped[str] = mapped_column(sa.String(200), default="")
    language: Mapped[str] = mapped_column(sa.String(2), default="en")
    timezone: Mapped[str] = mapped_column(sa.String(64), default="UTC")
    contact_email: Mapped[str] = mapped_column(sa.String(254), default="")  # Reply-To of its emails
    # When its follow-up goes out, if the organizer chose (else the morning after the close).
    followup_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # The welcome email: "on_registration", "scheduled" (at welcome_at) or "off" (badge event_mail.py).
    welcome: Mapped[str] = mapped_column(sa.String(16), default="on_registration")
    welcome_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # When the planner queued this event's follow-up emails (once; nudges are planned per attendee).
    planned_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # When the consumer last applied an attendee or a scan of this event: planning waits until the
    # topics have gone quiet, so an email is not composed before its scans have arrived.
    changed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class Attendee(Base):
    """What an email needs about a person, and their consent as of the latest event."""

    __tablename__ = "attendees"
    __table_args__ = (sa.Index("ix_attendee_event", "event_id"),)
    id: Mapped[str] = mapped_column(sa.String(16), primary_key=True)
    event_id: Mapped[str] = mapped_column(sa.String(16))
    name: Mapped[str] = mapped_column(sa.String(120))
    email: Mapped[str] = mapped_column(sa.String(254))
    language: Mapped[str] = mapped_column(sa.String(2), default="en")
    company: Mapped[str] = mapped_column(sa.String(120), default="")
    title: Mapped[str] = mapped_column(sa.String(120), default="")
    headline: Mapped[str] = mapped_column(sa.String(140), default="")
    interests: Mapped[list] = mapped_column(sa.JSON, default=list)
    consent_followup: Mapped[bool] = mapped_column(default=False)
    consent_share_contact: Mapped[bool] = mapped_column(default=False)
    # What the welcome email draws their badge and private link from (badge.issued keeps them current).
    short_code: Mapped[str] = mapped_column(sa.String(12), default="")
    badge_serial: Mapped[int] = mapped_column(default=1)
    private_serial: Mapped[int] = mapped_column(default=1)
    # When attendee.registered reached us: only people registered since the welcome email existed
    # are welcomed on their own (older ones through the organizer's "send to everyone not yet sent").
    registered_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # Our own state, not the badge service's: an unsubscribe from one of our emails.
    unsubscribed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class Meeting(Base):
    """Two attendees who met; who scanned whom (both: mutual)."""

    __tablename__ = "meetings"
    __table_args__ = (
        sa.Index("ix_meeting_low", "low_id"),
        sa.Index("ix_meeting_high", "high_id"),
        sa.Index("ix_meeting_event", "event_id"),
    )
    id: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    event_id: Mapped[str] = mapped_column(sa.String(16))
    low_id: Mapped[str] = mapped_column(sa.String(16))
    high_id: Mapped[str] = mapped_column(sa.String(16))
    low_scanned: Mapped[bool] = mapped_column(default=False)
    high_scanned: Mapped[bool] = mapped_column(default=False)
    first_met_at: Mapped[datetime] = mapped_column(UtcDateTime)


class Note(Base):
    """One scan's note and tags, as its scanner wrote them; only ever shown back to that scanner."""

    __tablename__ = "notes"
    __table_args__ = (
        sa.UniqueConstraint("scanner_id", "client_scan_id", name="uq_note_scan"),
        sa.Index("ix_note_meeting", "meeting_id"),
    )
    id: Mapped[int] = mapped_column(sa.BigInteger(), primary_key=True, autoincrement=True)
    meeting_id: Mapped[str] = mapped_column(sa.String(32))
    scanner_id: Mapped[str] = mapped_column(sa.String(16))
    client_scan_id: Mapped[str] = mapped_column(sa.String(64))
    note: Mapped[str] = mapped_column(sa.Text, default="")
    tags: Mapped[list] = mapped_column(sa.JSON, default=list)
    scanned_at: Mapped[datetime] = mapped_column(UtcDateTime)
    # When the scan reached the server (its message's occurred_at, the same on every replay): a
    # phone syncing after the follow-up went out makes a late meeting, told in the next nudge.
    recorded_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class NoteEdit(Base):
    """The latest edit a scanner made to their notes about one meeting (rapport.scans notes.edited).

    Only its revision is kept: an edit's effect lives in `notes` (readmodel.apply_notes_edited),
    and an edit no newer than this one, replayed or late, changes nothing.
    """

    __tablename__ = "note_edits"
    scanner_id: Mapped[str] = mapped_column(sa.String(16), primary_key=True)
    meeting_id: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    revision: Mapped[int] = mapped_column()


class FollowedUp(Base):
    """The attendee told us they have written to this contact: no more nudges about them."""

    __tablename__ = "followed_up"
    attendee_id: Mapped[str] = mapped_column(sa.String(16), primary_key=True)
    contact_id: Mapped[str] = mapped_column(sa.String(16), primary_key=True)
    marked_at: Mapped[datetime] = mapped_column(UtcDateTime)


class Erased(Base):
    """Ids of attendees who asked to be forgotten, so a late or replayed scan cannot bring them back."""

    __tablename__ = "erased"
    attendee_id: Mapped[str] = mapped_column(sa.String(16), primary_key=True)


class Delivery(Base):
    """One email to one attendee for one campaign ("followup", "nudge-7", ...): the mail outbox.

    queued -> sending (leased by a sender) -> sent | failed | skipped. A lease that runs out
    (its sender died) puts the row back in reach of another sender. `resend` numbers the copies
    an organizer asked for (welcome emails): 0 for the first, so planning still makes it once.
    A "signin" row is one sign-in link's email (`link_id`, "" for every other campaign), not
    sent after `expires_at`, when the link no longer opens.
    """

    __tablename__ = "deliveries"
    __table_args__ = (
        sa.UniqueConstraint("attendee_id", "campaign", "resend", "link_id", name="uq_delivery_campaign"),
        sa.Index("ix_delivery_due", "status", "due_at"),
        sa.Index("ix_delivery_event", "event_id"),
    )
    id: Mapped[int] = mapped_column(sa.BigInteger(), primary_key=True, autoincrement=True)
    event_id: Mapped[str] = mapped_column(sa.String(16))
    attendee_id: Mapped[str] = mapped_column(sa.String(16))
    campaign: Mapped[str] = mapped_column(sa.String(32))
    resend: Mapped[int] = mapped_column(default=0)
    link_id: Mapped[str] = mapped_column(sa.String(32), default="")
    expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    status: Mapped[str] = mapped_column(sa.String(16), default="queued")
    due_at: Mapped[datetime] = mapped_column(UtcDateTime)
    lease_until: Mapped[datetime | None] = mapped_column(UtcDateTime)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str] = mapped_column(sa.Text, default="")
    message_id: Mapped[str] = mapped_column(sa.String(200), default="")
    contacts: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class CustomWording(Base):
    """An organizer's subject, opening paragraph and signature for one event and language ("" keeps ours)."""

    __tablename__ = "wordings"
    event_id: Mapped[str] = mapped_column(sa.String(16), primary_key=True)
    language: Mapped[str] = mapped_column(sa.String(2), primary_key=True)
    subject: Mapped[str] = mapped_column(sa.String(150), default="")
    opening: Mapped[str] = mapped_column(sa.Text, default="")
    signature: Mapped[str] = mapped_column(sa.String(150), default="")
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
