"""`python -m services.scan`: migrate the database, then serve under gunicorn on port 8002."""

from services.scan import MIGRATIONS, PORT, ScanService, create_app
from shared.config import Settings
from shared.db import migrate
from shared.serve import serve


def main() -> None:
    settings = Settings.from_env()
    migrate(ScanService(settings).engine, MIGRATIONS)  # once, before the workers start
    # 16 threads a worker: the group-commit writer saves in one transaction whatever requests are
    # waiting, so the threads bound the batch (bench/scans.py measures with the same count).
    serve(lambda: create_app(settings, run_migrations=False), PORT, settings, threads=16)


if __name__ == "__main__":
    main()
