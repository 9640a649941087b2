"""Profiles with their vectors, met pairs, dismissals, the change number; the shared tables.

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
        sa.Column("language", sa.String(2), nullable=False),
    )
    op.create_table(
        "profiles",
        sa.Column("id", sa.String(16), primary_key=True),
        sa.Column("event_id", sa.String(16), nullable=False, index=True),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("language", sa.String(2), nullable=False),
        sa.Column("company", sa.String(120), nullable=False),
        sa.Column("headline", sa.String(140), nullable=False),
        sa.Column("interests", sa.JSON, nullable=False),
        sa.Column("can_help_with", sa.String(200), nullable=False),
        sa.Column("looking_for", sa.String(200), nullable=False),
        sa.Column("consent_suggest", sa.Boolean, nullable=False),
        sa.Column("seek_vector", sa.LargeBinary),
        sa.Column("give_vector", sa.LargeBinary),
        sa.Column("about_vector", sa.LargeBinary),
        sa.Column("version", sa.BigInteger, nullable=False, index=True),
    )
    op.create_table(
        "match_state",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("version", sa.BigInteger, nullable=False),
        sa.Column("erased_version", sa.BigInteger, nullable=False),
    )
    op.execute("INSERT INTO match_state (id, version, erased_version) VALUES (1, 0, 0)")
    op.create_table(
        "met",
        sa.Column("attendee_id", sa.String(16), primary_key=True),
        sa.Column("other_id", sa.String(16), primary_key=True),
    )
    op.create_index("ix_met_other", "met", ["other_id"])
    op.create_table(
        "dismissals",
        sa.Column("attendee_id", sa.String(16), primary_key=True),
        sa.Column("dismissed_id", sa.String(16), primary_key=True),
        sa.Column("dismissed_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_dismissals_dismissed", "dismissals", ["dismissed_id"])


def downgrade():
    for table in ("dismissals", "met", "match_state", "profiles", "events", "processed_messages", "outbox"):
        op.drop_table(table)
