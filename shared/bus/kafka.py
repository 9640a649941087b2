"""The Kafka bus, through kafka-python 3.x.

Producers are idempotent with acks=all, so a retried send is neither lost nor written twice.
Consumers never auto-commit; one KafkaConsumer per process or dedicated thread, because
kafka-python's consumer is not thread-safe.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence

from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer
from kafka.admin import NewTopic
from kafka.errors import KafkaError, TopicAlreadyExistsError
from kafka.structs import OffsetAndMetadata
from kafka.structs import TopicPartition as KafkaTopicPartition

from shared.bus.base import Bus, Consumer, Producer, PublishError, Record, TopicPartition, encode_key


class KafkaBus(Bus):
    def __init__(self, bootstrap: str, *, default_partitions: int = 6, client_id: str = "rapport"):
        self.bootstrap = bootstrap.split(",")
        self.url = "kafka://" + bootstrap
        self.default_partitions = default_partitions
        self.client_id = client_id

    def ensure_topics(self, topics: Sequence[str], partitions: int) -> None:
        admin = KafkaAdminClient(bootstrap_servers=self.bootstrap, client_id=self.client_id)
        try:
            existing = set(admin.list_topics())
            # Kept forever: every service's read model is rebuilt by replaying the topics from the
            # start, which Kafka's default 7-day retention would silently cut short.
            missing = [
                NewTopic(
                    t, partitions, 1 if len(self.bootstrap) == 1 else 3, topic_configs={"retention.ms": "-1"}
                )
                for t in topics
                if t not in existing
            ]
            if missing:
                try:
                    admin.create_topics(missing)
                except TopicAlreadyExistsError:  # another process won the race: fine
                    pass
        finally:
            admin.close()

    def producer(self, **config) -> Producer:
        return KafkaBusProducer(self, **config)

    def consumer(self, group: str, topics: Sequence[str], *, from_beginning: bool = True) -> Consumer:
        return KafkaBusConsumer(self, group, topics, from_beginning=from_beginning)


class KafkaBusProducer(Producer):
    def __init__(self, bus: KafkaBus, **config):
        settings = dict(
            bootstrap_servers=bus.bootstrap,
            client_id=bus.client_id,
            acks="all",
            enable_idempotence=True,
            linger_ms=2,
            # Bounded waits: a caller (the scan outbox relay) must learn that Kafka is down and
            # retry later, rather than block a request or a relay loop for a minute.
            max_block_ms=10_000,
            request_timeout_ms=10_000,
            delivery_timeout_ms=30_000,
        )
        settings.update(config)
        self._producer = KafkaProducer(**settings)
        self._futures: list = []
        self._lock = threading.Lock()

    def send(self, topic: str, key: bytes | str | None, value: bytes) -> None:
        try:
            future = self._producer.send(topic, key=encode_key(key), value=value)
        except KafkaError as exc:
            raise PublishError(f"kafka send failed: {exc}") from exc
        with self._lock:
            self._futures.append(future)

    def flush(self, timeout: float | None = None) -> None:
        with self._lock:
            futures, self._futures = self._futures, []
        try:
            self._producer.flush(timeout=timeout)
        except KafkaError as exc:
            raise PublishError(f"kafka flush failed: {exc}") from exc
        failed = [f.exception for f in futures if not f.is_done or f.failed()]
        if failed:
            raise PublishError(f"{len(failed)} of {len(futures)} messages not acknowledged: {failed[0]}")

    def close(self) -> None:
        try:
            self.flush()
        finally:
            self._producer.close()


class KafkaBusConsumer(Consumer):
    def __init__(self, bus: KafkaBus, group: str, topics: Sequence[str], *, from_beginning: bool):
        self._consumer = KafkaConsumer(
            *topics,
            bootstrap_servers=bus.bootstrap,
            client_id=bus.client_id,
            group_id=group,
            enable_auto_commit=False,
            auto_offset_reset="earliest" if from_beginning else "latest",
        )

    def poll(self, timeout: float = 1.0, max_records: int = 500) -> list[Record]:
        batches = self._consumer.poll(timeout_ms=int(timeout * 1000), max_records=max_records)
        return [
            Record(m.topic, m.partition, m.offset, m.key, m.value, m.timestamp)
            for messages in batches.values()
            for m in messages
        ]

    def commit(self, offsets: Mapping[TopicPartition, int]) -> None:
        self._consumer.commit(
            {KafkaTopicPartition(t, p): OffsetAndMetadata(o, "", -1) for (t, p), o in offsets.items()}
        )

    def assignment(self) -> set[TopicPartition]:
        return {(tp.topic, tp.partition) for tp in self._consumer.assignment()}

    def close(self) -> None:
        self._consumer.close(autocommit=False)
