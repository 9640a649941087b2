"""attendees.data_key: the key each attendee's data is sealed with on the bus (shared/sealing.py),
learnt with their registration, so notes about them are sealed without asking for it per scan.

Attendees learnt before this migration have none (NULL) until their next sealed message.

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("attendees") as batch:
        batch.add_column(sa.Column("data_key", sa.LargeBinary(32)))


def downgrade():
    with op.batch_alter_table("attendees") as batch:
        batch.drop_column("data_key")
