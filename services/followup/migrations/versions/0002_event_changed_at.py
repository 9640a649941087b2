"""events.changed_at: when the read model last changed for the event (planning waits for quiet).

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("events") as batch:
        batch.add_column(sa.Column("changed_at", sa.DateTime(timezone=True)))


def downgrade():
    with op.batch_alter_table("events") as batch:
        batch.drop_column("changed_at")
