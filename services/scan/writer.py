"""Group commit for scans: many requests, one transaction.

Request threads hand their checked scans to one writer thread per process and wait. The writer
takes everything queued (up to `max_batch`) and writes it in one transaction of four statements,
whatever the batch size: count recent scans per scanner (the rate limit), insert the scans (a
retried client_scan_id conflicts and is answered with the scan saved before), upsert their
meetings (which says who has now scanned whom), and queue their messages in the outbox. Each
request is answered only after the commit, so a 201 always means durably saved.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections import defaultdict
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Callable

import sqlalchemy as sa
from sqlalchemy.orm import Session

from services.scan.domain import ScanError
from services.scan.models import Meeting, Scan
from shared import events as ev
from shared.db import outbox
from shared.envelope import iso, utc_now

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Pending:
    """A scan that passed every check but the rate limit, ready to be written."""

    event_id: str
    meeting_id: str
    scanner_id: str
    scanned_id: str
    client_scan_id: str
    note: str
    tags: tuple[str, ...]
    scanned_at: datetime
    received_at: datetime


@dataclass(frozen=True)
class Written:
    scan_id: int
    meeting_id: str
    scanned_id: str
    note: str
    tags: tuple[str, ...]
    scanned_at: datetime
    mutual: bool
    duplicate: bool


def insert_for(session: Session, table):
    """INSERT ... ON CONFLICT for the session's database (PostgreSQL or SQLite)."""
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(table)


class ScanWriter:
    def __init__(self, session_factory: Callable[[], Session], per_minute: int, max_batch: int = 256):
        self._sessions = session_factory
        self._per_minute = per_minute
        self._max_batch = max_batch
        self._queue: queue.Queue[tuple[Pending, Future]] = queue.Queue()
        self._started = False
        self._lock = threading.Lock()
        self._insert_scans = self._upsert_meeting = None

    def _prepare(self, session: Session) -> None:
        """The two upserts, built once for this database and reused (compiled once)."""
        scans, meetings = Scan.__table__, Meeting.__table__
        insert_scans = insert_for(session, scans).on_conflict_do_nothing(
            index_elements=["scanner_id", "client_scan_id"]).returning(scans.c.id, scans.c.scanner_id,
                                                                        scans.c.client_scan_id)
        upsert = insert_for(session, meetings)
        upsert_meeting = upsert.on_conflict_do_update(index_elements=["id"], set_={
            "low_scanned": meetings.c.low_scanned | upsert.excluded.low_scanned,
            "high_scanned": meetings.c.high_scanned | upsert.excluded.high_scanned,
        }).returning(meetings.c.id, meetings.c.low_scanned, meetings.c.high_scanned)
        self._insert_scans, self._upsert_meeting = insert_scans, upsert_meeting

    def write(self, pending: Pending, timeout: float = 30) -> Written:
        """Durably save one scan (or recognise a retry); ScanError if it is refused."""
        self._start()
        future: Future = Future()
        self._queue.put((pending, future))
        return future.result(timeout)

    def _start(self) -> None:
        # Started on first use, inside the worker process (a thread does not survive a fork).
        if not self._started:
            with self._lock:
                if not self._started:
                    threading.Thread(target=self._run, name="scan-writer", daemon=True).start()
                    self._started = True

    def _run(self) -> None:
        while True:
            batch = [self._queue.get()]
            while len(batch) < self._max_batch:
                try:
                    batch.append(self._queue.get_nowait())
                except queue.Empty:
                    break
            try:
                outcomes = self._write_batch([pending for pending, _ in batch])
            except Exception as exc:  # the database failed: every request in the batch learns it
                log.exception("writing %d scans failed", len(batch))
                for _, future in batch:
                    future.set_exception(exc)
                continue
            for (_, future), outcome in zip(batch, outcomes):
                if isinstance(outcome, Exception):
                    future.set_exception(outcome)
                else:
                    future.set_result(outcome)

    def _write_batch(self, batch: list[Pending]) -> list[Written | ScanError]:
        now = utc_now()
        with self._sessions() as session:
            if self._insert_scans is None:
                self._prepare(session)
            allowed = self._within_rate(session, batch, now)
            rows = [p for p in batch if allowed[id(p)] is None]
            inserted = {}
            if rows:
                # executemany with RETURNING: one compiled statement whatever the batch size.
                result = session.connection().execute(self._insert_scans, [dict(
                    meeting_id=p.meeting_id, event_id=p.event_id, scanner_id=p.scanner_id, scanned_id=p.scanned_id,
                    client_scan_id=p.client_scan_id, note=p.note, tags=list(p.tags), scanned_at=p.scanned_at,
                    received_at=p.received_at) for p in rows])
                inserted = {(r.scanner_id, r.client_scan_id): r.id for r in result}
            fresh = [p for p in rows if (p.scanner_id, p.client_scan_id) in inserted]
            mutual = self._upsert_meetings(session, fresh)
            if fresh:
                session.execute(outbox.insert(), [self._message(p, mutual[p.meeting_id], now) for p in fresh])
            session.commit()
            # Scans seen before, by their scanner and client_scan_id: answer with what was saved then.
            retried = [p for p in rows if (p.scanner_id, p.client_scan_id) not in inserted]
            earlier = self._earlier(session, retried)
        outcomes: list[Written | ScanError] = []
        first_in_batch: set[tuple[str, str]] = set()
        for p in batch:
            key = (p.scanner_id, p.client_scan_id)
            if allowed[id(p)] is not None:
                outcomes.append(allowed[id(p)])
            elif key in inserted:  # new; or the same retry twice in one batch, the second a duplicate
                outcomes.append(Written(inserted[key], p.meeting_id, p.scanned_id, p.note, p.tags, p.scanned_at,
                                        mutual[p.meeting_id], duplicate=key in first_in_batch))
                first_in_batch.add(key)
            else:
                outcomes.append(earlier[key])
        return outcomes

    def _within_rate(self, session: Session, batch: list[Pending], now: datetime) -> dict[int, ScanError | None]:
        scanners = {p.scanner_id for p in batch}
        since = now - timedelta(minutes=1)
        counts = dict(session.execute(sa.select(Scan.scanner_id, sa.func.count()).where(
            Scan.scanner_id.in_(scanners), Scan.received_at > since).group_by(Scan.scanner_id)).all())
        verdict: dict[int, ScanError | None] = {}
        for p in batch:
            counts[p.scanner_id] = counts.get(p.scanner_id, 0) + 1
            if counts[p.scanner_id] > self._per_minute:
                verdict[id(p)] = ScanError(f"at most {self._per_minute} scans a minute: try again shortly",
                                           code="rate_limited", status=429, retry_after=60)
            else:
                verdict[id(p)] = None
        return verdict

    def _upsert_meetings(self, session: Session, fresh: list[Pending]) -> dict[str, bool]:
        """Create or update each meeting once (one row per meeting in the statement); mutual flags."""
        flags: dict[str, dict] = defaultdict(dict)
        for p in fresh:
            low, high = sorted((p.scanner_id, p.scanned_id))
            row = flags[p.meeting_id] or dict(id=p.meeting_id, event_id=p.event_id, low_id=low, high_id=high,
                                             low_scanned=False, high_scanned=False, first_scanned_at=p.scanned_at)
            row["low_scanned"] |= p.scanner_id == low
            row["high_scanned"] |= p.scanner_id == high
            row["first_scanned_at"] = min(row["first_scanned_at"], p.scanned_at)
            flags[p.meeting_id] = row
        if not flags:
            return {}
        result = session.connection().execute(self._upsert_meeting, list(flags.values()))
        return {r.id: bool(r.low_scanned and r.high_scanned) for r in result}

    @staticmethod
    def _message(p: Pending, mutual: bool, now: datetime) -> dict:
        event = ev.ScanRecorded(event_id=p.event_id, meeting_id=p.meeting_id, scanner=p.scanner_id,
                                scanned=p.scanned_id, scanned_at=iso(p.scanned_at), client_scan_id=p.client_scan_id,
                                note=p.note, tags=p.tags, mutual=mutual)
        return {"topic": event.TOPIC, "key": event.key(), "value": ev.to_envelope(event).to_bytes(),
                "created_at": now}

    @staticmethod
    def _earlier(session: Session, retried: list[Pending]) -> dict[tuple[str, str], Written]:
        if not retried:
            return {}
        keys = {(p.scanner_id, p.client_scan_id) for p in retried}
        rows = session.execute(sa.select(Scan, Meeting).join(Meeting, Meeting.id == Scan.meeting_id).where(
            Scan.scanner_id.in_({k[0] for k in keys}), Scan.client_scan_id.in_({k[1] for k in keys}))).all()
        return {(s.scanner_id, s.client_scan_id): Written(s.id, s.meeting_id, s.scanned_id, s.note, tuple(s.tags),
                                                          s.scanned_at, m.mutual, duplicate=True)
                for s, m in rows if (s.scanner_id, s.client_scan_id) in keys}
