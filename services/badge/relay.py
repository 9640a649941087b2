"""`python -m services.badge.relay`: publishes the badge outbox to the bus, and closes events
whose end time has passed (which publishes event.closed through the same outbox)."""

from __future__ import annotations

import logging
import signal
import threading

from services.badge import MIGRATIONS, BadgeService, handlers
from shared.bus import DEAD_LETTER_TOPIC, bus_from_url
from shared.config import Settings
from shared.db import migrate
from shared.envelope import utc_now
from shared.events import ALL_TOPICS
from shared.outbox import run_relay

log = logging.getLogger(__name__)
CLOSE_CHECK_SECONDS = 30


def close_ended_events_every(service: BadgeService, stop: threading.Event, seconds: float) -> None:
    while not stop.wait(seconds):
        try:
            with service.sessions() as session:
                closed = handlers.close_ended_events(session, utc_now())
                session.commit()
            if closed:
                log.info("closed ended events %s", ", ".join(closed))
        except Exception:  # the database may be restarting; try again next round
            log.exception("closing ended events failed")


def main() -> None:
    settings = Settings.from_env()
    logging.basicConfig(level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    service = BadgeService(settings)
    migrate(service.engine, MIGRATIONS)
    bus = bus_from_url(settings.bus_url, partitions=settings.kafka_partitions)
    bus.ensure_topics([*ALL_TOPICS, DEAD_LETTER_TOPIC], settings.kafka_partitions)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    threading.Thread(target=close_ended_events_every, args=(service, stop, CLOSE_CHECK_SECONDS), daemon=True).start()
    with bus.producer() as producer:
        log.info("badge outbox relay publishing to %s", settings.bus_url)
        run_relay(service.sessions, producer, stop)


if __name__ == "__main__":
    main()
