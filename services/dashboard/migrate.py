"""`python -m services.dashboard.migrate`: bring the dashboard database to the newest schema, then exit.

Run once before the web workers start, so several workers never race to migrate."""

from services.dashboard import MIGRATIONS, DashboardService
from shared.config import Settings
from shared.db import migrate

if __name__ == "__main__":
    migrate(DashboardService(Settings.from_env()).engine, MIGRATIONS)
