"""Sign-in emails in the mail outbox: one row per sign-in link (its id; "" for every other
campaign) and the time after which a row is not sent any more (the link has expired).

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("deliveries") as batch:
        batch.add_column(sa.Column("link_id", sa.String(32), nullable=False, server_default=""))
        batch.add_column(sa.Column("expires_at", sa.DateTime(timezone=True)))
        batch.drop_constraint("uq_delivery_campaign", type_="unique")
        batch.create_unique_constraint(
            "uq_delivery_campaign", ["attendee_id", "campaign", "resend", "link_id"]
        )


def downgrade():
    op.execute("DELETE FROM deliveries WHERE link_id <> ''")
    with op.batch_alter_table("deliveries") as batch:
        batch.drop_constraint("uq_delivery_campaign", type_="unique")
        batch.create_unique_constraint("uq_delivery_campaign", ["attendee_id", "campaign", "resend"])
        batch.drop_column("expires_at")
        batch.drop_column("link_id")
