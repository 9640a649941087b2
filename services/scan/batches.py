"""Saving one batch of scans in one transaction: the rate limit, the scans, their meetings, the outbox.

One statement does four things: count each scanner's scans of the last minute (the rate limit,
counted in the database so that every web process sees every other's committed scans), insert
the scans that are within it (a retried client_scan_id conflicts and is left to the writer to
recognise; a retry is never refused by the limit, it is answered as the duplicate it is), create
or update their meetings (which says who has now scanned whom), and queue one bus message per
new scan in the outbox. The transaction commits before `save` returns, so the writer never
answers 201 for a scan that is not durably saved.

The statement takes array parameters with one fixed SQL text whatever the batch size, so the
server plans it once (prepared) and the driver never re-parses it. The first version took seven
round trips and re-converted a new multi-row INSERT text for each batch size, which cost the
writer thread more CPU than the scans themselves.

Two web processes' batches for the same scanner must not both count the scans of the last
minute before either commits (each would see room for its own). So the count is
scan_rate_counts() (migration 0004): it first takes a lock per scanner of the batch (an advisory
transaction lock, in one sorted order: two batches never deadlock on them), then counts in a
snapshot of its own, taken once the locks are held, which includes every scan committed by
whoever held them before. The locks last until the statement commits. So a batch is still one
autocommitted statement, one round trip: a lock statement, then the save in a transaction, cost
two round trips and a third more time per batch (measured with bench/scans.py).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.engine import Engine

from shared.events import SCANS_TOPIC

Key = tuple[str, str]  # (scanner_id, client_scan_id): what makes a scan the same scan on a retry
WINDOW = timedelta(minutes=1)


@dataclass(frozen=True)
class Row:
    """One scan as a store writes it, prepared in the request thread (the writer thread is serial)."""

    key: Key
    event_id: str
    meeting_id: str
    scanned_id: str
    low_id: str  # the pair in meeting order (the lower attendee id first)
    high_id: str
    note: str
    tags: tuple[str, ...]
    scanned_at: datetime
    received_at: datetime
    bus_key: str
    alone: bytes  # its outbox message while the meeting is one-sided
    together: bytes  # the same message (same id) once both have scanned: only the database knows which


@dataclass(frozen=True)
class Saved:
    allowed: set[Key]  # within the rate limit, or a retry of a scan saved before
    fresh: dict[Key, tuple[int, bool]]  # new scans: their id, and whether their meeting is now mutual


RATE_LOCKS = 0x72617465  # "rate": the advisory lock space (the first key) of the rate limit's locks

SAVE_BATCH = """
WITH batch AS (
    SELECT * FROM json_to_recordset(%(batch)s::json) AS b(
        ord int, scanner_id text, client_scan_id text, event_id text, meeting_id text, scanned_id text, low_id text,
        high_id text, note text, tags json, scanned_at timestamptz, received_at timestamptz, bus_key text,
        alone text, together text)
), known AS (
    -- Retries of scans saved before: answered as duplicates, never counted or refused.
    -- (through the unique index, row by row: a join could scan the whole table as it grows)
    SELECT b.ord FROM batch b, LATERAL (
        SELECT 1 FROM scans WHERE scans.scanner_id = b.scanner_id AND scans.client_scan_id = b.client_scan_id
        LIMIT 1) s
), recent AS (
    -- Locked per scanner first, then counted in a fresh snapshot (see the module's docstring).
    SELECT scanner_id, n FROM scan_rate_counts(ARRAY(SELECT scanner_id FROM batch), %(since)s, %(space)s)
), allowed AS (
    SELECT b.*, 0::bigint AS nth FROM batch b WHERE b.ord IN (SELECT ord FROM known)
    UNION ALL
    SELECT * FROM (SELECT b.*, coalesce(r.n, 0) + row_number() OVER (PARTITION BY b.scanner_id ORDER BY b.ord) AS nth
                   FROM batch b LEFT JOIN recent r USING (scanner_id) WHERE b.ord NOT IN (SELECT ord FROM known)) ranked
    WHERE nth <= %(per_minute)s
), inserted AS (
    -- Rows in one order in every batch, and meetings below too: two web processes' batches
    -- then wait for each other's row locks in turn instead of deadlocking.
    INSERT INTO scans (scanner_id, client_scan_id, event_id, meeting_id, scanned_id, note, tags, scanned_at,
                       received_at)
    SELECT scanner_id, client_scan_id, event_id, meeting_id, scanned_id, note, tags, scanned_at, received_at
    FROM allowed ORDER BY scanner_id, client_scan_id
    ON CONFLICT (scanner_id, client_scan_id) DO NOTHING
    RETURNING id, scanner_id, client_scan_id
), fresh AS (
    SELECT a.*, i.id AS scan_id FROM allowed a JOIN inserted i USING (scanner_id, client_scan_id)
), met AS (
    INSERT INTO meetings (id, event_id, low_id, high_id, low_scanned, high_scanned, first_scanned_at)
    SELECT meeting_id, event_id, low_id, high_id, bool_or(scanner_id = low_id), bool_or(scanner_id = high_id),
           min(scanned_at)
    FROM fresh GROUP BY meeting_id, event_id, low_id, high_id ORDER BY meeting_id
    ON CONFLICT (id) DO UPDATE SET low_scanned = meetings.low_scanned OR excluded.low_scanned,
                                   high_scanned = meetings.high_scanned OR excluded.high_scanned
    RETURNING id, low_scanned AND high_scanned AS mutual
), queued AS (
    INSERT INTO outbox (topic, key, value, created_at)
    SELECT %(topic)s, f.bus_key, convert_to(CASE WHEN m.mutual THEN f.together ELSE f.alone END, 'UTF8'), %(now)s
    FROM fresh f JOIN met m ON m.id = f.meeting_id ORDER BY f.ord
)
SELECT a.ord, f.scan_id, m.mutual FROM allowed a LEFT JOIN fresh f USING (ord) LEFT JOIN met m ON m.id = f.meeting_id
"""


class BatchStore:
    """Saves batches on one autocommit connection kept by the writer thread (psycopg)."""

    def __init__(self, engine: Engine, per_minute: int):
        self._engine, self._per_minute = engine, per_minute
        self._connection = None  # the pool's DBAPI connection, held for the writer's lifetime

    def save(self, rows: list[Row], now: datetime) -> Saved:
        if self._connection is None:
            self._connection = self._engine.raw_connection()
            self._connection.driver_connection.autocommit = True  # the statement is its own transaction
        connection = self._connection.driver_connection  # psycopg.Connection
        batch = json.dumps(
            [
                {
                    "ord": i,
                    "scanner_id": r.key[0],
                    "client_scan_id": r.key[1],
                    "event_id": r.event_id,
                    "meeting_id": r.meeting_id,
                    "scanned_id": r.scanned_id,
                    "low_id": r.low_id,
                    "high_id": r.high_id,
                    "note": r.note,
                    "tags": r.tags,
                    "scanned_at": r.scanned_at.isoformat(),
                    "received_at": r.received_at.isoformat(),
                    "bus_key": r.bus_key,
                    "alone": r.alone.decode(),
                    "together": r.together.decode(),
                }
                for i, r in enumerate(rows)
            ]
        )
        try:
            result = connection.execute(
                SAVE_BATCH,
                {
                    "batch": batch,
                    "since": now - WINDOW,
                    "per_minute": self._per_minute,
                    "topic": SCANS_TOPIC,
                    "now": now,
                    "space": RATE_LOCKS,
                },
            ).fetchall()
        except Exception:
            # Whatever broke (the server restarted, the network), start the next batch afresh.
            self._connection.invalidate()
            self._connection = None
            raise
        return Saved(
            allowed={rows[o].key for o, _, _ in result},
            fresh={rows[o].key: (scan_id, mutual) for o, scan_id, mutual in result if scan_id is not None},
        )
