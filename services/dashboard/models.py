"""Dashboard tables: the read model built from the bus, and the organizers' accounts.

The read model keeps its figures ready rather than counting on request: each attendee's
meeting count, ten-minute buckets of meetings, and a per-event `version` that every change the
live view shows is stamped with (`seq`), so a poll reads only what changed since its last one.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from shared.db import UtcDateTime


class Base(DeclarativeBase):
    pass


# The read model: rapport.events, rapport.attendees, rapport.scans, rapport.followups ---------


class Event(Base):
    __tablename__ = "events"
    id: Mapped[str] = mapped_column(sa.String(16), primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200), default="")
    venue: Mapped[str] = mapped_column(sa.String(200), default="")
    starts_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    ends_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    timezone: Mapped[str] = mapped_column(sa.String(64), default="UTC")
    language: Mapped[str] = mapped_column(sa.String(2), default="en")
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # Bumped (under this row's lock) by every change the live view shows: changes commit in
    # version order per event, so "seq > what I saw" never skips one.
    version: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    reset_version: Mapped[int] = mapped_column(sa.BigInteger, default=0)  # last erasure: reload the graph


class Attendee(Base):
    __tablename__ = "attendees"
    __table_args__ = (
        sa.Index("ix_attendee_event_meetings", "event_id", "meetings"),
        sa.Index("ix_attendee_event_seq", "event_id", "seq"),
        sa.Index("ix_attendee_event_last_scan", "event_id", "last_scan_at"),
    )
    id: Mapped[str] = mapped_column(sa.String(16), primary_key=True)
    event_id: Mapped[str] = mapped_column(sa.String(16))
    # False for a placeholder a scan made before the registration arrived (topics are not ordered
    # with each other); the registration fills it in and keeps its counts.
    registered: Mapped[bool] = mapped_column(default=False)
    name: Mapped[str] = mapped_column(sa.String(120), default="")
    email: Mapped[str] = mapped_column(sa.String(254), default="")
    company: Mapped[str] = mapped_column(sa.String(120), default="")
    title: Mapped[str] = mapped_column(sa.String(120), default="")
    headline: Mapped[str] = mapped_column(sa.String(140), default="")
    interests: Mapped[list] = mapped_column(sa.JSON, default=list)
    language: Mapped[str] = mapped_column(sa.String(2), default="en")
    short_code: Mapped[str] = mapped_column(sa.String(12), default="")
    consent_followup: Mapped[bool] = mapped_column(default=False)
    consent_share_contact: Mapped[bool] = mapped_column(default=False)
    can_help_with: Mapped[str] = mapped_column(sa.String(200), default="")
    looking_for: Mapped[str] = mapped_column(sa.String(200), default="")
    consent_suggest: Mapped[bool] = mapped_column(default=True)
    meetings: Mapped[int] = mapped_column(default=0)  # distinct people met, whoever scanned whom
    last_scan_at: Mapped[datetime | None] = mapped_column(UtcDateTime)  # their latest scan of someone
    seq: Mapped[int] = mapped_column(sa.BigInteger, default=0)


class AttendeeInterest(Base):
    """Interests folded for matching people who have met nobody with someone who shares one."""

    __tablename__ = "attendee_interests"
    __table_args__ = (sa.Index("ix_interest_event", "event_id", "interest"),)
    attendee_id: Mapped[str] = mapped_column(sa.String(16), primary_key=True)
    interest: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    event_id: Mapped[str] = mapped_column(sa.String(16))


class Meeting(Base):
    __tablename__ = "meetings"
    __table_args__ = (
        sa.Index("ix_meeting_event_seq", "event_id", "seq"),
        sa.Index("ix_meeting_low", "low_id"),
        sa.Index("ix_meeting_high", "high_id"),
    )
    id: Mapped[str] = mapped_column(sa.String(32), primary_key=True)  # the scan service's meeting id
    event_id: Mapped[str] = mapped_column(sa.String(16))
    low_id: Mapped[str] = mapped_column(sa.String(16))
    high_id: Mapped[str] = mapped_column(sa.String(16))
    low_scanned: Mapped[bool] = mapped_column(default=False)
    high_scanned: Mapped[bool] = mapped_column(default=False)
    mutual: Mapped[bool] = mapped_column(default=False)
    met_at: Mapped[datetime] = mapped_column(UtcDateTime)  # the earliest scan of the pair
    seq: Mapped[int] = mapped_column(sa.BigInteger, default=0)


class MeetingBucket(Base):
    """Meetings (and mutual ones) per ten minutes, by when they happened: the chart and the totals."""

    __tablename__ = "meeting_buckets"
    event_id: Mapped[str] = mapped_column(sa.String(16), primary_key=True)
    starts_at: Mapped[datetime] = mapped_column(UtcDateTime, primary_key=True)
    meetings: Mapped[int] = mapped_column(default=0)
    mutual: Mapped[int] = mapped_column(default=0)


class Followup(Base):
    """The latest delivery status of one campaign ("followup", "nudge-7", ...) to one attendee."""

    __tablename__ = "followups"
    __table_args__ = (sa.Index("ix_followup_event", "event_id", "campaign", "status"),)
    attendee_id: Mapped[str] = mapped_column(sa.String(16), primary_key=True)
    campaign: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    event_id: Mapped[str] = mapped_column(sa.String(16))
    status: Mapped[str] = mapped_column(sa.String(16))
    reason: Mapped[str] = mapped_column(sa.String(300), default="")
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


class FollowedUp(Base):
    """An attendee marked someone from a follow-up or nudge as "followed up"."""

    __tablename__ = "followed_up"
    __table_args__ = (sa.Index("ix_followed_up_event", "event_id", "campaign"),)
    attendee_id: Mapped[str] = mapped_column(sa.String(16), primary_key=True)
    contact_id: Mapped[str] = mapped_column(sa.String(16), primary_key=True)
    campaign: Mapped[str] = mapped_column(sa.String(40))
    event_id: Mapped[str] = mapped_column(sa.String(16))
    at: Mapped[datetime] = mapped_column(UtcDateTime)


class ErasedAttendee(Base):
    """Only the random id of someone erased, so their late-arriving scans and mail stay out."""

    __tablename__ = "erased_attendees"
    id: Mapped[str] = mapped_column(sa.String(16), primary_key=True)


READ_MODEL = (Event, Attendee, AttendeeInterest, Meeting, MeetingBucket, Followup, FollowedUp, ErasedAttendee)


# Organizers ----------------------------------------------------------------------------------


class Organizer(Base):
    __tablename__ = "organizers"
    id: Mapped[str] = mapped_column(sa.String(16), primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)  # stored folded to lower case
    name: Mapped[str] = mapped_column(sa.String(120))
    password_hash: Mapped[str] = mapped_column(sa.String(200))
    language: Mapped[str] = mapped_column(sa.String(2), default="en")
    is_admin: Mapped[bool] = mapped_column(default=False)  # sees every event, adds organizers
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class EventGrant(Base):
    """Who may see an event, by email: whether or not an organizer has that email yet.

    Kept by email so that granting answers the same for any address (it never tells whether
    someone is an organizer) and takes effect once an admin adds the account. The organizer who
    created the event is its `owner`: they and admins may revoke the others' grants. Each grant
    has a role (shared.organizers.PERMISSIONS): `owner`, `staff` or `viewer`.
    """

    __tablename__ = "event_grants"
    event_id: Mapped[str] = mapped_column(sa.String(16), primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), primary_key=True, index=True)  # folded to lower case
    role: Mapped[str] = mapped_column(sa.String(16), default="staff")  # owner, staff or viewer
    granted_at: Mapped[datetime] = mapped_column(UtcDateTime)


class LoginSession(Base):
    """A browser's login. The cookie holds a random secret; only its SHA-256 is stored."""

    __tablename__ = "login_sessions"
    id: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    organizer_id: Mapped[str] = mapped_column(sa.ForeignKey("organizers.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
    # What the sessions page shows, so the organizer can tell their own devices from a thief's.
    user_agent: Mapped[str] = mapped_column(sa.String(300), default="")
    address: Mapped[str] = mapped_column(sa.String(64), default="")
    last_seen_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class ApiToken(Base):
    """An organizer's bearer token for scripts. Shown once; only its SHA-256 is stored."""

    __tablename__ = "api_tokens"
    id: Mapped[str] = mapped_column(sa.String(16), primary_key=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    organizer_id: Mapped[str] = mapped_column(sa.ForeignKey("organizers.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(sa.String(80))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # What the token may do (shared.organizers): its role, one event or all (None), until when.
    role: Mapped[str] = mapped_column(sa.String(8), default="owner")
    event_id: Mapped[str | None] = mapped_column(sa.String(16))
    expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class Invitation(Base):
    """An admin's invitation to an email with no account yet: the link's secret, as its SHA-256.
    Accepting it makes the account (the grants given to that email take effect) and ends it."""

    __tablename__ = "invitations"
    id: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), index=True)
    invited_by: Mapped[str | None] = mapped_column(sa.String(16))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)


class LoginFailure(Base):
    """One wrong password: counted per account and per client address to throttle guessing.
    Kept in PostgreSQL, not in a process, so every dashboard process sees the same count."""

    __tablename__ = "login_failures"
    __table_args__ = (
        sa.Index("ix_login_failures_email_at", "email", "at"),
        sa.Index("ix_login_failures_address_at", "address", "at"),
    )
    id: Mapped[int] = mapped_column(sa.BigInteger, sa.Identity(), primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254))  # as typed, folded: unknown emails count too
    address: Mapped[str] = mapped_column(sa.String(64))
    at: Mapped[datetime] = mapped_column(UtcDateTime)


class AuditEntry(Base):
    """Who did what to an event, for its owners. The organizer's email is kept as it was then, so
    the entry still says who acted after their account is gone."""

    __tablename__ = "audit_log"
    __table_args__ = (sa.Index("ix_audit_log_event_at", "event_id", "at"),)
    id: Mapped[int] = mapped_column(sa.BigInteger, sa.Identity(), primary_key=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    event_id: Mapped[str] = mapped_column(sa.String(16))
    organizer_id: Mapped[str | None] = mapped_column(sa.String(16))
    organizer_email: Mapped[str] = mapped_column(sa.String(254))
    action: Mapped[str] = mapped_column(sa.String(40))
    subject: Mapped[str] = mapped_column(sa.String(300), default="")
    detail: Mapped[dict] = mapped_column(sa.JSON, default=dict)
