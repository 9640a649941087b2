"""Accounts that resist attack (issue 16): failed logins counted in PostgreSQL for throttling, what
each login session is (device, address, last seen) for the sessions page, and the audit log.

Revision ID: 0006
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

WHEN = sa.DateTime(timezone=True)


def upgrade():
    op.create_table(
        "login_failures",
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("address", sa.String(64), nullable=False),
        sa.Column("at", WHEN, nullable=False),
    )
    op.create_index("ix_login_failures_email_at", "login_failures", ["email", "at"])
    op.create_index("ix_login_failures_address_at", "login_failures", ["address", "at"])
    op.add_column(
        "login_sessions", sa.Column("user_agent", sa.String(300), nullable=False, server_default="")
    )
    op.add_column("login_sessions", sa.Column("address", sa.String(64), nullable=False, server_default=""))
    op.add_column("login_sessions", sa.Column("last_seen_at", WHEN))
    op.create_table(
        "audit_log",
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("at", WHEN, nullable=False),
        sa.Column("event_id", sa.String(16), nullable=False),
        sa.Column("organizer_id", sa.String(16)),
        sa.Column("organizer_email", sa.String(254), nullable=False),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("subject", sa.String(300), nullable=False, server_default=""),
        sa.Column("detail", sa.JSON, nullable=False),
    )
    op.create_index("ix_audit_log_event_at", "audit_log", ["event_id", "at"])


def downgrade():
    op.drop_table("audit_log")
    op.drop_column("login_sessions", "last_seen_at")
    op.drop_column("login_sessions", "address")
    op.drop_column("login_sessions", "user_agent")
    op.drop_table("login_failures")
