"""note_edits: the revision of each scanner's latest edit of their notes about a meeting.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "note_edits",
        sa.Column("scanner_id", sa.String(16), primary_key=True),
        sa.Column("meeting_id", sa.String(32), primary_key=True),
        sa.Column("revision", sa.Integer, nullable=False),
    )


def downgrade():
    op.drop_table("note_edits")
