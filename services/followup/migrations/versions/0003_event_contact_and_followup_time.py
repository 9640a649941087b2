"""events.contact_email (Reply-To of the event's emails), events.followup_at (its follow-up time),
notes.recorded_at (when a scan reached the server: late meetings go into the next nudge), and
wordings (an organizer's subject, opening and signature per event and language).

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("events") as batch:
        batch.add_column(sa.Column("contact_email", sa.String(254), nullable=False, server_default=""))
        batch.add_column(sa.Column("followup_at", sa.DateTime(timezone=True)))
    with op.batch_alter_table("notes") as batch:
        batch.add_column(sa.Column("recorded_at", sa.DateTime(timezone=True)))
    op.create_table(
        "wordings",
        sa.Column("event_id", sa.String(16), primary_key=True),
        sa.Column("language", sa.String(2), primary_key=True),
        sa.Column("subject", sa.String(150), nullable=False),
        sa.Column("opening", sa.Text, nullable=False),
        sa.Column("signature", sa.String(150), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade():
    op.drop_table("wordings")
    with op.batch_alter_table("notes") as batch:
        batch.drop_column("recorded_at")
    with op.batch_alter_table("events") as batch:
        batch.drop_column("followup_at")
        batch.drop_column("contact_email")
