"""The consumer runner: poll, decode, dispatch by type, commit.

Per batch: each record is decoded and handed to the handler registered for its type; the handler
runs its own database transaction and returns once it has committed. Only then does the runner
commit the batch's offsets, so a crash anywhere re-delivers (at-least-once) and handlers dedupe
on the envelope id or a natural key.

No record may stop a partition for good. What happens when one fails:

- It cannot be read (bad JSON, unknown type, a version newer than ours, a missing field or one of
  the wrong type): it goes to the dead-letter topic at once, since decoding again gives the same
  answer.
- Its handler rejects it as invalid (raises PoisonMessage): dead-lettered at once.
- Its handler fails with an outage (the database or the broker unreachable: see `is_outage`): the
  runner pauses with backoff and retries the same record for as long as the outage lasts, and
  never commits past it, so nothing is skipped.
- It is sealed (shared.sealing) and a subject's key is gone: that person is erased, so the
  record is skipped like a type the group ignores (a rebuild leaves them out). Keys come from
  `keys`, fetched once per batch for every sealed record in it; an attendee.erased drops the key.
- Its handler fails with anything else (a bug, a value the database refuses): retried
  `len(failure_backoff)` more times with those pauses, then dead-lettered with the error and its
  traceback, and the partition moves on.
"""

from __future__ import annotations

import base64
import json
import logging
import threading
import time
import traceback
from collections.abc import Callable, Mapping, Sequence

import sqlalchemy.exc

from shared.bus.base import DEAD_LETTER_TOPIC, Bus, Consumer, Producer, PublishError, Record
from shared.envelope import DecodeError, Envelope
from shared.events import EVENT_TYPES, Event, from_envelope
from shared.sealing import Erased, Keyring, is_sealed, sealed_subjects

log = logging.getLogger(__name__)

Handler = Callable[[Event, Envelope], None]

# Errors that mean "a part we depend on is unreachable", not "this message is bad". SQLAlchemy's
# OperationalError is what a lost or refused database connection raises (psycopg and sqlite3);
# DataError, IntegrityError and ProgrammingError are about the statement, so they are failures.
_OUTAGES: tuple[type[BaseException], ...] = (
    ConnectionError,
    TimeoutError,
    PublishError,
    sqlalchemy.exc.OperationalError,
    sqlalchemy.exc.InterfaceError,
    sqlalchemy.exc.DisconnectionError,
    sqlalchemy.exc.TimeoutError,
)
try:
    from kafka.errors import KafkaError

    _OUTAGES += (KafkaError,)
except ImportError:  # the embedded bus runs without kafka-python
    pass


def is_outage(exc: BaseException) -> bool:
    """True when `exc` (or what caused it) says the database or the broker is unavailable."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, _OUTAGES):
            return True
        if isinstance(exc, sqlalchemy.exc.DBAPIError) and exc.connection_invalidated:
            return True
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return False


class Stopped(Exception):
    """The worker was asked to stop while waiting out an outage; nothing past it is committed."""


class PoisonMessage(Exception):
    """Raised by a handler for a message that can never succeed; it goes to the dead-letter topic."""


def dead_letter(record: Record, group: str, reason: str, trace: str | None = None) -> bytes:
    """The dead-letter message: where the record came from, why it failed, and its bytes."""
    try:
        text: str | None = record.value.decode()
    except UnicodeDecodeError:
        text = None
    return json.dumps(
        {
            "reason": reason,
            "traceback": trace,
            "group": group,
            "topic": record.topic,
            "partition": record.partition,
            "offset": record.offset,
            "key": record.key.decode(errors="replace") if record.key else None,
            "value": text,
            "value_base64": None if text is not None else base64.b64encode(record.value).decode(),
        },
        ensure_ascii=False,
    ).encode()


class Worker:
    """Runs `handlers` (event type -> handler) for one consumer group.

    `retry_backoff` paces retries through an outage (the last pause repeats for as long as it
    lasts); `failure_backoff` paces the bounded retries of any other handler error.
    """

    def __init__(
        self,
        consumer: Consumer,
        dead_letters: Producer,
        group: str,
        handlers: Mapping[str, Handler],
        *,
        batch_size: int = 200,
        retry_backoff: Sequence[float] = (0.1, 0.5, 1, 2, 5),
        failure_backoff: Sequence[float] = (0.1, 0.5, 2),
        sleep: Callable[[float], None] = time.sleep,
        keys: Keyring | None = None,
    ):
        self.consumer = consumer
        self.keys = keys
        self.dead_letters = dead_letters
        self.group = group
        self.handlers = dict(handlers)
        self.batch_size = batch_size
        self.retry_backoff = tuple(retry_backoff)
        self.failure_backoff = tuple(failure_backoff)
        self.sleep = sleep
        self.handled = 0
        self.dead_lettered = 0
        self.skipped_erased = 0
        self.stop: threading.Event | None = None  # set by run(): lets SIGTERM end an outage's wait

    def run_once(self, timeout: float = 1.0) -> int:
        """Handle one polled batch and commit it; returns how many records it held."""
        records = self.consumer.poll(timeout=timeout, max_records=self.batch_size)
        envelopes = [self._envelope(record) for record in records]
        self._prefetch_keys(envelopes)
        letters = []
        for record, envelope in zip(records, envelopes):
            failed = self._handle(record, envelope)
            if failed is not None:
                reason, trace = failed
                log.warning(
                    "dead-lettering %s/%s@%s: %s", record.topic, record.partition, record.offset, reason
                )
                letters.append((record.key, dead_letter(record, self.group, reason, trace)))
        if letters:
            self._publish(letters)  # the dead letters are durable before we commit past them
            self.dead_lettered += len(letters)
        self.consumer.commit_records(records)
        self.handled += len(records) - len(letters)
        return len(records)

    def _publish(self, letters: list[tuple[bytes | None, bytes]]) -> None:
        """Send the dead letters, retrying through a broker outage (a retry may write one twice)."""
        outages = 0
        while True:
            try:
                for key, value in letters:
                    self.dead_letters.send(DEAD_LETTER_TOPIC, key, value)
                self.dead_letters.flush()
                return
            except PublishError:
                outages = self._pause(outages, "publishing dead letters")

    def _pause(self, outages: int, what: str) -> int:
        delay = self.retry_backoff[min(outages, len(self.retry_backoff) - 1)]
        log.warning("outage while %s (attempt %d); retrying in %ss", what, outages + 1, delay, exc_info=True)
        self.sleep(delay)
        if self.stop is not None and self.stop.is_set():
            raise Stopped  # the uncommitted batch is read again by whoever resumes (at-least-once)
        return outages + 1

    @staticmethod
    def _envelope(record: Record) -> Envelope | DecodeError:
        try:
            return Envelope.from_bytes(record.value)
        except DecodeError as exc:
            return exc

    def _prefetch_keys(self, envelopes: list[Envelope | DecodeError]) -> None:
        """One key fetch for the batch's sealed records, retried through a key service outage."""
        subjects = {
            s
            for e in envelopes
            if isinstance(e, Envelope) and e.type in self.handlers
            for s in sealed_subjects(e)
        }
        outages = 0
        while subjects and self.keys is not None:
            try:
                self.keys.prefetch(subjects)
                return
            except Exception as exc:
                if not is_outage(exc):
                    raise
                outages = self._pause(outages, "fetching data keys")

    def _open(self, envelope: Envelope) -> Envelope:
        if not is_sealed(envelope):
            return envelope
        if self.keys is None:
            raise DecodeError(f"{envelope.type} is sealed and this consumer has no keyring")
        outages = 0
        while True:
            try:
                return self.keys.open(envelope)
            except (Erased, DecodeError):
                raise
            except Exception as exc:
                if not is_outage(exc):
                    raise
                outages = self._pause(outages, "fetching data keys")

    def _handle(self, record: Record, envelope: Envelope | DecodeError) -> tuple[str, str | None] | None:
        """Run the record's handler; (reason, traceback) if it is to be dead-lettered."""
        if isinstance(envelope, DecodeError):
            return envelope.reason, None
        handler = self.handlers.get(envelope.type)
        try:
            if handler is None and is_sealed(envelope):
                _known_type(envelope)  # not ours to open: what can be checked without the keys
            else:
                envelope = self._open(envelope) if handler is not None else envelope
                event = from_envelope(envelope)
        except Erased:
            self.skipped_erased += 1
            return None  # the person is erased: what they were in is gone with them
        except DecodeError as exc:
            return exc.reason, None
        if handler is None:
            self._learn_erasure(envelope)
            return None  # a type this group does not care about: skip it, nothing is wrong
        outages = failures = 0
        while True:
            try:
                handler(event, envelope)
                self._learn_erasure(envelope)
                return None
            except PoisonMessage as exc:
                return f"rejected by handler: {exc}", traceback.format_exc()
            except Exception as exc:
                if is_outage(exc):
                    outages = self._pause(outages, f"handling {envelope.type}")
                    continue
                if failures == len(self.failure_backoff):
                    return (
                        f"handler failed {failures + 1} times: {type(exc).__name__}: {exc}",
                        traceback.format_exc(),
                    )
                log.exception(
                    "handler for %s failed (attempt %d); retrying in %ss",
                    envelope.type,
                    failures + 1,
                    self.failure_backoff[failures],
                )
                self.sleep(self.failure_backoff[failures])
                failures += 1

    def _learn_erasure(self, envelope: Envelope) -> None:
        if self.keys is not None and envelope.type == "attendee.erased":
            attendee_id = envelope.data.get("attendee_id")
            if isinstance(attendee_id, str):
                self.keys.forget(attendee_id)

    def run(self, stop: threading.Event) -> None:
        self.stop = stop
        outages = 0
        while not stop.is_set():
            try:
                self.run_once(timeout=0.5)
                outages = 0
            except Stopped:
                return
            except Exception as exc:
                # Polling or committing while the broker is away: what was not committed is read
                # again later (at-least-once), so pausing loses no place.
                if not is_outage(exc):
                    raise
                outages = self._pause(outages, "polling or committing")


def _known_type(envelope: Envelope) -> None:
    cls = EVENT_TYPES.get(envelope.type)
    if cls is None:
        raise DecodeError(f"unknown type {envelope.type!r}")
    if envelope.version > cls.VERSION:
        raise DecodeError(f"{envelope.type} version {envelope.version} is newer than {cls.VERSION}")


def run_forever(
    bus: Bus, group: str, topics: Sequence[str], handlers: Mapping[str, Handler], keys: Keyring | None = None
) -> None:
    """Entry point of a consumer process: runs until SIGTERM or SIGINT, then leaves the group."""
    from shared.process import stop_on_signals

    stop = stop_on_signals()
    bus.ensure_topics([*topics, DEAD_LETTER_TOPIC], getattr(bus, "default_partitions", 6))
    with bus.producer() as dead_letters, bus.consumer(group, topics) as consumer:
        log.info("consumer group %s reading %s", group, ", ".join(topics))
        Worker(consumer, dead_letters, group, handlers, keys=keys).run(stop)
