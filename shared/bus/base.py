"""The event bus: one small interface, two backends chosen by URL.

Rules every backend keeps (the contract suite in tests/integration/bus checks them on each):

- A topic has a fixed number of partitions; a message's key picks its partition, so messages
  with one key are consumed in the order they were published.
- `Producer.send()` may buffer. `Producer.flush()` returns only once every message sent before it
  is durable (Kafka: acknowledged by all in-sync replicas), and raises PublishError otherwise.
- Consumers join a group; the group's members share the topic's partitions between them.
- Offsets are never committed automatically. `Consumer.commit()` records, for each partition,
  the offset of the next message to read; call it after the handler's database transaction has
  committed. A consumer that dies resumes from the last commit, so delivery is at-least-once and
  handlers must be idempotent.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

# Where a consumer puts what it cannot read (see shared.bus.worker).
DEAD_LETTER_TOPIC = "rapport.deadletter"


@dataclass(frozen=True)
class Record:
    """One message as a consumer sees it."""

    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes
    timestamp_ms: int


TopicPartition = tuple[str, int]


class PublishError(RuntimeError):
    """Some sent messages could not be made durable; the caller must retry them."""


class Producer(ABC):
    @abstractmethod
    def send(self, topic: str, key: bytes | str | None, value: bytes) -> None:
        """Queue one message; durable only once flush() returns."""

    @abstractmethod
    def flush(self, timeout: float | None = None) -> None:
        """Block until every queued message is durable; raise PublishError if any is not."""

    @abstractmethod
    def close(self) -> None:
        """Flush what is queued and release the connection."""

    def __enter__(self) -> Producer:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class Consumer(ABC):
    @abstractmethod
    def poll(self, timeout: float = 1.0, max_records: int = 500) -> list[Record]:
        """Next records from this member's partitions, waiting up to `timeout` seconds for some."""

    @abstractmethod
    def commit(self, offsets: Mapping[TopicPartition, int]) -> None:
        """Record, per partition, the offset of the next message this group should read."""

    @abstractmethod
    def assignment(self) -> set[TopicPartition]:
        """The partitions this member currently reads."""

    @abstractmethod
    def close(self) -> None:
        """Leave the group (its partitions go to the other members) without committing."""

    def commit_records(self, records: Iterable[Record]) -> None:
        """Commit past each of `records` (the highest offset per partition wins)."""
        offsets: dict[TopicPartition, int] = {}
        for r in records:
            tp = (r.topic, r.partition)
            offsets[tp] = max(offsets.get(tp, 0), r.offset + 1)
        if offsets:
            self.commit(offsets)

    def __enter__(self) -> Consumer:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class Bus(ABC):
    """A connection to one event bus: makes producers and group consumers."""

    url: str

    @abstractmethod
    def ensure_topics(self, topics: Sequence[str], partitions: int) -> None:
        """Create the topics that do not exist yet (existing ones keep their partitions)."""

    @abstractmethod
    def producer(self) -> Producer: ...

    @abstractmethod
    def consumer(self, group: str, topics: Sequence[str], *, from_beginning: bool = True) -> Consumer:
        """A member of consumer group `group`; with no committed offset it starts at the
        beginning of each partition (or at its end when from_beginning is False)."""

    def close(self) -> None:  # noqa: B027 (optional: most buses hold nothing of their own)
        """Release what the bus object itself holds (not its producers and consumers)."""


def encode_key(key: bytes | str | None) -> bytes | None:
    return key.encode() if isinstance(key, str) else key


def bus_from_url(url: str, *, partitions: int = 6) -> Bus:
    """`kafka://host:port[,host:port]` or `embedded:<file>` (also `embedded:///abs/path`)."""
    if url.startswith("kafka://"):
        from shared.bus.kafka import KafkaBus

        return KafkaBus(url[len("kafka://") :], default_partitions=partitions)
    if url.startswith("embedded:"):
        from shared.bus.embedded import EmbeddedBus

        path = url[len("embedded:") :]
        if path.startswith("//"):
            path = path[2:]
        return EmbeddedBus(path, default_partitions=partitions)
    raise ValueError(f"unknown bus URL {url!r}: use kafka://host:port or embedded:<file>")
