"""Group commit for scans: many requests, one transaction.

Request threads hand their checked scans to one writer thread per process and wait. The writer
takes everything queued (up to `max_batch`) and saves it in one transaction (batches.py: one
statement on PostgreSQL) that applies the rate limit, inserts the scans, upserts their meetings
and queues their bus messages in the outbox. Each request is answered only after the commit, so
a 201 always means durably saved. A retried client_scan_id is answered with the scan saved
before, whether that was in an earlier batch or earlier in the same one.

What can be done per scan without the database (rendering its bus message, ordering the pair)
is done in the request thread, before queueing: the writer thread is the one serial step.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field, replace
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from services.scan.batches import BatchStore, Key, Row, Saved
from services.scan.domain import ScanError
from services.scan.models import Meeting, Scan
from shared import events as ev
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
    # The two people's data keys (None: registered before sealing): the note and tags go on the
    # bus sealed under both, so erasing either one makes them unreadable (shared.sealing).
    scanner_key: bytes | None = field(default=None, repr=False)
    scanned_key: bytes | None = field(default=None, repr=False)


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


def prepare(p: Pending) -> Row:
    """The row a store writes for `p`, with its bus message rendered both ways (same message id)."""
    event = ev.ScanRecorded(
        event_id=p.event_id,
        meeting_id=p.meeting_id,
        scanner=p.scanner_id,
        scanned=p.scanned_id,
        scanned_at=iso(p.scanned_at),
        client_scan_id=p.client_scan_id,
        note=p.note,
        tags=p.tags,
        mutual=False,
    )
    keys = {p.scanner_id: p.scanner_key, p.scanned_id: p.scanned_key}
    alone = ev.to_envelope(event, occurred_at=iso(p.received_at), keys=keys)
    together = replace(alone, data={**alone.data, "mutual": True})  # "mutual" is outside the seal
    low, high = sorted((p.scanner_id, p.scanned_id))
    return Row(
        key=(p.scanner_id, p.client_scan_id),
        event_id=p.event_id,
        meeting_id=p.meeting_id,
        scanned_id=p.scanned_id,
        low_id=low,
        high_id=high,
        note=p.note,
        tags=p.tags,
        scanned_at=p.scanned_at,
        received_at=p.received_at,
        bus_key=event.key(),
        alone=alone.to_bytes(),
        together=together.to_bytes(),
    )


class ScanWriter:
    def __init__(
        self, engine: Engine, session_factory: Callable[[], Session], per_minute: int, max_batch: int = 256
    ):
        self._sessions = session_factory
        self._store = BatchStore(engine, per_minute)
        self._per_minute = per_minute
        self._max_batch = max_batch
        self._queue: queue.Queue[tuple[Row, Future]] = queue.Queue()
        self._started = False
        self._lock = threading.Lock()

    def write(self, pending: Pending, timeout: float = 30) -> Written:
        """Durably save one scan (or recognise a retry); ScanError if it is refused."""
        self._start()
        future: Future = Future()
        self._queue.put((prepare(pending), future))
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
                outcomes = self._write_rows([row for row, _ in batch])
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

    def write_together(self, scans: list[Pending]) -> list[Written | ScanError]:
        """Save `scans` in one transaction in this thread, as the writer does a batch; each one's answer."""
        return self._write_rows([prepare(p) for p in scans])

    def _write_rows(self, batch: list[Row]) -> list[Written | ScanError]:
        first: dict[Key, Row] = {}
        for row in batch:  # the same retry twice in one batch is written once
            first.setdefault(row.key, row)
        saved: Saved = self._store.save(list(first.values()), utc_now())
        # Scans seen before, by their scanner and client_scan_id: answer with what was saved then.
        earlier = self._earlier([key for key in first if key in saved.allowed and key not in saved.fresh])
        outcomes: list[Written | ScanError] = []
        answered: set[Key] = set()
        for row in batch:
            if row.key not in saved.allowed:
                outcomes.append(
                    ScanError(
                        f"at most {self._per_minute} scans a minute: try again shortly",
                        code="rate_limited",
                        status=429,
                        retry_after=60,
                    )
                )
            elif row.key in saved.fresh:
                scan_id, mutual = saved.fresh[row.key]
                saved_row = first[row.key]
                outcomes.append(
                    Written(
                        scan_id,
                        saved_row.meeting_id,
                        saved_row.scanned_id,
                        saved_row.note,
                        saved_row.tags,
                        saved_row.scanned_at,
                        mutual,
                        duplicate=row.key in answered,
                    )
                )
                answered.add(row.key)
            else:
                outcomes.append(earlier[row.key])
        return outcomes

    def _earlier(self, keys: list[Key]) -> dict[Key, Written]:
        if not keys:
            return {}
        wanted = set(keys)
        with self._sessions() as session:
            rows = session.execute(
                sa.select(Scan, Meeting)
                .join(Meeting, Meeting.id == Scan.meeting_id)
                .where(
                    Scan.scanner_id.in_({k[0] for k in wanted}),
                    Scan.client_scan_id.in_({k[1] for k in wanted}),
                )
            ).all()
        return {
            (s.scanner_id, s.client_scan_id): Written(
                s.id,
                s.meeting_id,
                s.scanned_id,
                s.note,
                tuple(s.tags),
                s.scanned_at,
                m.mutual,
                duplicate=True,
            )
            for s, m in rows
            if (s.scanner_id, s.client_scan_id) in wanted
        }
