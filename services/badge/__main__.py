"""`python -m services.badge`: serve the badge service under gunicorn on port 8001."""

from shared.config import Settings
from shared.serve import serve

from services.badge import PORT, create_app


def main() -> None:
    settings = Settings.from_env()
    serve(lambda: create_app(settings), PORT, settings)


if __name__ == "__main__":
    main()
