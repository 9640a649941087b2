"""`python -m services.dashboard`: migrate the database, then serve under gunicorn on port 8000."""

from services.dashboard import MIGRATIONS, PORT, DashboardService, create_app
from shared.config import Settings
from shared.db import migrate
from shared.serve import serve


def main() -> None:
    settings = Settings.from_env()
    migrate(DashboardService(settings).engine, MIGRATIONS)  # once, before the workers start
    serve(lambda: create_app(settings, run_migrations=False), PORT, settings)


if __name__ == "__main__":
    main()
