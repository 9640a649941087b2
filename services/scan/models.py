"""Scan service tables: its read model of events and attendees, the meetings it records, and notes edited since."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from shared.db import UtcDateTime


class Base(DeclarativeBase):
    pass


class Event(Base):
    """Learnt from rapport.events."""

    __tablename__ = "events"
    id: Mapped[str] = mapped_column(sa.String(16), primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    language: Mapped[str] = mapped_column(sa.String(2))
    timezone: Mapped[str] = mapped_column(
        sa.String(64), default="UTC"
    )  # "you met at 11:55", in the event's time
    # The event's days: a scan dated outside them (with a margin, domain.scan_window) is refused.
    starts_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    ends_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    version: Mapped[int] = mapped_column(sa.BigInteger, default=1, index=True)  # see DirectoryState


class Attendee(Base):
    """Learnt from rapport.attendees: enough to show who was scanned and to refuse stale badges."""

    __tablename__ = "attendees"
    __table_args__ = (
        sa.Index("ix_attendee_short_code", "event_id", "short_code"),
        sa.Index("ix_attendee_email", "email"),
    )
    id: Mapped[str] = mapped_column(sa.String(16), primary_key=True)
    event_id: Mapped[str] = mapped_column(sa.String(16))
    name: Mapped[str] = mapped_column(sa.String(120))
    headline: Mapped[str] = mapped_column(sa.String(140), default="")
    company: Mapped[str] = mapped_column(sa.String(120), default="")
    title: Mapped[str] = mapped_column(sa.String(120), default="")
    language: Mapped[str] = mapped_column(sa.String(2), default="en")
    short_code: Mapped[str] = mapped_column(sa.String(12))
    badge_serial: Mapped[int] = mapped_column(default=1)
    # For "My people": a contact card goes only to someone they met, and only while they agree.
    email: Mapped[str] = mapped_column(sa.String(254), default="")
    consent_share_contact: Mapped[bool] = mapped_column(default=False)
    # Private tokens (link, scanner token, identity cookie) older than this are refused (private_link.renewed).
    private_serial: Mapped[int] = mapped_column(default=1)
    version: Mapped[int] = mapped_column(sa.BigInteger, default=1, index=True)  # see DirectoryState
    # The key their registration was sealed with (shared.sealing): notes about them are sealed with
    # it too. Deleted with the row on erasure; None if they registered before sealing.
    data_key: Mapped[bytes | None] = mapped_column(sa.LargeBinary(32))


class DirectoryState(Base):
    """One row: the read model's last change number, and that of its last erasure.

    The consumer takes the next number for every change (the row stays locked until its commit,
    so numbers become visible in order) and stamps the changed event or attendee with it. A web
    process that has loaded up to N reloads only rows numbered above N, or everything when an
    erasure numbered above N deleted rows.
    """

    __tablename__ = "directory_state"
    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(sa.BigInteger)
    erased_version: Mapped[int] = mapped_column(sa.BigInteger)


class Meeting(Base):
    """Two attendees who met, whoever scanned whom; mutual once both have scanned."""

    __tablename__ = "meetings"
    __table_args__ = (
        sa.UniqueConstraint("event_id", "low_id", "high_id", name="uq_meeting_pair"),
        sa.Index("ix_meeting_low", "low_id"),
        sa.Index("ix_meeting_high", "high_id"),
    )
    id: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    event_id: Mapped[str] = mapped_column(sa.String(16))
    low_id: Mapped[str] = mapped_column(sa.String(16))
    high_id: Mapped[str] = mapped_column(sa.String(16))
    low_scanned: Mapped[bool] = mapped_column(default=False)  # the attendee with the lower id scanned
    high_scanned: Mapped[bool] = mapped_column(default=False)
    first_scanned_at: Mapped[datetime] = mapped_column(UtcDateTime)

    @property
    def mutual(self) -> bool:
        return self.low_scanned and self.high_scanned


class Scan(Base):
    """One scan from one phone: what the scanner noted about the person they met."""

    __tablename__ = "scans"
    __table_args__ = (
        sa.UniqueConstraint("scanner_id", "client_scan_id", name="uq_scan_client_id"),
        sa.Index("ix_scan_scanner_received", "scanner_id", "received_at"),
        sa.Index("ix_scan_scanner_scanned", "scanner_id", "scanned_id"),
    )
    id: Mapped[int] = mapped_column(sa.BigInteger(), primary_key=True, autoincrement=True)
    meeting_id: Mapped[str] = mapped_column(sa.String(32), index=True)
    event_id: Mapped[str] = mapped_column(sa.String(16))
    scanner_id: Mapped[str] = mapped_column(sa.String(16))
    scanned_id: Mapped[str] = mapped_column(sa.String(16))
    client_scan_id: Mapped[str] = mapped_column(sa.String(64))
    note: Mapped[str] = mapped_column(sa.Text, default="")
    tags: Mapped[list] = mapped_column(sa.JSON, default=list)
    scanned_at: Mapped[datetime] = mapped_column(UtcDateTime)
    received_at: Mapped[datetime] = mapped_column(UtcDateTime)


class PersonNotes(Base):
    """What a scanner wrote about one person, as they last edited it (My people).

    It stands for the scans named in `replaces`; a scan made after the edit adds its own note.
    `revision` counts the edits: the bus message of each carries it (shared.events.NotesEdited).
    """

    __tablename__ = "person_notes"
    owner_id: Mapped[str] = mapped_column(sa.String(16), primary_key=True)
    about_id: Mapped[str] = mapped_column(sa.String(16), primary_key=True)
    event_id: Mapped[str] = mapped_column(sa.String(16))
    notes: Mapped[list] = mapped_column(sa.JSON, default=list)
    tags: Mapped[list] = mapped_column(sa.JSON, default=list)
    replaces: Mapped[list] = mapped_column(sa.JSON, default=list)
    revision: Mapped[int] = mapped_column(default=0)
    edited_at: Mapped[datetime] = mapped_column(UtcDateTime)


class SigninLink(Base):
    """A one-time sign-in link someone asked for by email: its state, not its email.

    The link's token is this row's id signed for the purpose "signin" (shared.identity.signin_token):
    neither this table nor the bus holds what opens it; the follow-up service, which sends the email
    (signin.requested), signs the id again to write it. It opens once (`used_at`), until
    `expires_at`. `return_to` and the draft are where the person was and what they had typed there
    (a note for the badge they were about to save).
    """

    __tablename__ = "signin_links"
    id: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    event_id: Mapped[str] = mapped_column(sa.String(16))
    attendee_id: Mapped[str] = mapped_column(sa.String(16), index=True)
    return_to: Mapped[str] = mapped_column(sa.String(2000))
    draft_note: Mapped[str] = mapped_column(sa.Text, default="")
    draft_tags: Mapped[list] = mapped_column(sa.JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
