"""`python -m services.dashboard.rebuild`: throw the read model away and replay every topic into it.

Stop the dashboard consumer first. The read model's tables (not the organizers' accounts) and
the "dashboard" group's processed-message marks are emptied in one transaction; a one-off
consumer group then reads the four topics from their beginning and applies each message as the
consumer does, marking it for the "dashboard" group. When the consumer starts again it resumes
from its own offsets, and whatever the replay already applied is recognised by its id and skipped.
Messages nobody can read go to the dead-letter topic again, each with its reason.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Mapping

import sqlalchemy as sa
from sqlalchemy.orm import Session

from services.dashboard import MIGRATIONS, DashboardService
from services.dashboard.consumer import GROUP
from services.dashboard.handlers import READ_MODEL_TYPES, apply_event
from services.dashboard.models import READ_MODEL
from shared.bus import Bus, bus_from_url
from shared.bus.worker import Handler, Worker
from shared.config import Settings
from shared.consumer import applied_once
from shared.db import migrate, processed_messages
from shared.events import ALL_TOPICS
from shared.sealing import Keyring, keyring_from_settings

log = logging.getLogger(__name__)
QUIET_POLLS = 3  # empty polls in a row, once partitions are assigned, that mean "caught up"


def clear(sessions: Callable[[], Session]) -> None:
    with sessions() as session:
        for model in READ_MODEL:
            session.execute(sa.delete(model))
        session.execute(processed_messages.delete().where(processed_messages.c.consumer_group == GROUP))
        session.commit()


def replay(
    bus: Bus, sessions: Callable[[], Session], poll_timeout: float = 1.0, keys: Keyring | None = None
) -> int:
    """Apply every message on the topics; returns how many were applied or skipped as already seen.
    Sealed fields open with `keys`; an erased person's messages are skipped (shared.sealing)."""
    handler = applied_once(sessions, GROUP, apply_event)
    return read_to_end(
        bus,
        f"{GROUP}-rebuild-{uuid.uuid4().hex[:8]}",
        ALL_TOPICS,
        {kind: handler for kind in READ_MODEL_TYPES},
        poll_timeout,
        keys,
    )


def read_to_end(
    bus: Bus,
    group: str,
    topics,
    handlers: Mapping[str, Handler],
    poll_timeout: float = 1.0,
    keys: Keyring | None = None,
) -> int:
    """Run consumer group `group` until it has read everything on `topics`; how many it handled."""
    with bus.producer() as dead_letters, bus.consumer(group, topics) as consumer:
        worker = Worker(consumer, dead_letters, group, handlers, keys=keys)
        quiet = 0
        while quiet < QUIET_POLLS:
            got = worker.run_once(timeout=poll_timeout)
            quiet = quiet + 1 if got == 0 and consumer.assignment() else 0
    return worker.handled


def main() -> None:
    from shared.process import setup_logging

    settings = Settings.from_env()
    setup_logging(settings.log_level)
    service = DashboardService(settings)
    migrate(service.engine, MIGRATIONS)
    clear(service.sessions)
    bus = bus_from_url(settings.bus_url, partitions=settings.kafka_partitions)
    count = replay(bus, service.sessions, keys=keyring_from_settings(settings))
    log.info("read model rebuilt from %d messages", count)


if __name__ == "__main__":
    main()
