"""`python -m services.badge.migrate`: bring the badge database to the newest schema, then exit.

Run once before the web workers start, so several workers never race to migrate."""

from services.badge import MIGRATIONS, BadgeService
from shared.config import Settings
from shared.db import migrate

if __name__ == "__main__":
    migrate(BadgeService(Settings.from_env()).engine, MIGRATIONS)
