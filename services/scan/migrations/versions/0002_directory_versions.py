"""Change numbers for the read model, so each web process reloads only what changed.

`directory_state` holds the last change number handed out and the number of the last erasure
(a deletion: the web processes reload everything once); events and attendees carry the number
of their last change.

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
    state = op.create_table(
        "directory_state",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("version", sa.BigInteger, nullable=False),
        sa.Column("erased_version", sa.BigInteger, nullable=False),
    )
    op.bulk_insert(state, [{"id": 1, "version": 1, "erased_version": 1}])
    for table in ("events", "attendees"):
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("version", sa.BigInteger, nullable=False, server_default="1"))
            batch.create_index(f"ix_{table}_version", ["version"])


def downgrade():
    for table in ("events", "attendees"):
        with op.batch_alter_table(table) as batch:
            batch.drop_index(f"ix_{table}_version")
            batch.drop_column("version")
    op.drop_table("directory_state")
