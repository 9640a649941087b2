"""Meeting requests, when a suggestion was first shown, when a pair met; the short code and
the meeting point an accepted request shows.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("events", sa.Column("meeting_point", sa.String(200), nullable=False, server_default=""))
    op.add_column("profiles", sa.Column("short_code", sa.String(16), nullable=False, server_default=""))
    op.add_column("met", sa.Column("met_at", sa.DateTime(timezone=True)))
    op.create_table(
        "meeting_requests",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("event_id", sa.String(16), nullable=False),
        sa.Column("from_id", sa.String(16), nullable=False),
        sa.Column("to_id", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True)),
        sa.UniqueConstraint("from_id", "to_id", name="uq_meeting_requests_pair"),
    )
    op.create_index("ix_meeting_requests_to", "meeting_requests", ["to_id"])
    op.create_table(
        "suggestions_shown",
        sa.Column("attendee_id", sa.String(16), primary_key=True),
        sa.Column("other_id", sa.String(16), primary_key=True),
        sa.Column("event_id", sa.String(16), nullable=False, index=True),
        sa.Column("shown_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_suggestions_shown_other", "suggestions_shown", ["other_id"])


def downgrade():
    op.drop_table("suggestions_shown")
    op.drop_table("meeting_requests")
    op.drop_column("met", "met_at")
    op.drop_column("profiles", "short_code")
    op.drop_column("events", "meeting_point")
