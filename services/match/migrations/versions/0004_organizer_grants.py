"""Organizer grants and revoked organizer tokens, learned from rapport.organizers (shared.organizers).

Revision ID: 0004
Revises: 0003
"""

from alembic import op

from shared.organizers import create_tables, drop_tables

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade():
    create_tables(op)


def downgrade():
    drop_tables(op)
