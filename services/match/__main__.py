"""`python -m services.match`: migrate the database, then serve under gunicorn on port 8004."""

from services.match import MIGRATIONS, PORT, MatchService, create_app
from shared.config import Settings
from shared.db import migrate
from shared.serve import serve


def main() -> None:
    settings = Settings.from_env()
    migrate(MatchService(settings).engine, MIGRATIONS)  # once, before the workers start
    serve(lambda: create_app(settings, run_migrations=False), PORT, settings)


if __name__ == "__main__":
    main()
