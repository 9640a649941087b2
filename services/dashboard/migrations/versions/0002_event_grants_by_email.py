"""Event access becomes grants by email, with the creator as the event's owner (issue 14).

A grant no longer needs an existing account, so granting cannot be used to find out whether an
email is an organizer's; grants can be revoked. Each event's earliest grant was its creator's.

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
    op.create_table(
        "event_grants",
        sa.Column("event_id", sa.String(16), primary_key=True),
        sa.Column("email", sa.String(254), primary_key=True),
        sa.Column("role", sa.String(16), nullable=False, server_default="organizer"),
        sa.Column("granted_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_event_grants_email", "event_grants", ["email"])
    op.execute("""
        INSERT INTO event_grants (event_id, email, role, granted_at)
        SELECT a.event_id, o.email,
               CASE WHEN a.granted_at = min(a.granted_at) OVER (PARTITION BY a.event_id) THEN 'owner'
                    ELSE 'organizer' END,
               a.granted_at
        FROM event_access a JOIN organizers o ON o.id = a.organizer_id""")
    op.drop_table("event_access")


def downgrade():
    op.create_table(
        "event_access",
        sa.Column(
            "organizer_id",
            sa.String(16),
            sa.ForeignKey("organizers.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("event_id", sa.String(16), primary_key=True),
        sa.Column("granted_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_event_access_event_id", "event_access", ["event_id"])
    op.execute("""INSERT INTO event_access (organizer_id, event_id, granted_at)
                  SELECT o.id, g.event_id, g.granted_at FROM event_grants g JOIN organizers o ON o.email = g.email""")
    op.drop_table("event_grants")
