"""The attendee's private serial: private tokens older than it (a renewed private link) are refused.

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
    with op.batch_alter_table("profiles") as batch:
        batch.add_column(sa.Column("private_serial", sa.Integer, nullable=False, server_default="1"))


def downgrade():
    with op.batch_alter_table("profiles") as batch:
        batch.drop_column("private_serial")
