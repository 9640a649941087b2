"""The read model keeps every field the attendee import sets (give, seek, suggest consent), so the
attendee export re-imports unchanged (issue 16). Rows from before fill in on the attendee's next
change, or at once with `python -m services.dashboard.rebuild`.

Revision ID: 0005
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("attendees", sa.Column("can_help_with", sa.String(200), nullable=False, server_default=""))
    op.add_column("attendees", sa.Column("looking_for", sa.String(200), nullable=False, server_default=""))
    op.add_column(
        "attendees", sa.Column("consent_suggest", sa.Boolean(), nullable=False, server_default=sa.true())
    )


def downgrade():
    for column in ("consent_suggest", "looking_for", "can_help_with"):
        op.drop_column("attendees", column)
