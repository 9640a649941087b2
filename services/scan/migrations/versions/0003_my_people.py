"""My people: the contact details an attendee agreed to share, notes edited after the scan, and the
event's time zone (when two people met, in the event's own time).

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

from shared.db import UtcDateTime

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("events") as batch:
        batch.add_column(sa.Column("timezone", sa.String(64), nullable=False, server_default="UTC"))
    with op.batch_alter_table("attendees") as batch:
        batch.add_column(sa.Column("email", sa.String(254), nullable=False, server_default=""))
        batch.add_column(
            sa.Column("consent_share_contact", sa.Boolean, nullable=False, server_default=sa.false())
        )
    op.create_table(
        "person_notes",
        sa.Column("owner_id", sa.String(16), primary_key=True),
        sa.Column("about_id", sa.String(16), primary_key=True),
        sa.Column("event_id", sa.String(16), nullable=False),
        sa.Column("notes", sa.JSON, nullable=False),
        sa.Column("tags", sa.JSON, nullable=False),
        sa.Column("replaces", sa.JSON, nullable=False),
        sa.Column("revision", sa.Integer, nullable=False),
        sa.Column("edited_at", UtcDateTime, nullable=False),
    )
    op.create_index("ix_person_notes_about", "person_notes", ["about_id"])
    # My people reads a scanner's scans of one person, and who scanned whom.
    op.create_index("ix_scan_scanner_scanned", "scans", ["scanner_id", "scanned_id"])
    op.create_index("ix_meeting_low", "meetings", ["low_id"])
    op.create_index("ix_meeting_high", "meetings", ["high_id"])


def downgrade():
    for name, table in (
        ("ix_meeting_high", "meetings"),
        ("ix_meeting_low", "meetings"),
        ("ix_scan_scanner_scanned", "scans"),
    ):
        op.drop_index(name, table_name=table)
    op.drop_table("person_notes")
    with op.batch_alter_table("attendees") as batch:
        batch.drop_column("consent_share_contact")
        batch.drop_column("email")
    with op.batch_alter_table("events") as batch:
        batch.drop_column("timezone")
