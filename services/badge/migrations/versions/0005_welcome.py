"""events.welcome and events.welcome_at: when attendees get the welcome email (services/badge/event_mail.py).

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("events") as batch:
        batch.add_column(
            sa.Column("welcome", sa.String(16), nullable=False, server_default="on_registration")
        )
        batch.add_column(sa.Column("welcome_at", sa.DateTime(timezone=True)))


def downgrade():
    with op.batch_alter_table("events") as batch:
        batch.drop_column("welcome_at")
        batch.drop_column("welcome")
