"""`python -m services.scan.migrate`: bring the scan database to the newest schema, then exit."""

from services.scan import MIGRATIONS, ScanService
from shared.config import Settings
from shared.db import migrate

if __name__ == "__main__":
    migrate(ScanService(Settings.from_env()).engine, MIGRATIONS)
