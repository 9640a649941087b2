"""`python -m services.followup.relay`: publishes delivery outcomes, unsubscriptions and
"followed up" marks from the outbox to rapport.followups."""

from services.followup import MIGRATIONS, FollowupService
from shared.config import Settings
from shared.db import migrate
from shared.outbox import relay_forever


def main() -> None:
    settings = Settings.from_env()
    service = FollowupService(settings)
    migrate(service.engine, MIGRATIONS)
    relay_forever(settings, service.sessions, "followup")


if __name__ == "__main__":
    main()
