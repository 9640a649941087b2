"""The welcome email: the event's setting, what an attendee's badge and private link need, and
numbered resends in the mail outbox (one row per attendee, campaign and resend).

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
    with op.batch_alter_table("events") as batch:
        batch.add_column(
            sa.Column("welcome", sa.String(16), nullable=False, server_default="on_registration")
        )
        batch.add_column(sa.Column("welcome_at", sa.DateTime(timezone=True)))
    with op.batch_alter_table("attendees") as batch:
        batch.add_column(sa.Column("short_code", sa.String(12), nullable=False, server_default=""))
        batch.add_column(sa.Column("badge_serial", sa.Integer, nullable=False, server_default="1"))
        batch.add_column(sa.Column("private_serial", sa.Integer, nullable=False, server_default="1"))
        # NULL for everyone already here: nobody registered before this release is mailed unasked.
        batch.add_column(sa.Column("registered_at", sa.DateTime(timezone=True)))
    with op.batch_alter_table("deliveries") as batch:
        batch.add_column(sa.Column("resend", sa.Integer, nullable=False, server_default="0"))
        batch.drop_constraint("uq_delivery_campaign", type_="unique")
        batch.create_unique_constraint("uq_delivery_campaign", ["attendee_id", "campaign", "resend"])


def downgrade():
    op.execute("DELETE FROM deliveries WHERE resend > 0")
    with op.batch_alter_table("deliveries") as batch:
        batch.drop_constraint("uq_delivery_campaign", type_="unique")
        batch.create_unique_constraint("uq_delivery_campaign", ["attendee_id", "campaign"])
        batch.drop_column("resend")
    with op.batch_alter_table("attendees") as batch:
        for column in ("registered_at", "private_serial", "badge_serial", "short_code"):
            batch.drop_column(column)
    with op.batch_alter_table("events") as batch:
        batch.drop_column("welcome_at")
        batch.drop_column("welcome")
