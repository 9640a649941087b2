"""`python -m services.badge.relay`: publishes the badge outbox to the bus, closes events whose
end time has passed (which publishes event.closed through the same outbox), and erases the
personal data of events closed more than RAPPORT_RETENTION_DAYS ago (retention.py). Both are
jobs of this process because it is the badge service's one long-running process besides its web
workers, runs wherever the badge service runs (`./rapport up`, compose, k8s), and what they
write goes out through the outbox it relays."""

from __future__ import annotations

import logging
import threading

from services.badge import MIGRATIONS, BadgeService, handlers, retention
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
            erased = retention.erase_expired(service.sessions, utc_now(), service.settings.retention_days)
            if erased:
                log.info("erased %d attendees of events past their retention", erased)
        except Exception:  # the database may be restarting; try again next round
            log.exception("closing ended events or erasing expired ones failed")


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
