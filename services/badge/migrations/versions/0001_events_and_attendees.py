"""Events, attendees, and the shared outbox and dedupe tables.

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
        sa.Column("venue", sa.String(200), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False, index=True),
        sa.Column("timezone", sa.String(64), nullable=False),
        sa.Column("language", sa.String(2), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True)),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "attendees",
        sa.Column("id", sa.String(16), primary_key=True),
        sa.Column("event_id", sa.String(16), sa.ForeignKey("events.id"), nullable=False, index=True),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("company", sa.String(120), nullable=False),
        sa.Column("title", sa.String(120), nullable=False),
        sa.Column("headline", sa.String(140), nullable=False),
        sa.Column("interests", sa.JSON, nullable=False),
        sa.Column("language", sa.String(2), nullable=False),
        sa.Column("consent_followup", sa.Boolean, nullable=False),
        sa.Column("consent_share_contact", sa.Boolean, nullable=False),
        sa.Column("short_code", sa.String(12), nullable=False),
        sa.Column("badge_serial", sa.Integer, nullable=False),
        sa.Column("private_serial", sa.Integer, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("event_id", "email", name="uq_attendee_email"),
        sa.UniqueConstraint("event_id", "short_code", name="uq_attendee_short_code"),
    )


def downgrade():
    op.drop_table("attendees")
    op.drop_table("events")
    op.drop_table("processed_messages")
    op.drop_table("outbox")
