"""`python -m services.match.consumer`: profiles (embedded here, only the texts that changed),
who met whom and erasures, from rapport.events, rapport.attendees and rapport.scans."""

from services.match import MIGRATIONS, MatchService
from services.match.readmodel import TYPES as READ_MODEL_TYPES
from services.match.readmodel import applier
from shared import organizers
from shared.config import Settings
from shared.consumer import consume_forever
from shared.db import migrate
from shared.events import ATTENDEES_TOPIC, EVENTS_TOPIC, ORGANIZERS_TOPIC, SCANS_TOPIC

GROUP = "match"
# rapport.organizers too: the grants and revoked tokens the organizer endpoints check.
TOPICS = [EVENTS_TOPIC, ATTENDEES_TOPIC, SCANS_TOPIC, ORGANIZERS_TOPIC]
TYPES = (*READ_MODEL_TYPES, *organizers.READ_MODEL_TYPES)


def main() -> None:
    settings = Settings.from_env()
    service = MatchService(settings)
    migrate(service.engine, MIGRATIONS)
    consume_forever(
        settings,
        service.sessions,
        GROUP,
        TOPICS,
        TYPES,
        organizers.with_organizers(applier(service.embedder)),
    )


if __name__ == "__main__":
    main()
