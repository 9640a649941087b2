"""API tokens get a role, a scope (one event or all) and an expiry; event grants get a role
(owner, staff, viewer). Grants of the old kind ("organizer": everything but taking access away)
become staff, the nearest role that keeps their attendees and badges work. Invitations: an
admin invites an email with no account yet; the link's secret is kept as its SHA-256 (issue 16).

Revision ID: 0004
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("api_tokens") as batch:
        batch.add_column(sa.Column("role", sa.String(8), nullable=False, server_default="owner"))
        batch.add_column(sa.Column("event_id", sa.String(16), nullable=True))
        batch.add_column(sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True))
    op.execute("UPDATE event_grants SET role = 'staff' WHERE role = 'organizer'")
    op.alter_column("event_grants", "role", server_default="staff")
    op.create_table(
        "invitations",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("email", sa.String(254), nullable=False, index=True),
        sa.Column("invited_by", sa.String(16), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade():
    op.drop_table("invitations")
    op.alter_column("event_grants", "role", server_default="organizer")
    op.execute("UPDATE event_grants SET role = 'organizer' WHERE role <> 'owner'")
    with op.batch_alter_table("api_tokens") as batch:
        batch.drop_column("expires_at")
        batch.drop_column("event_id")
        batch.drop_column("role")
