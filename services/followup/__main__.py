"""`python -m services.followup`: serve the followup service under gunicorn on port 8003."""

from services.followup import PORT, create_app
from shared.config import Settings
from shared.serve import serve


def main() -> None:
    settings = Settings.from_env()
    serve(lambda: create_app(settings), PORT, settings)


if __name__ == "__main__":
    main()
