"""`python -m services.followup.migrate`: bring the follow-up database to the newest schema, then exit."""

from services.followup import MIGRATIONS, FollowupService
from shared.config import Settings
from shared.db import migrate

if __name__ == "__main__":
    migrate(FollowupService(Settings.from_env()).engine, MIGRATIONS)
