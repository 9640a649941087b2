"""Match service tables: profiles with their vectors, who met whom, who dismissed whom, meeting
requests, and which suggestions were shown when."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from shared.db import UtcDateTime


class Base(DeclarativeBase):
    pass


class Event(Base):
    """Learnt from rapport.events: the language a reason falls back to."""

    __tablename__ = "events"
    id: Mapped[str] = mapped_column(sa.String(16), primary_key=True)
    language: Mapped[str] = mapped_column(sa.String(2), default="en")
    meeting_point: Mapped[str] = mapped_column(sa.String(200), default="")  # shown to both sides of an accept


class Profile(Base):
    """Learnt from rapport.attendees. Each text's vector is float32 little-endian bytes (384 x 4),
    NULL when the text is empty or not embedded yet. The consumer stores the texts, clears the
    vectors of those that changed and marks the row pending; services/match/pending.py embeds
    pending rows in batches, in the background, and writes the vectors only if the texts are still
    the ones it read (`texts_version`)."""

    __tablename__ = "profiles"
    __table_args__ = (
        sa.Index("profiles_embedding_pending", "version", postgresql_where=sa.text("embedding_pending")),
    )
    id: Mapped[str] = mapped_column(sa.String(16), primary_key=True)
    event_id: Mapped[str] = mapped_column(sa.String(16), index=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    language: Mapped[str] = mapped_column(sa.String(2), default="en")
    company: Mapped[str] = mapped_column(sa.String(120), default="")
    headline: Mapped[str] = mapped_column(sa.String(140), default="")
    interests: Mapped[list] = mapped_column(sa.JSON, default=list)
    can_help_with: Mapped[str] = mapped_column(sa.String(200), default="")
    looking_for: Mapped[str] = mapped_column(sa.String(200), default="")
    consent_suggest: Mapped[bool] = mapped_column(default=True)
    short_code: Mapped[str] = mapped_column(sa.String(16), default="")  # shown to the other side of an accept
    seek_vector: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
    give_vector: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
    about_vector: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
    texts_version: Mapped[int] = mapped_column(default=0)  # + 1 whenever a text changes
    embedding_pending: Mapped[bool] = mapped_column(default=False)
    private_serial: Mapped[int] = mapped_column(default=1)  # older private tokens are refused
    version: Mapped[int] = mapped_column(sa.BigInteger, default=1, index=True)  # see MatchState


class MatchState(Base):
    """One row: the last change number of the profiles, and that of the last erasure (the same
    scheme as services/scan's DirectoryState: a web process reloads only what changed)."""

    __tablename__ = "match_state"
    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(sa.BigInteger)
    erased_version: Mapped[int] = mapped_column(sa.BigInteger)


class Met(Base):
    """Two attendees who met (a scan either way): never suggested to each other again."""

    __tablename__ = "met"
    attendee_id: Mapped[str] = mapped_column(sa.String(16), primary_key=True)
    other_id: Mapped[str] = mapped_column(sa.String(16), primary_key=True)
    met_at: Mapped[datetime | None] = mapped_column(
        UtcDateTime
    )  # their first scan (None: recorded before 0002)


class Dismissal(Base):
    """ "Not now": `attendee_id` does not want `dismissed_id` suggested again."""

    __tablename__ = "dismissals"
    attendee_id: Mapped[str] = mapped_column(sa.String(16), primary_key=True)
    dismissed_id: Mapped[str] = mapped_column(sa.String(16), primary_key=True)
    dismissed_at: Mapped[datetime] = mapped_column(UtcDateTime)


class MeetingRequest(Base):
    """ "I'd like to meet": one per (from, to), whatever is asked again. `status` is pending,
    accepted or declined ("not now", which the asker is never told)."""

    __tablename__ = "meeting_requests"
    __table_args__ = (sa.UniqueConstraint("from_id", "to_id", name="uq_meeting_requests_pair"),)
    id: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    event_id: Mapped[str] = mapped_column(sa.String(16))
    from_id: Mapped[str] = mapped_column(sa.String(16))
    to_id: Mapped[str] = mapped_column(sa.String(16), index=True)
    status: Mapped[str] = mapped_column(sa.String(16), default="pending")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    answered_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class SuggestionShown(Base):
    """When `other_id` was first among `attendee_id`'s suggestions: a scan after it is a suggested
    pair that met (the organizers' conversion figure)."""

    __tablename__ = "suggestions_shown"
    attendee_id: Mapped[str] = mapped_column(sa.String(16), primary_key=True)
    other_id: Mapped[str] = mapped_column(sa.String(16), primary_key=True)
    event_id: Mapped[str] = mapped_column(sa.String(16), index=True)
    shown_at: Mapped[datetime] = mapped_column(UtcDateTime)
