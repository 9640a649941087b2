"""`python -m services.badge.relay`: publishes the badge outbox to the bus, and closes events
whose end time has passed (which publishes event.closed through the same outbox)."""

from __future__ import annotations

import logging
import threading

from services.badge import MIGRATIONS, BadgeService, handlers
from shared.config import Settings
from shared.db import migrate
from shared.envelope import utc_now
from shared.outbox import relay_forever

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
    service = BadgeService(settings)
    migrate(service.engine, MIGRATIONS)
    relay_forever(
        settings,
        service.sessions,
        "badge",
        alongside=lambda stop: close_ended_events_every(service, stop, CLOSE_CHECK_SECONDS),
    )


if __name__ == "__main__":
    main()
