"""A service's consumer process: apply bus events to its own database, once each.

`apply(session, event, envelope)` writes the event's effect; the runner marks the envelope id
processed in the same transaction and commits, then the worker commits the offset. A redelivered
message finds its id marked and changes nothing, so replaying a topic is harmless.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

from sqlalchemy.orm import Session

from shared.bus import bus_from_url
from shared.bus.worker import run_forever
from shared.db import first_time
from shared.envelope import Envelope
from shared.events import Event
from shared.sealing import keyring_from_settings

log = logging.getLogger(__name__)
Apply = Callable[[Session, Event, Envelope], None]


def applied_once(session_factory: Callable[[], Session], group: str, apply: Apply):
    """A worker handler that runs `apply` in its own transaction, at most once per message id."""

    def handle(event: Event, envelope: Envelope) -> None:
        with session_factory() as session:
            if first_time(session, group, envelope.id):
                apply(session, event, envelope)
            session.commit()

    return handle


def consume_forever(
    settings,
    session_factory: Callable[[], Session],
    group: str,
    topics: Sequence[str],
    types: Sequence[str],
    apply: Apply,
) -> None:
    """Entry point of a consumer process (`python -m services.<name>.consumer`)."""
    from shared.process import setup_logging

    setup_logging(settings.log_level)
    handler = applied_once(session_factory, group, apply)
    bus = bus_from_url(settings.bus_url, partitions=settings.kafka_partitions)
    run_forever(
        bus, group, topics, {event_type: handler for event_type in types}, keyring_from_settings(settings)
    )
