"""What attendees can help with and are looking for, and whether they may be suggested to others.

Revision ID: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("attendees", sa.Column("can_help_with", sa.String(200), nullable=False, server_default=""))
    op.add_column("attendees", sa.Column("looking_for", sa.String(200), nullable=False, server_default=""))
    op.add_column(
        "attendees", sa.Column("consent_suggest", sa.Boolean, nullable=False, server_default=sa.true())
    )


def downgrade():
    for column in ("consent_suggest", "looking_for", "can_help_with"):
        op.drop_column("attendees", column)
