"""`python -m services.followup.consumer`: keeps the follow-up read model (events, attendees and
their consent, meetings and notes) up to date from the bus."""

from services.followup import MIGRATIONS, FollowupService
from services.followup.readmodel import READ_MODEL_TYPES, apply_event
from shared import organizers
from shared.config import Settings
from shared.consumer import consume_forever
from shared.db import migrate
from shared.events import ATTENDEES_TOPIC, EVENTS_TOPIC, ORGANIZERS_TOPIC, SCANS_TOPIC

GROUP = "followup"
# rapport.organizers too: the grants and revoked tokens the organizer endpoints check.
TOPICS = [EVENTS_TOPIC, ATTENDEES_TOPIC, SCANS_TOPIC, ORGANIZERS_TOPIC]
TYPES = (*READ_MODEL_TYPES, *organizers.READ_MODEL_TYPES)
APPLY = organizers.with_organizers(apply_event)


def main() -> None:
    settings = Settings.from_env()
    service = FollowupService(settings)
    migrate(service.engine, MIGRATIONS)
    consume_forever(settings, service.sessions, GROUP, TOPICS, TYPES, APPLY)


if __name__ == "__main__":
    main()
