"""`python -m services.badge.consumer`: the organizers read model (who may work on which event,
which organizer tokens are revoked) from rapport.organizers, for the badge API's token check."""

from services.badge import MIGRATIONS, BadgeService
from shared import organizers
from shared.config import Settings
from shared.consumer import consume_forever
from shared.db import migrate
from shared.events import ORGANIZERS_TOPIC

GROUP = "badge"
TOPICS = [ORGANIZERS_TOPIC]
TYPES = organizers.READ_MODEL_TYPES
APPLY = organizers.apply_event


def main() -> None:
    settings = Settings.from_env()
    service = BadgeService(settings)
    migrate(service.engine, MIGRATIONS)
    consume_forever(settings, service.sessions, GROUP, TOPICS, TYPES, APPLY)


if __name__ == "__main__":
    main()
