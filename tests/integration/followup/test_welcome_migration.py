"""Migration 0005 (the welcome email) goes up over existing data, and back down and up again."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import command
from alembic.config import Config

from services.followup import MIGRATIONS
from shared.db import make_engine, migrate


def downgrade(engine, revision: str) -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)


def test_existing_attendees_are_not_welcomed_and_the_migration_reverses(database_url):
    engine = make_engine(database_url)
    try:
        migrate(engine, MIGRATIONS, "0004")
        with engine.begin() as connection:
            connection.execute(
                sa.text(
                    "INSERT INTO events (id, name, venue, language, timezone, contact_email) "
                    "VALUES ('e1', 'Summit', '', 'en', 'UTC', '')"
                )
            )
            connection.execute(
                sa.text(
                    "INSERT INTO attendees (id, event_id, name, email, language, company, title, headline, interests, "
                    "consent_followup, consent_share_contact) VALUES "
                    "('a1', 'e1', 'Amal', 'amal@example.org', 'en', '', '', '', '[]', true, false)"
                )
            )
        migrate(engine, MIGRATIONS)
        with engine.connect() as connection:
            row = connection.execute(
                sa.text("SELECT registered_at, badge_serial, private_serial FROM attendees")
            ).one()
            welcome = connection.scalar(sa.text("SELECT welcome FROM events"))
        assert tuple(row) == (None, 1, 1) and welcome == "on_registration"  # here before: not mailed unasked
        with engine.begin() as connection:
            for resend in (0, 1):
                connection.execute(
                    sa.text(
                        "INSERT INTO deliveries (event_id, attendee_id, campaign, resend, status, due_at, attempts, "
                        "last_error, message_id, contacts, created_at) VALUES ('e1', 'a1', 'welcome', :n, 'sent', now(), "
                        "1, '', '', 0, now())"
                    ),
                    {"n": resend},
                )
        downgrade(engine, "0004")
        with engine.connect() as connection:
            assert (
                connection.scalar(sa.text("SELECT count(*) FROM deliveries")) == 1
            )  # the resend had no place
        migrate(engine, MIGRATIONS)
    finally:
        engine.dispose()
