"""`python -m services.dashboard.relay`: publishes the dashboard's outbox, what every other
service must learn about organizers (grants given and taken away, API tokens revoked), to
rapport.organizers."""

from services.dashboard import MIGRATIONS, DashboardService
from shared.config import Settings
from shared.db import migrate
from shared.outbox import relay_forever


def main() -> None:
    settings = Settings.from_env()
    service = DashboardService(settings)
    migrate(service.engine, MIGRATIONS)
    relay_forever(settings, service.sessions, "dashboard")


if __name__ == "__main__":
    main()
