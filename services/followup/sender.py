"""`python -m services.followup.sender`: plan due emails and deliver them over SMTP.

Each round plans what is due (delivery.plan), leases a batch of rows, loads every digest the
batch needs in a few queries, composes the emails, and hands them to `connections` threads,
each with its own reused SMTP connection. Consent and unsubscription are checked again here,
at send time. A crash leaves leased rows that another round takes back when the lease ends.
"""

from __future__ import annotations

import argparse
import logging
import smtplib
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta
from typing import Callable

import sqlalchemy as sa
from sqlalchemy.orm import Session

from services.followup import delivery
from services.followup.compose import Composer, message_id, to_mime
from services.followup.mailer import SmtpRefused, SmtpSettings, SmtpTransport
from services.followup.models import Attendee
from services.followup.store import event_info, load_digests, person
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
                 lease: timedelta = timedelta(seconds=60), batch: int = 200, connections: int = 4):
        self.sessions, self.composer, self.mail_from = sessions, composer, mail_from
        self.delay, self.nudge_days, self.lease, self.batch = delay, nudge_days, lease, batch
        self._local = threading.local()
        self._transports: list[SmtpTransport] = []
        self._transports_lock = threading.Lock()
        self._smtp = smtp
        self._pool = ThreadPoolExecutor(connections, thread_name_prefix="smtp")

    def run_once(self) -> dict[str, int]:
        """One round: plan, claim a batch, send it. Counts of each outcome."""
        now = utc_now()
        with self.sessions() as session:
            delivery.plan(session, now, self.delay, self.nudge_days)
            session.commit()
        with self.sessions() as session:
            claimed = delivery.claim(session, now, self.batch, self.lease)
        if not claimed:
            return {}
        outgoing, outcomes = self._compose(claimed)
        for outcome in self._pool.map(self._deliver, outgoing):
            outcomes[outcome] = outcomes.get(outcome, 0) + 1
        return outcomes

    def _compose(self, claimed: list[delivery.Claimed]) -> tuple[list[Outgoing], dict[str, int]]:
        outcomes: dict[str, int] = {}
        outgoing: list[Outgoing] = []
        with self.sessions() as session:
            readers = {a.id: a for a in session.scalars(sa.select(Attendee).where(
                Attendee.id.in_([c.attendee_id for c in claimed])))}
            digests = load_digests(session, readers.values())
            events = {e: event_info(session, e) for e in {c.event_id for c in claimed}}
            for row in claimed:
                reader = readers.get(row.attendee_id)
                reason = skip_reason(reader)
                composed = None
                if reason is None:
                    composed = self.composer.compose(events[row.event_id], digests[row.attendee_id], row.campaign)
                    reason = None if composed else "nothing to say"
                if reason:
                    delivery.mark_skipped(session, row, reason)
                    outcomes["skipped"] = outcomes.get("skipped", 0) + 1
                    continue
                msg_id = message_id(row.campaign, row.attendee_id, self.mail_from)
                mime = to_mime(composed, person(reader), self.mail_from, msg_id)
                outgoing.append(Outgoing(row, reader.email, mime.as_bytes(), msg_id, composed.contacts))
        return outgoing, outcomes

    def _transport(self) -> SmtpTransport:
        transport = getattr(self._local, "transport", None)
        if transport is None:
            transport = self._local.transport = SmtpTransport(self._smtp)
            with self._transports_lock:
                self._transports.append(transport)
        return transport

    def _deliver(self, out: Outgoing) -> str:
        recorded = []

        def commit() -> None:
            with self.sessions() as session:
                if not delivery.mark_sent(session, out.row, out.message_id, out.contacts, utc_now()):
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
        except (OSError, smtplib.SMTPException) as exc:
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


class LeaseLost(Exception):
    """Another sender took this row over (our lease ran out): do not send it."""


def skip_reason(reader: Attendee | None) -> str | None:
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
    parser.add_argument("--connections", type=int, default=4, help="SMTP connections (sending threads)")
    parser.add_argument("--idle", type=float, default=1.0, help="seconds between rounds when nothing is due")
    args = parser.parse_args()
    settings = Settings.from_env()
    setup_logging(settings.log_level)
    service = FollowupService(settings)
    migrate(service.engine, MIGRATIONS)
    sender = Sender(service.sessions, service.composer, SmtpSettings.from_url(settings.smtp_url), settings.mail_from,
                    delay=timedelta(seconds=settings.followup_delay), nudge_days=settings.nudge_days,
                    lease=timedelta(seconds=args.lease), connections=args.connections)
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
