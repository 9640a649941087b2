"""`python -m services.scan.consumer`: keeps the scan service's read model of events and
attendees (and revoked badges) up to date from the bus, so a scan never calls the badge service."""

from services.scan import MIGRATIONS, ScanService
from services.scan.handlers import READ_MODEL_TYPES, apply_event
from shared import organizers
from shared.config import Settings
from shared.consumer import consume_forever
from shared.db import migrate
from shared.events import ATTENDEES_TOPIC, EVENTS_TOPIC, ORGANIZERS_TOPIC

GROUP = "scan"
# rapport.organizers too: the grants and revoked tokens the organizer endpoints check.
TOPICS = [EVENTS_TOPIC, ATTENDEES_TOPIC, ORGANIZERS_TOPIC]
TYPES = (*READ_MODEL_TYPES, *organizers.READ_MODEL_TYPES)
APPLY = organizers.with_organizers(apply_event)


def main() -> None:
    settings = Settings.from_env()
    service = ScanService(settings)
    migrate(service.engine, MIGRATIONS)
    consume_forever(settings, service.sessions, GROUP, TOPICS, TYPES, APPLY)


if __name__ == "__main__":
    main()
