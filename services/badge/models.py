"""Badge service tables: events and their attendees (plus the shared outbox)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from shared.db import UtcDateTime
from shared.envelope import utc_now


class Base(DeclarativeBase):
    pass


class Event(Base):
    __tablename__ = "events"
    id: Mapped[str] = mapped_column(sa.String(16), primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    venue: Mapped[str] = mapped_column(sa.String(200), default="")
    starts_at: Mapped[datetime] = mapped_column(UtcDateTime)
    ends_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    timezone: Mapped[str] = mapped_column(sa.String(64))
    language: Mapped[str] = mapped_column(sa.String(2))
    contact_email: Mapped[str] = mapped_column(
        sa.String(254), default=""
    )  # Reply-To of its emails (event_mail.py)
    followup_at: Mapped[datetime | None] = mapped_column(UtcDateTime)  # None: the morning after the close
    meeting_point: Mapped[str] = mapped_column(sa.String(200), default="")  # meeting_point.py
    welcome: Mapped[str] = mapped_column(
        sa.String(16), default="on_registration"
    )  # when the welcome email goes
    welcome_at: Mapped[datetime | None] = mapped_column(UtcDateTime)  # its time, when welcome is "scheduled"
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now, onupdate=utc_now)


class Attendee(Base):
    __tablename__ = "attendees"
    __table_args__ = (
        sa.UniqueConstraint("event_id", "email", name="uq_attendee_email"),
        sa.UniqueConstraint("event_id", "short_code", name="uq_attendee_short_code"),
    )
    id: Mapped[str] = mapped_column(sa.String(16), primary_key=True)
    event_id: Mapped[str] = mapped_column(sa.ForeignKey("events.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    email: Mapped[str] = mapped_column(sa.String(254))
    company: Mapped[str] = mapped_column(sa.String(120), default="")
    title: Mapped[str] = mapped_column(sa.String(120), default="")
    headline: Mapped[str] = mapped_column(sa.String(140), default="")
    interests: Mapped[list] = mapped_column(sa.JSON, default=list)
    language: Mapped[str] = mapped_column(sa.String(2))
    consent_followup: Mapped[bool] = mapped_column(default=False)
    consent_share_contact: Mapped[bool] = mapped_column(default=False)
    can_help_with: Mapped[str] = mapped_column(sa.String(200), default="")
    looking_for: Mapped[str] = mapped_column(sa.String(200), default="")
    consent_suggest: Mapped[bool] = mapped_column(default=True)
    short_code: Mapped[str] = mapped_column(sa.String(12))
    # Bumped on reissue: a token carrying an older serial is revoked.
    badge_serial: Mapped[int] = mapped_column(default=1)
    private_serial: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now, onupdate=utc_now)


class DataKey(Base):
    """An attendee's data key: their personal fields on the bus are sealed with it (shared.sealing).

    Only this service keeps it; erasure deletes the row, which makes every sealed copy of the
    person's data, on every topic and in every replay, unreadable at once."""

    __tablename__ = "data_keys"
    attendee_id: Mapped[str] = mapped_column(sa.String(16), primary_key=True)
    key: Mapped[bytes] = mapped_column(sa.LargeBinary(32))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utc_now)
