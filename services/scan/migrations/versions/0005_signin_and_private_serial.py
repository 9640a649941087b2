"""Sign-in by email: one-time links (their emails are the follow-up service's); and the attendee's private
serial (a new private link refuses the old one, its scanner token and cookies).

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

from shared.db import UtcDateTime

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("attendees") as batch:
        batch.add_column(sa.Column("private_serial", sa.Integer, nullable=False, server_default="1"))
    op.create_index("ix_attendee_email", "attendees", ["email"])
    op.create_table(
        "signin_links",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("event_id", sa.String(16), nullable=False),
        sa.Column("attendee_id", sa.String(16), nullable=False, index=True),
        sa.Column("return_to", sa.String(2000), nullable=False),
        sa.Column("draft_note", sa.Text, nullable=False),
        sa.Column("draft_tags", sa.JSON, nullable=False),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.Column("expires_at", UtcDateTime, nullable=False),
        sa.Column("used_at", UtcDateTime),
    )


def downgrade():
    op.drop_table("signin_links")
    op.drop_index("ix_attendee_email", "attendees")
    with op.batch_alter_table("attendees") as batch:
        batch.drop_column("private_serial")
