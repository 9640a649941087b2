"""Read model of events and attendees, meetings and scans, and the shared outbox and dedupe tables.

Revision ID: 0001
"""

import sqlalchemy as sa
from alembic import op

from shared.db import create_shared_tables

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    create_shared_tables(op)
    op.create_table(
        "events",
        sa.Column("id", sa.String(16), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("language", sa.String(2), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True)),
    )
    op.create_table(
        "attendees",
        sa.Column("id", sa.String(16), primary_key=True),
        sa.Column("event_id", sa.String(16), nullable=False),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("headline", sa.String(140), nullable=False),
        sa.Column("company", sa.String(120), nullable=False),
        sa.Column("title", sa.String(120), nullable=False),
        sa.Column("language", sa.String(2), nullable=False),
        sa.Column("short_code", sa.String(12), nullable=False),
        sa.Column("badge_serial", sa.Integer, nullable=False),
    )
    op.create_index("ix_attendee_short_code", "attendees", ["event_id", "short_code"])
    op.create_table(
        "meetings",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("event_id", sa.String(16), nullable=False),
        sa.Column("low_id", sa.String(16), nullable=False),
        sa.Column("high_id", sa.String(16), nullable=False),
        sa.Column("low_scanned", sa.Boolean, nullable=False),
        sa.Column("high_scanned", sa.Boolean, nullable=False),
        sa.Column("first_scanned_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("event_id", "low_id", "high_id", name="uq_meeting_pair"),
    )
    op.create_table(
        "scans",
        sa.Column("id", sa.BigInteger(), primary_key=True, autoincrement=True),
        sa.Column("meeting_id", sa.String(32), nullable=False, index=True),
        sa.Column("event_id", sa.String(16), nullable=False),
        sa.Column("scanner_id", sa.String(16), nullable=False),
        sa.Column("scanned_id", sa.String(16), nullable=False),
        sa.Column("client_scan_id", sa.String(64), nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("tags", sa.JSON, nullable=False),
        sa.Column("scanned_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("scanner_id", "client_scan_id", name="uq_scan_client_id"),
    )
    op.create_index("ix_scan_scanner_received", "scans", ["scanner_id", "received_at"])


def downgrade():
    for table in ("scans", "meetings", "attendees", "events", "processed_messages", "outbox"):
        op.drop_table(table)
