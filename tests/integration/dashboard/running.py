"""The other services the dashboard works with, really running: each Flask app served over HTTP in
a thread, their outboxes relayed to a real bus (the embedded log), and consumer groups caught up
by the same worker `python -m services.<name>.consumer` runs."""

from __future__ import annotations

import threading
from collections.abc import Callable

from sqlalchemy.orm import Session
from werkzeug.serving import make_server

from services.dashboard.rebuild import read_to_end
from shared.bus import Bus
from shared.bus.worker import Worker
from shared.consumer import Apply, applied_once
from shared.outbox import relay_once, run_relay
from shared.sealing import Keyring


class BusThreads:
    """Relays and consumers as daemon threads on `self.bus`, until `self.stop_event` is set: what
    the e2e tests' running products share (each sets `bus` and `stop_event`, and joins its threads)."""

    bus: Bus
    stop_event: threading.Event
    keys: Keyring | None = None  # opens sealed fields (tests.datakeys.keyring_for the badge app)

    def _thread(self, target, *args) -> threading.Thread:
        thread = threading.Thread(target=target, args=args, daemon=True)
        thread.start()
        return thread

    def _relay(self, sessions) -> None:
        with self.bus.producer() as producer:
            run_relay(sessions, producer, self.stop_event)

    def _consume(self, group, topics, types, sessions, apply) -> None:
        handler = applied_once(sessions, group, apply)
        with self.bus.producer() as dead_letters, self.bus.consumer(group, topics) as consumer:
            Worker(consumer, dead_letters, group, {kind: handler for kind in types}, keys=self.keys).run(
                self.stop_event
            )


class Served:
    """A WSGI app on a free loopback port until stop()."""

    def __init__(self, app):
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.thread.join(10)


def relay(sessions: Callable[[], Session], bus: Bus) -> None:
    """Publish everything waiting in a service's outbox, as its relay process does."""
    with bus.producer() as producer:
        while relay_once(sessions, producer):
            pass


def catch_up(
    bus: Bus,
    group: str,
    topics,
    types,
    sessions: Callable[[], Session],
    apply: Apply,
    keys: Keyring | None = None,
) -> int:
    """Run a consumer group until it has read everything on its topics; how many it handled."""
    handler = applied_once(sessions, group, apply)
    return read_to_end(bus, group, topics, {kind: handler for kind in types}, poll_timeout=0.3, keys=keys)
