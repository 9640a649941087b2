"""events.contact_email and events.followup_at (services/badge/event_mail.py).

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
    with op.batch_alter_table("events") as batch:
        batch.add_column(sa.Column("contact_email", sa.String(254), nullable=False, server_default=""))
        batch.add_column(sa.Column("followup_at", sa.DateTime(timezone=True)))


def downgrade():
    with op.batch_alter_table("events") as batch:
        batch.drop_column("followup_at")
        batch.drop_column("contact_email")
