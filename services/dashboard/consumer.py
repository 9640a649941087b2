"""`python -m services.dashboard.consumer`: builds the dashboard's read model from all four topics
(events, attendees, scans, follow-ups) in its own consumer group, "dashboard"."""

from services.dashboard import MIGRATIONS, DashboardService
from services.dashboard.handlers import READ_MODEL_TYPES, apply_event
from shared.config import Settings
from shared.consumer import consume_forever
from shared.db import migrate
from shared.events import ALL_TOPICS

GROUP = "dashboard"


def main() -> None:
    settings = Settings.from_env()
    service = DashboardService(settings)
    migrate(service.engine, MIGRATIONS)
    consume_forever(settings, service.sessions, GROUP, ALL_TOPICS, READ_MODEL_TYPES, apply_event)


if __name__ == "__main__":
    main()
