"""The event's days in the scan read model: scans dated outside them are refused.

Events learnt before this migration have none (NULL) until their next event.updated: their scans
are checked as before (not before 2000, not in the future).

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

from shared.db import UtcDateTime

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("events") as batch:
        batch.add_column(sa.Column("starts_at", UtcDateTime))
        batch.add_column(sa.Column("ends_at", UtcDateTime))


def downgrade():
    with op.batch_alter_table("events") as batch:
        batch.drop_column("ends_at")
        batch.drop_column("starts_at")
