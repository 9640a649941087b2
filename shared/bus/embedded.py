"""The embedded bus: a durable, partitioned log in one SQLite file.

For one machine with nothing installed. Several processes may open the same file: SQLite's WAL
mode lets them read while one writes, and every write is a short transaction. It keeps Kafka's
contract (see shared.bus.base): topics with partitions, per-key order, committed group offsets,
and groups whose live members split the partitions between them.

Group membership works by heartbeat: each consumer refreshes its row as it polls; a member silent
for `session_timeout` seconds (a killed process) is dropped and its partitions are handed to the
others, which resume from the group's last commit. Partitions are dealt round-robin over the live
members ordered by join time, so every member computes the same assignment without a coordinator.
"""

from __future__ import annotations

import sqlite3
import threading
import time
import uuid
import zlib
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from shared.bus.base import Bus, Consumer, Producer, PublishError, Record, TopicPartition, encode_key

SCHEMA = """
CREATE TABLE IF NOT EXISTS topics (name TEXT PRIMARY KEY, partitions INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS heads (
    topic TEXT, partition INTEGER, next_offset INTEGER NOT NULL, PRIMARY KEY (topic, partition));
CREATE TABLE IF NOT EXISTS records (
    topic TEXT, partition INTEGER, offset INTEGER, key BLOB, value BLOB NOT NULL, ts INTEGER NOT NULL,
    PRIMARY KEY (topic, partition, offset)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS group_offsets (
    grp TEXT, topic TEXT, partition INTEGER, offset INTEGER NOT NULL,
    PRIMARY KEY (grp, topic, partition));
CREATE TABLE IF NOT EXISTS group_members (
    grp TEXT, member TEXT, joined_at REAL NOT NULL, heartbeat REAL NOT NULL,
    PRIMARY KEY (grp, member));
"""


def _connect(path: str) -> sqlite3.Connection:
    # autocommit mode: every transaction below is explicit and short.
    conn = sqlite3.connect(path, timeout=60, isolation_level=None, check_same_thread=False)
    conn.execute("PRAGMA journal_mode=WAL")
    # NORMAL in WAL mode survives a process crash (only an OS crash can lose the last commits).
    conn.execute("PRAGMA synchronous=NORMAL")
    return conn


class EmbeddedBus(Bus):
    def __init__(
        self,
        path: str | Path,
        *,
        default_partitions: int = 6,
        session_timeout: float = 10.0,
        clock: Callable[[], float] = time.time,
    ):
        self.path = str(path)
        self.url = f"embedded:{self.path}"
        self.default_partitions = default_partitions
        self.session_timeout = session_timeout
        self.clock = clock
        Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        with _connect(self.path) as conn:
            conn.executescript(SCHEMA)

    def ensure_topics(self, topics: Sequence[str], partitions: int) -> None:
        conn = _connect(self.path)
        try:
            conn.execute("BEGIN IMMEDIATE")
            for topic in topics:
                _create_topic(conn, topic, partitions)
            conn.execute("COMMIT")
        finally:
            conn.close()

    def producer(self) -> Producer:
        return EmbeddedProducer(self)

    def consumer(self, group: str, topics: Sequence[str], *, from_beginning: bool = True) -> Consumer:
        return EmbeddedConsumer(self, group, topics, from_beginning=from_beginning)


def _create_topic(conn: sqlite3.Connection, topic: str, partitions: int) -> int:
    conn.execute("INSERT OR IGNORE INTO topics VALUES (?, ?)", (topic, partitions))
    (count,) = conn.execute("SELECT partitions FROM topics WHERE name = ?", (topic,)).fetchone()
    conn.executemany("INSERT OR IGNORE INTO heads VALUES (?, ?, 0)", [(topic, p) for p in range(count)])
    return count


def partition_for(key: bytes | None, partitions: int, fallback: int) -> int:
    """Same key, same partition (crc32 is stable across processes, unlike hash())."""
    if key is None:
        return fallback % partitions
    return zlib.crc32(key) % partitions


class EmbeddedProducer(Producer):
    def __init__(self, bus: EmbeddedBus):
        self._bus = bus
        self._conn = _connect(bus.path)
        self._pending: list[tuple[str, bytes | None, bytes]] = []
        self._lock = threading.Lock()
        self._round_robin = 0

    def send(self, topic: str, key: bytes | str | None, value: bytes) -> None:
        with self._lock:
            self._pending.append((topic, encode_key(key), value))

    def flush(self, timeout: float | None = None) -> None:
        with self._lock:
            if not self._pending:
                return
            batch, self._pending = self._pending, []
            try:
                self._write(batch)
            except sqlite3.Error as exc:
                raise PublishError(f"embedded log write failed: {exc}") from exc

    def _write(self, batch: list[tuple[str, bytes | None, bytes]]) -> None:
        now_ms = int(self._bus.clock() * 1000)
        partitions: dict[str, int] = {}
        heads: dict[TopicPartition, int] = {}
        rows = []
        self._conn.execute("BEGIN IMMEDIATE")
        try:
            for topic, key, value in batch:
                if topic not in partitions:
                    partitions[topic] = _create_topic(self._conn, topic, self._bus.default_partitions)
                self._round_robin += 1
                tp = (topic, partition_for(key, partitions[topic], self._round_robin))
                if tp not in heads:
                    (heads[tp],) = self._conn.execute(
                        "SELECT next_offset FROM heads WHERE topic = ? AND partition = ?", tp
                    ).fetchone()
                rows.append((*tp, heads[tp], key, value, now_ms))
                heads[tp] += 1
            self._conn.executemany("INSERT INTO records VALUES (?, ?, ?, ?, ?, ?)", rows)
            self._conn.executemany(
                "UPDATE heads SET next_offset = ? WHERE topic = ? AND partition = ?",
                [(offset, *tp) for tp, offset in heads.items()],
            )
            self._conn.execute("COMMIT")
        except BaseException:
            self._conn.execute("ROLLBACK")
            raise

    def close(self) -> None:
        self.flush()
        self._conn.close()


class EmbeddedConsumer(Consumer):
    HEARTBEAT_EVERY = 1.0
    IDLE_SLEEP = 0.02

    def __init__(self, bus: EmbeddedBus, group: str, topics: Sequence[str], *, from_beginning: bool):
        self._bus = bus
        self._group = group
        self._topics = tuple(topics)
        self._from_beginning = from_beginning
        self._member = uuid.uuid4().hex
        self._conn = _connect(bus.path)
        self._positions: dict[TopicPartition, int] = {}
        self._last_heartbeat = float("-inf")
        self._next_start = 0
        now = bus.clock()
        self._conn.execute("INSERT INTO group_members VALUES (?, ?, ?, ?)", (group, self._member, now, now))

    def poll(self, timeout: float = 1.0, max_records: int = 500) -> list[Record]:
        deadline = time.monotonic() + timeout
        while True:
            self._heartbeat_and_rebalance()
            records = self._fetch(max_records)
            if records or time.monotonic() >= deadline:
                return records
            time.sleep(min(self.IDLE_SLEEP, max(0.0, deadline - time.monotonic())))

    def _fetch(self, max_records: int) -> list[Record]:
        owned = sorted(self._positions)
        if not owned:
            return []
        # Start at a different partition each time so a busy one cannot starve the others.
        self._next_start = (self._next_start + 1) % len(owned)
        out: list[Record] = []
        for tp in owned[self._next_start :] + owned[: self._next_start]:
            room = max_records - len(out)
            if room <= 0:
                break
            rows = self._conn.execute(
                "SELECT offset, key, value, ts FROM records WHERE topic = ? AND partition = ? "
                "AND offset >= ? ORDER BY offset LIMIT ?",
                (*tp, self._positions[tp], room),
            ).fetchall()
            for offset, key, value, ts in rows:
                out.append(Record(tp[0], tp[1], offset, key, value, ts))
            if rows:
                self._positions[tp] = rows[-1][0] + 1
        return out

    def _heartbeat_and_rebalance(self) -> None:
        now = self._bus.clock()
        if now - self._last_heartbeat < self.HEARTBEAT_EVERY:
            return
        self._last_heartbeat = now
        conn = self._conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            conn.execute(
                "UPDATE group_members SET heartbeat = ? WHERE grp = ? AND member = ?",
                (now, self._group, self._member),
            )
            conn.execute(
                "DELETE FROM group_members WHERE grp = ? AND heartbeat < ?",
                (self._group, now - self._bus.session_timeout),
            )
            members = [
                m
                for (m,) in conn.execute(
                    "SELECT member FROM group_members WHERE grp = ? ORDER BY joined_at, member",
                    (self._group,),
                )
            ]
            if self._member not in members:  # we were presumed dead: join again
                conn.execute(
                    "INSERT INTO group_members VALUES (?, ?, ?, ?)", (self._group, self._member, now, now)
                )
                members.append(self._member)
            partitions = []
            for topic in self._topics:
                partitions += [
                    (topic, p) for p in range(_create_topic(conn, topic, self._bus.default_partitions))
                ]
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        me = members.index(self._member)
        mine = {tp for i, tp in enumerate(sorted(partitions)) if i % len(members) == me}
        for tp in set(self._positions) - mine:
            del self._positions[tp]
        for tp in mine - set(self._positions):
            self._positions[tp] = self._committed_or_reset(tp)

    def _committed_or_reset(self, tp: TopicPartition) -> int:
        row = self._conn.execute(
            "SELECT offset FROM group_offsets WHERE grp = ? AND topic = ? AND partition = ?",
            (self._group, *tp),
        ).fetchone()
        if row:
            return row[0]
        if self._from_beginning:
            return 0
        return self._conn.execute(
            "SELECT next_offset FROM heads WHERE topic = ? AND partition = ?", tp
        ).fetchone()[0]

    def commit(self, offsets: Mapping[TopicPartition, int]) -> None:
        self._conn.execute("BEGIN IMMEDIATE")
        try:
            self._conn.executemany(
                "INSERT OR REPLACE INTO group_offsets VALUES (?, ?, ?, ?)",
                [(self._group, t, p, o) for (t, p), o in offsets.items()],
            )
            self._conn.execute("COMMIT")
        except BaseException:
            self._conn.execute("ROLLBACK")
            raise

    def assignment(self) -> set[TopicPartition]:
        self._heartbeat_and_rebalance()
        return set(self._positions)

    def close(self) -> None:
        try:
            self._conn.execute(
                "DELETE FROM group_members WHERE grp = ? AND member = ?", (self._group, self._member)
            )
        finally:
            self._conn.close()
