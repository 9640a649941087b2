"""Read model of events, attendees, meetings and notes; followed-up marks, erasures, deliveries.

Revision ID: 0001
"""

import sqlalchemy as sa
from alembic import op

from shared.db import create_shared_tables

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

BIGINT = sa.BigInteger()
WHEN = sa.DateTime(timezone=True)


def upgrade():
    create_shared_tables(op)
    op.create_table(
        "events",
        sa.Column("id", sa.String(16), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("venue", sa.String(200), nullable=False),
        sa.Column("language", sa.String(2), nullable=False),
        sa.Column("timezone", sa.String(64), nullable=False),
        sa.Column("closed_at", WHEN),
        sa.Column("planned_at", WHEN),
    )
    op.create_table(
        "attendees",
        sa.Column("id", sa.String(16), primary_key=True),
        sa.Column("event_id", sa.String(16), nullable=False),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("language", sa.String(2), nullable=False),
        sa.Column("company", sa.String(120), nullable=False),
        sa.Column("title", sa.String(120), nullable=False),
        sa.Column("headline", sa.String(140), nullable=False),
        sa.Column("interests", sa.JSON, nullable=False),
        sa.Column("consent_followup", sa.Boolean, nullable=False),
        sa.Column("consent_share_contact", sa.Boolean, nullable=False),
        sa.Column("unsubscribed_at", WHEN),
    )
    op.create_index("ix_attendee_event", "attendees", ["event_id"])
    op.create_table(
        "meetings",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("event_id", sa.String(16), nullable=False),
        sa.Column("low_id", sa.String(16), nullable=False),
        sa.Column("high_id", sa.String(16), nullable=False),
        sa.Column("low_scanned", sa.Boolean, nullable=False),
        sa.Column("high_scanned", sa.Boolean, nullable=False),
        sa.Column("first_met_at", WHEN, nullable=False),
    )
    op.create_index("ix_meeting_low", "meetings", ["low_id"])
    op.create_index("ix_meeting_high", "meetings", ["high_id"])
    op.create_index("ix_meeting_event", "meetings", ["event_id"])
    op.create_table(
        "notes",
        sa.Column("id", BIGINT, primary_key=True, autoincrement=True),
        sa.Column("meeting_id", sa.String(32), nullable=False),
        sa.Column("scanner_id", sa.String(16), nullable=False),
        sa.Column("client_scan_id", sa.String(64), nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("tags", sa.JSON, nullable=False),
        sa.Column("scanned_at", WHEN, nullable=False),
        sa.UniqueConstraint("scanner_id", "client_scan_id", name="uq_note_scan"),
    )
    op.create_index("ix_note_meeting", "notes", ["meeting_id"])
    op.create_table(
        "followed_up",
        sa.Column("attendee_id", sa.String(16), primary_key=True),
        sa.Column("contact_id", sa.String(16), primary_key=True),
        sa.Column("marked_at", WHEN, nullable=False),
    )
    op.create_table("erased", sa.Column("attendee_id", sa.String(16), primary_key=True))
    op.create_table(
        "deliveries",
        sa.Column("id", BIGINT, primary_key=True, autoincrement=True),
        sa.Column("event_id", sa.String(16), nullable=False),
        sa.Column("attendee_id", sa.String(16), nullable=False),
        sa.Column("campaign", sa.String(32), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("due_at", WHEN, nullable=False),
        sa.Column("lease_until", WHEN),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("last_error", sa.Text, nullable=False),
        sa.Column("message_id", sa.String(200), nullable=False),
        sa.Column("contacts", sa.Integer, nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("sent_at", WHEN),
        sa.UniqueConstraint("attendee_id", "campaign", name="uq_delivery_campaign"),
    )
    op.create_index("ix_delivery_due", "deliveries", ["status", "due_at"])
    op.create_index("ix_delivery_event", "deliveries", ["event_id"])


def downgrade():
    for table in (
        "deliveries",
        "erased",
        "followed_up",
        "notes",
        "meetings",
        "attendees",
        "events",
        "processed_messages",
        "outbox",
    ):
        op.drop_table(table)
