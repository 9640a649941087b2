"""Embedding in the background: the consumer stores a profile's texts and marks the row pending;
the embedding loop (services/match/pending.py) embeds pending rows in batches.

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
    with op.batch_alter_table("profiles") as batch:
        batch.add_column(sa.Column("texts_version", sa.Integer, nullable=False, server_default="0"))
        batch.add_column(
            sa.Column("embedding_pending", sa.Boolean, nullable=False, server_default=sa.false())
        )
    # Rows from before were embedded by the consumer itself; only the pending few are indexed.
    op.create_index(
        "profiles_embedding_pending",
        "profiles",
        ["version"],
        postgresql_where=sa.text("embedding_pending"),
    )


def downgrade():
    op.drop_index("profiles_embedding_pending", "profiles")
    with op.batch_alter_table("profiles") as batch:
        batch.drop_column("embedding_pending")
        batch.drop_column("texts_version")
