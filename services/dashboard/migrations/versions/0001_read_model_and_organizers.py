"""The read model (events, attendees, meetings, ten-minute buckets, follow-ups), organizers, their
sessions, API tokens and event access, and the shared outbox and dedupe tables.

Revision ID: 0001
"""

import sqlalchemy as sa
from alembic import op

from shared.db import create_shared_tables

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

ID = sa.String(16)
WHEN = sa.DateTime(timezone=True)
SEQ = sa.BigInteger


def upgrade():
    create_shared_tables(op)
    op.create_table(
        "events",
        sa.Column("id", ID, primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("venue", sa.String(200), nullable=False),
        sa.Column("starts_at", WHEN),
        sa.Column("ends_at", WHEN),
        sa.Column("timezone", sa.String(64), nullable=False),
        sa.Column("language", sa.String(2), nullable=False),
        sa.Column("closed_at", WHEN),
        sa.Column("version", SEQ, nullable=False),
        sa.Column("reset_version", SEQ, nullable=False),
    )
    op.create_table(
        "attendees",
        sa.Column("id", ID, primary_key=True),
        sa.Column("event_id", ID, nullable=False),
        sa.Column("registered", sa.Boolean, nullable=False),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("company", sa.String(120), nullable=False),
        sa.Column("title", sa.String(120), nullable=False),
        sa.Column("headline", sa.String(140), nullable=False),
        sa.Column("interests", sa.JSON, nullable=False),
        sa.Column("language", sa.String(2), nullable=False),
        sa.Column("short_code", sa.String(12), nullable=False),
        sa.Column("consent_followup", sa.Boolean, nullable=False),
        sa.Column("consent_share_contact", sa.Boolean, nullable=False),
        sa.Column("meetings", sa.Integer, nullable=False),
        sa.Column("last_scan_at", WHEN),
        sa.Column("seq", SEQ, nullable=False),
    )
    op.create_index("ix_attendee_event_meetings", "attendees", ["event_id", "meetings"])
    op.create_index("ix_attendee_event_seq", "attendees", ["event_id", "seq"])
    op.create_index("ix_attendee_event_last_scan", "attendees", ["event_id", "last_scan_at"])
    op.create_table(
        "attendee_interests",
        sa.Column("attendee_id", ID, primary_key=True),
        sa.Column("interest", sa.String(40), primary_key=True),
        sa.Column("event_id", ID, nullable=False),
    )
    op.create_index("ix_interest_event", "attendee_interests", ["event_id", "interest"])
    op.create_table(
        "meetings",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("event_id", ID, nullable=False),
        sa.Column("low_id", ID, nullable=False),
        sa.Column("high_id", ID, nullable=False),
        sa.Column("low_scanned", sa.Boolean, nullable=False),
        sa.Column("high_scanned", sa.Boolean, nullable=False),
        sa.Column("mutual", sa.Boolean, nullable=False),
        sa.Column("met_at", WHEN, nullable=False),
        sa.Column("seq", SEQ, nullable=False),
    )
    op.create_index("ix_meeting_event_seq", "meetings", ["event_id", "seq"])
    op.create_index("ix_meeting_low", "meetings", ["low_id"])
    op.create_index("ix_meeting_high", "meetings", ["high_id"])
    op.create_table(
        "meeting_buckets",
        sa.Column("event_id", ID, primary_key=True),
        sa.Column("starts_at", WHEN, primary_key=True),
        sa.Column("meetings", sa.Integer, nullable=False),
        sa.Column("mutual", sa.Integer, nullable=False),
    )
    op.create_table(
        "followups",
        sa.Column("attendee_id", ID, primary_key=True),
        sa.Column("campaign", sa.String(40), primary_key=True),
        sa.Column("event_id", ID, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("reason", sa.String(300), nullable=False),
        sa.Column("updated_at", WHEN, nullable=False),
    )
    op.create_index("ix_followup_event", "followups", ["event_id", "campaign", "status"])
    op.create_table(
        "followed_up",
        sa.Column("attendee_id", ID, primary_key=True),
        sa.Column("contact_id", ID, primary_key=True),
        sa.Column("campaign", sa.String(40), nullable=False),
        sa.Column("event_id", ID, nullable=False),
        sa.Column("at", WHEN, nullable=False),
    )
    op.create_index("ix_followed_up_event", "followed_up", ["event_id", "campaign"])
    op.create_table("erased_attendees", sa.Column("id", ID, primary_key=True))

    op.create_table(
        "organizers",
        sa.Column("id", ID, primary_key=True),
        sa.Column("email", sa.String(254), nullable=False, unique=True),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("password_hash", sa.String(200), nullable=False),
        sa.Column("language", sa.String(2), nullable=False),
        sa.Column("is_admin", sa.Boolean, nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
    )
    owner = lambda: sa.ForeignKey("organizers.id", ondelete="CASCADE")  # noqa: E731
    op.create_table(
        "event_access",
        sa.Column("organizer_id", ID, owner(), primary_key=True),
        sa.Column("event_id", ID, primary_key=True),
        sa.Column("granted_at", WHEN, nullable=False),
    )
    op.create_index("ix_event_access_event_id", "event_access", ["event_id"])
    op.create_table(
        "login_sessions",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("organizer_id", ID, owner(), nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("expires_at", WHEN, nullable=False),
    )
    op.create_index("ix_login_sessions_organizer_id", "login_sessions", ["organizer_id"])
    op.create_table(
        "api_tokens",
        sa.Column("id", ID, primary_key=True),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("organizer_id", ID, owner(), nullable=False),
        sa.Column("name", sa.String(80), nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("last_used_at", WHEN),
    )
    op.create_index("ix_api_tokens_organizer_id", "api_tokens", ["organizer_id"])


def downgrade():
    for table in (
        "api_tokens",
        "login_sessions",
        "event_access",
        "organizers",
        "erased_attendees",
        "followed_up",
        "followups",
        "meeting_buckets",
        "meetings",
        "attendee_interests",
        "attendees",
        "events",
        "processed_messages",
        "outbox",
    ):
        op.drop_table(table)
