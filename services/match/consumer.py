"""`python -m services.match.consumer`: profiles, who met whom and erasures, from rapport.events,
rapport.attendees and rapport.scans; and, in a thread beside it, the embedding of the profiles
that changed (services/match/pending.py)."""

import threading

from services.match import MIGRATIONS, MatchService
from services.match.pending import run_embedding
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
    stop = threading.Event()
    embedding = threading.Thread(
        target=run_embedding, args=(service.sessions, service.embedder, stop), name="embedding", daemon=True
    )
    embedding.start()
    try:
        consume_forever(
            settings, service.sessions, GROUP, TOPICS, TYPES, organizers.with_organizers(applier())
        )
    finally:
        stop.set()
        embedding.join(30)


if __name__ == "__main__":
    main()
