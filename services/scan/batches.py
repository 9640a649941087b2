"""Saving one batch of scans in one transaction: a single statement on PostgreSQL, four elsewhere.

Both stores do the same four things, with the same rules: count each scanner's scans of the last
minute (the rate limit, counted in the database so that every web process sees every other's
committed scans), insert the scans that are within it (a retried client_scan_id conflicts and is
left to the writer to recognise), create or update their meetings (which says who has now scanned
whom), and queue one bus message per new scan in the outbox. The transaction commits before
`save` returns, so the writer never answers 201 for a scan that is not durably saved.

On PostgreSQL that is ONE statement with array parameters, run in autocommit (a statement is its
own transaction): one round trip and one commit per batch, and one fixed SQL text whatever the
batch size, so the server plans it once (prepared) and the driver never re-parses it. The first
version took seven round trips and re-converted a new multi-row INSERT text for each batch size,
which cost the writer thread more CPU than the scans themselves.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Callable, Protocol

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session

from services.scan.models import Meeting, Scan
from shared.db import outbox, upsert_insert
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
    allowed: set[Key]  # within the rate limit (new scans and retries alike)
    fresh: dict[Key, tuple[int, bool]]  # new scans: their id, and whether their meeting is now mutual


class Store(Protocol):
    def save(self, rows: list[Row], now: datetime) -> Saved: ...


def store_for(engine: Engine, sessions: Callable[[], Session], per_minute: int) -> Store:
    if engine.dialect.name == "postgresql":
        return PostgresStore(engine, per_minute)
    return PortableStore(sessions, per_minute)


SAVE_BATCH = """
WITH batch AS (
    SELECT * FROM json_to_recordset(%(batch)s::json) AS b(
        ord int, scanner_id text, client_scan_id text, event_id text, meeting_id text, scanned_id text, low_id text,
        high_id text, note text, tags json, scanned_at timestamptz, received_at timestamptz, bus_key text,
        alone text, together text)
), recent AS (
    -- Per scanner through the (scanner_id, received_at) index, whatever the table's statistics say.
    SELECT s.scanner_id, c.n FROM (SELECT DISTINCT scanner_id FROM batch) s, LATERAL (
        SELECT count(*) AS n FROM scans WHERE scans.scanner_id = s.scanner_id AND scans.received_at > %(since)s) c
), allowed AS (
    SELECT * FROM (SELECT b.*, coalesce(r.n, 0) + row_number() OVER (PARTITION BY b.scanner_id ORDER BY b.ord) AS nth
                   FROM batch b LEFT JOIN recent r USING (scanner_id)) ranked
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


class PostgresStore:
    """The batch as one autocommitted statement, on one connection kept by the writer thread."""

    def __init__(self, engine: Engine, per_minute: int):
        self._engine, self._per_minute = engine, per_minute
        self._connection: Connection | None = None

    def save(self, rows: list[Row], now: datetime) -> Saved:
        if self._connection is None:
            self._connection = self._engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        batch = json.dumps([{
            "ord": i, "scanner_id": r.key[0], "client_scan_id": r.key[1], "event_id": r.event_id,
            "meeting_id": r.meeting_id, "scanned_id": r.scanned_id, "low_id": r.low_id, "high_id": r.high_id,
            "note": r.note, "tags": r.tags, "scanned_at": r.scanned_at.isoformat(),
            "received_at": r.received_at.isoformat(), "bus_key": r.bus_key, "alone": r.alone.decode(),
            "together": r.together.decode()} for i, r in enumerate(rows)])
        try:
            result = self._connection.exec_driver_sql(SAVE_BATCH, {
                "batch": batch, "since": now - WINDOW, "per_minute": self._per_minute, "topic": SCANS_TOPIC,
                "now": now}).all()
        except Exception:
            # Whatever broke (the server restarted, the network), start the next batch afresh.
            self._connection.invalidate()
            self._connection.close()
            self._connection = None
            raise
        return Saved(allowed={rows[o].key for o, _, _ in result},
                     fresh={rows[o].key: (scan_id, mutual) for o, scan_id, mutual in result if scan_id is not None})


class PortableStore:
    """The same transaction in four SQLAlchemy Core statements, for SQLite (the one-laptop run)."""

    def __init__(self, sessions: Callable[[], Session], per_minute: int):
        self._sessions, self._per_minute = sessions, per_minute

    def save(self, rows: list[Row], now: datetime) -> Saved:
        scans, meetings = Scan.__table__, Meeting.__table__
        with self._sessions() as session:
            connection = session.connection()
            allowed = self._within_rate(session, rows, now)
            within = [r for r in rows if r.key in allowed]
            inserted = {}
            if within:
                result = connection.execute(upsert_insert(session, scans).on_conflict_do_nothing().returning(
                    scans.c.id, scans.c.scanner_id, scans.c.client_scan_id), [dict(
                        scanner_id=r.key[0], client_scan_id=r.key[1], event_id=r.event_id, meeting_id=r.meeting_id,
                        scanned_id=r.scanned_id, note=r.note, tags=list(r.tags), scanned_at=r.scanned_at,
                        received_at=r.received_at) for r in within])
                inserted = {(row.scanner_id, row.client_scan_id): row.id for row in result}
            fresh = [r for r in within if r.key in inserted]
            pairs: dict[str, dict] = {}
            for r in fresh:
                pair = pairs.setdefault(r.meeting_id, dict(
                    id=r.meeting_id, event_id=r.event_id, low_id=r.low_id, high_id=r.high_id, low_scanned=False,
                    high_scanned=False, first_scanned_at=r.scanned_at))
                pair["low_scanned"] |= r.key[0] == r.low_id
                pair["high_scanned"] |= r.key[0] == r.high_id
                pair["first_scanned_at"] = min(pair["first_scanned_at"], r.scanned_at)
            mutual = {}
            if pairs:
                upsert = upsert_insert(session, meetings)
                result = connection.execute(upsert.on_conflict_do_update(index_elements=["id"], set_={
                    "low_scanned": meetings.c.low_scanned | upsert.excluded.low_scanned,
                    "high_scanned": meetings.c.high_scanned | upsert.excluded.high_scanned,
                }).returning(meetings.c.id, meetings.c.low_scanned, meetings.c.high_scanned), list(pairs.values()))
                mutual = {row.id: bool(row.low_scanned and row.high_scanned) for row in result}
                connection.execute(outbox.insert(), [
                    {"topic": SCANS_TOPIC, "key": r.bus_key, "created_at": now,
                     "value": r.together if mutual[r.meeting_id] else r.alone} for r in fresh])
            session.commit()
        return Saved(allowed=allowed, fresh={r.key: (inserted[r.key], mutual[r.meeting_id]) for r in fresh})

    def _within_rate(self, session: Session, rows: list[Row], now: datetime) -> set[Key]:
        counts = dict(session.execute(sa.select(Scan.scanner_id, sa.func.count()).where(
            Scan.scanner_id.in_({r.key[0] for r in rows}), Scan.received_at > now - WINDOW,
        ).group_by(Scan.scanner_id)).all())
        allowed = set()
        for r in rows:
            counts[r.key[0]] = counts.get(r.key[0], 0) + 1
            if counts[r.key[0]] <= self._per_minute:
                allowed.add(r.key)
        return allowed
