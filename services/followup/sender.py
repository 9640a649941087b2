"""`python -m services.followup.sender`: plan due emails and deliver them over SMTP.

Each round plans what is due (delivery.plan), leases a batch of rows, loads every digest the
batch needs in a few queries, composes the emails, and hands them to `connections` threads,
each with its own reused SMTP connection. Consent and unsubscription are checked again here,
at send time. A crash leaves leased rows that another round takes back when the lease ends.
"""

from __future__ import annotations

import argparse
import logging
import queue
import smtplib
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta
from typing import Callable

import sqlalchemy as sa
from sqlalchemy.orm import Session

from services.followup import delivery
from services.followup.compose import Composer, message_id, to_mime
from services.followup.mailer import MAX_PER_CONNECTION, SmtpRefused, SmtpSettings, SmtpTransport
from services.followup.store import attendee_rows, event_info, load_digests, person
from shared.envelope import utc_now

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Outgoing:
    row: delivery.Claimed
    recipient: str
    data: bytes
    message_id: str
    contacts: int


class Sender:
    def __init__(self, sessions: Callable[[], Session], composer: Composer, smtp: SmtpSettings, mail_from: str, *,
                 delay: timedelta = timedelta(0), nudge_days: tuple[int, ...] = (7, 30),
                 settle: timedelta = delivery.SETTLE, lease: timedelta = timedelta(seconds=60), batch: int = 200,
                 connections: int = 4,
                 max_per_connection: int = MAX_PER_CONNECTION):
        self.sessions, self.composer, self.mail_from = sessions, composer, mail_from
        self.delay, self.nudge_days, self.settle, self.lease, self.batch = delay, nudge_days, settle, lease, batch
        self._local = threading.local()
        self._transports: list[SmtpTransport] = []
        self._transports_lock = threading.Lock()
        self._smtp, self._max_per_connection = smtp, max_per_connection
        self._pool = ThreadPoolExecutor(connections, thread_name_prefix="smtp")
        self._recorder = SentRecorder(sessions)

    def run_once(self) -> dict[str, int]:
        """One round: plan, claim a batch, send it. Counts of each outcome."""
        now = utc_now()
        with self.sessions() as session:
            delivery.plan(session, now, self.delay, self.nudge_days, self.settle)
            session.commit()
        with self.sessions() as session:
            claimed = delivery.claim(session, now, self.batch, self.lease)
        if not claimed:
            return {}
        readers, digests, events = self._load(claimed)
        outcomes: dict[str, int] = {}
        sending, skipped = [], []
        # Each email goes to the SMTP threads as soon as it is composed, so composing the next one
        # overlaps with the network round trips of the last.
        for row in claimed:
            reader = readers.get(row.attendee_id)
            reason = skip_reason(reader)
            composed = None
            if reason is None:
                composed = self.composer.compose(events[row.event_id], digests[row.attendee_id], row.campaign)
                reason = None if composed else "nothing to say"
            if reason:
                skipped.append((row, reason))
                continue
            msg_id = message_id(row.campaign, row.attendee_id, self.mail_from)
            data = to_mime(composed, person(reader), self.mail_from, msg_id)
            sending.append(self._pool.submit(self._deliver, Outgoing(row, reader.email, data, msg_id,
                                                                     composed.contacts)))
        if skipped:
            with self.sessions() as session:
                for row, reason in skipped:
                    delivery.mark_skipped(session, row, reason)
                session.commit()
            outcomes["skipped"] = len(skipped)
        for future in sending:
            outcome = future.result()
            outcomes[outcome] = outcomes.get(outcome, 0) + 1
        return outcomes

    def _load(self, claimed: list[delivery.Claimed]):
        """Everything the batch's emails need, read in one short transaction (no lock held while
        composing and sending)."""
        with self.sessions() as session:
            readers = attendee_rows(session, [c.attendee_id for c in claimed])
            digests = load_digests(session, readers.values())
            events = {e: event_info(session, e) for e in {c.event_id for c in claimed}}
        return readers, digests, events

    def _transport(self) -> SmtpTransport:
        transport = getattr(self._local, "transport", None)
        if transport is None:
            transport = self._local.transport = SmtpTransport(self._smtp, max_per_connection=self._max_per_connection)
            with self._transports_lock:
                self._transports.append(transport)
        return transport

    def _deliver(self, out: Outgoing) -> str:
        recorded = []

        def commit() -> None:
            if not self._recorder.record(out):
                raise LeaseLost(out.row.id)
            recorded.append(True)

        try:
            self._transport().send(self.mail_from, out.recipient, out.data, commit)
            return "sent"
        except LeaseLost:
            return "lease lost"
        except SmtpRefused as refused:
            log.warning("%s refused for %s: %s", out.row.campaign, out.row.attendee_id, refused)
            with self.sessions() as session:
                return delivery.mark_retry(session, out.row, str(refused), utc_now(), permanent=refused.permanent)
        except (OSError, smtplib.SMTPException, sa.exc.SQLAlchemyError) as exc:
            if recorded:  # the server went away after the message was final: it stands as sent
                log.warning("connection lost after sending %s to %s: %s", out.row.campaign, out.row.attendee_id, exc)
                return "sent"
            log.warning("could not send %s to %s: %s", out.row.campaign, out.row.attendee_id, exc)
            with self.sessions() as session:
                return delivery.mark_retry(session, out.row, f"{type(exc).__name__}: {exc}", utc_now())

    @property
    def connections_opened(self) -> int:
        return sum(t.connections_opened for t in self._transports)

    def close(self) -> None:
        self._pool.shutdown(wait=True)
        for transport in self._transports:
            transport.close()


class SentRecorder:
    """Group commit for "sent" marks: the sending threads each wait for their mark to be durable
    before the final dot (mailer.py), and one writer thread commits every mark waiting at that
    moment in one transaction. One commit per batch instead of per email, and no SQLite writers
    sleeping in each other's busy-timeout backoff."""

    def __init__(self, sessions: Callable[[], Session]):
        self._sessions = sessions
        self._queue: queue.Queue[tuple[Outgoing, Future]] = queue.Queue()
        threading.Thread(target=self._run, name="sent-recorder", daemon=True).start()

    def record(self, out: Outgoing) -> bool:
        """True once the mark is committed; False if another sender holds the row now."""
        future: Future = Future()
        self._queue.put((out, future))
        return future.result()

    def _run(self) -> None:
        while True:
            batch = [self._queue.get()]
            while True:
                try:
                    batch.append(self._queue.get_nowait())
                except queue.Empty:
                    break
            try:
                with self._sessions() as session:
                    held = delivery.mark_sent(session, [(out.row, out.message_id, out.contacts) for out, _ in batch],
                                              utc_now())
                    session.commit()
            except Exception as exc:  # the database failed: no message in the batch may be finished
                for _, future in batch:
                    future.set_exception(exc)
                continue
            for (_, future), ok in zip(batch, held):
                future.set_result(ok)


class LeaseLost(Exception):
    """Another sender took this row over (our lease ran out): do not send it."""


def skip_reason(reader) -> str | None:
    """Consent as of now, checked at send time."""
    if reader is None:
        return "attendee erased"
    if reader.unsubscribed_at is not None:
        return "unsubscribed"
    if not reader.consent_followup:
        return "no consent"
    return None


def main() -> None:
    from services.followup import FollowupService, MIGRATIONS
    from shared.config import Settings
    from shared.db import migrate
    from shared.process import setup_logging, stop_on_signals

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lease", type=float, default=60, help="seconds a sender holds a batch before others may take it")
    parser.add_argument("--settle", type=float, default=delivery.SETTLE.total_seconds(),
                        help="seconds an event's attendees and scans must be quiet before its emails are planned")
    parser.add_argument("--connections", type=int, default=4, help="SMTP connections (sending threads)")
    parser.add_argument("--idle", type=float, default=1.0, help="seconds between rounds when nothing is due")
    args = parser.parse_args()
    settings = Settings.from_env()
    setup_logging(settings.log_level)
    service = FollowupService(settings)
    migrate(service.engine, MIGRATIONS)
    sender = Sender(service.sessions, service.composer, SmtpSettings.from_url(settings.smtp_url), settings.mail_from,
                    delay=timedelta(seconds=settings.followup_delay), nudge_days=settings.nudge_days,
                    settle=timedelta(seconds=args.settle), lease=timedelta(seconds=args.lease),
                    connections=args.connections)
    stop = stop_on_signals()
    log.info("follow-up sender delivering to %s", settings.smtp_url.split("@")[-1])
    while not stop.is_set():
        try:
            outcomes = sender.run_once()
        except sa.exc.OperationalError as exc:
            log.warning("database unavailable, sender waits: %s", exc)
            stop.wait(args.idle)
            continue
        if outcomes:
            log.info("round: %s", outcomes)
        else:
            stop.wait(args.idle)
    sender.close()


if __name__ == "__main__":
    main()
