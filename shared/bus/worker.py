"""The consumer runner: poll, decode, dispatch by type, commit.

Per batch: each record is decoded and handed to the handler registered for its type; the handler
runs its own database transaction and returns once it has committed. Only then does the runner
commit the batch's offsets, so a crash anywhere re-delivers (at-least-once) and handlers dedupe
on the envelope id or a natural key.

A record the runner cannot read (bad JSON, unknown type, a version newer than ours, missing
fields) or that its handler rejects as invalid (raises PoisonMessage) goes to the dead-letter
topic with the reason, and the partition moves on. Any other handler error is treated as
transient (a database restart, say): the runner backs off and retries the same record, and never
commits past it, so nothing is skipped.
"""

from __future__ import annotations

import base64
import json
import logging
import threading
import time
from typing import Callable, Mapping, Sequence

from shared.bus.base import DEAD_LETTER_TOPIC, Bus, Consumer, Producer, Record
from shared.envelope import DecodeError, Envelope
from shared.events import Event, from_envelope

log = logging.getLogger(__name__)

Handler = Callable[[Event, Envelope], None]


class PoisonMessage(Exception):
    """Raised by a handler for a message that can never succeed; it goes to the dead-letter topic."""


def dead_letter(record: Record, group: str, reason: str) -> bytes:
    """The dead-letter message: where the record came from, why it failed, and its bytes."""
    try:
        text: str | None = record.value.decode()
    except UnicodeDecodeError:
        text = None
    return json.dumps({
        "reason": reason, "group": group, "topic": record.topic, "partition": record.partition,
        "offset": record.offset, "key": record.key.decode(errors="replace") if record.key else None,
        "value": text, "value_base64": None if text is not None else base64.b64encode(record.value).decode(),
    }, ensure_ascii=False).encode()


class Worker:
    """Runs `handlers` (event type -> handler) for one consumer group."""

    def __init__(self, consumer: Consumer, dead_letters: Producer, group: str,
                 handlers: Mapping[str, Handler], *, batch_size: int = 200,
                 retry_backoff: Sequence[float] = (0.1, 0.5, 1, 2, 5),
                 sleep: Callable[[float], None] = time.sleep):
        self.consumer = consumer
        self.dead_letters = dead_letters
        self.group = group
        self.handlers = dict(handlers)
        self.batch_size = batch_size
        self.retry_backoff = tuple(retry_backoff)
        self.sleep = sleep
        self.handled = 0
        self.dead_lettered = 0

    def run_once(self, timeout: float = 1.0) -> int:
        """Handle one polled batch and commit it; returns how many records it held."""
        records = self.consumer.poll(timeout=timeout, max_records=self.batch_size)
        dead = 0
        for record in records:
            reason = self._handle(record)
            if reason is not None:
                log.warning("dead-lettering %s/%s@%s: %s", record.topic, record.partition, record.offset, reason)
                self.dead_letters.send(DEAD_LETTER_TOPIC, record.key, dead_letter(record, self.group, reason))
                dead += 1
        if dead:
            self.dead_letters.flush()  # the dead letters are durable before we commit past them
            self.dead_lettered += dead
        self.consumer.commit_records(records)
        self.handled += len(records) - dead
        return len(records)

    def _handle(self, record: Record) -> str | None:
        """Run the record's handler; the dead-letter reason if it can never be handled."""
        try:
            envelope = Envelope.from_bytes(record.value)
            event = from_envelope(envelope)
        except DecodeError as exc:
            return exc.reason
        handler = self.handlers.get(envelope.type)
        if handler is None:
            return None  # a type this group does not care about: skip it, nothing is wrong
        attempt = 0
        while True:
            try:
                handler(event, envelope)
                return None
            except PoisonMessage as exc:
                return f"rejected by handler: {exc}"
            except Exception:
                delay = self.retry_backoff[min(attempt, len(self.retry_backoff) - 1)]
                log.exception("handler for %s failed (attempt %d); retrying in %ss", envelope.type, attempt + 1, delay)
                attempt += 1
                self.sleep(delay)

    def run(self, stop: threading.Event) -> None:
        while not stop.is_set():
            self.run_once(timeout=0.5)


def run_forever(bus: Bus, group: str, topics: Sequence[str], handlers: Mapping[str, Handler]) -> None:
    """Entry point of a consumer process: runs until SIGTERM or SIGINT, then leaves the group."""
    from shared.process import stop_on_signals

    stop = stop_on_signals()
    bus.ensure_topics([*topics, DEAD_LETTER_TOPIC], getattr(bus, "default_partitions", 6))
    with bus.producer() as dead_letters, bus.consumer(group, topics) as consumer:
        log.info("consumer group %s reading %s", group, ", ".join(topics))
        Worker(consumer, dead_letters, group, handlers).run(stop)
