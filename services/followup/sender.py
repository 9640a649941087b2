"""`python -m services.followup.sender`: plan due emails and deliver them over SMTP.

Each round plans what is due (delivery.plan), leases a batch of rows, loads every digest the
batch needs in a few queries, composes the emails, and sends them over reused SMTP connections,
several at once. Consent and unsubscription are checked again here, at send time (not for the
welcome and sign-in emails: the attendee's own badge and links, which they need whatever they
chose about the follow-up; a sign-in link that expired before it could be sent is skipped). A crash
leaves leased rows that another round (or another sender) takes back when the lease ends.
Run several senders for more throughput: leases keep them off each other's rows.
"""

from __future__ import annotations

import argparse
import gc
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from email.utils import parseaddr

import sqlalchemy as sa
from sqlalchemy.orm import Session

from services.followup import delivery
from services.followup.compose import Composer, EventInfo, message_id, to_mime
from services.followup.headers import HeaderRefused
from services.followup.store import attendee_rows, event_info, load_digests, person
from shared.envelope import utc_now
from shared.events import SIGNIN_CAMPAIGN as SIGNIN
from shared.events import WELCOME_CAMPAIGN as WELCOME
from shared.smtp import (
    MAX_PER_CONNECTION,
    NotSent,
    SentButUnconfirmed,
    SmtpRefused,
    SmtpSettings,
    SmtpTransport,
    send_together,
)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Outgoing:
    row: delivery.Claimed
    recipient: str
    data: bytes
    message_id: str
    contacts: int


class Sender:
    """Plans, composes and delivers, in one thread: a round composes its batch, then sends it a
    window at a time, one message on each of `connections` SMTP connections, their round trips
    overlapping (shared.smtp.send_together) and their "sent" marks committed together."""

    def __init__(
        self,
        sessions: Callable[[], Session],
        composer: Composer,
        smtp: SmtpSettings,
        mail_from: str,
        *,
        delay: timedelta | None = timedelta(0),
        nudge_days: tuple[int, ...] = (7, 30),
        settle: timedelta = delivery.SETTLE,
        lease: timedelta = timedelta(seconds=60),
        batch: int = 200,
        connections: int = 16,
        max_per_connection: int = MAX_PER_CONNECTION,
        plan_every: float = 5.0,
        plan_idle_every: float = 0.0,
        best_matches=None,
    ):
        self.sessions, self.composer, self.mail_from = sessions, composer, mail_from
        self.best_matches = best_matches  # bestmatches.BestMatches: who someone who met nobody should meet
        # While batches keep coming, planning (an anti-join over each recent event's attendees)
        # runs every `plan_every` seconds, not before every batch; while nothing is due, every
        # `plan_idle_every` seconds (0: every idle round), however often the sender looks for due
        # rows: a sign-in email is queued by the consumer, not the planner, and idle rounds must
        # stay cheap to run often.
        self.plan_every, self.plan_idle_every = plan_every, plan_idle_every
        self._planned_at, self._idle = float("-inf"), True
        self.envelope_from = parseaddr(mail_from)[1]
        self.delay, self.nudge_days, self.settle, self.lease, self.batch = (
            delay,
            nudge_days,
            settle,
            lease,
            batch,
        )
        self._transports = [
            SmtpTransport(smtp, max_per_connection=max_per_connection) for _ in range(connections)
        ]

    def run_once(self) -> dict[str, int]:
        """One round: plan, claim a batch, send it. Counts of each outcome."""
        now = utc_now()
        if time.monotonic() - self._planned_at >= (self.plan_idle_every if self._idle else self.plan_every):
            with self.sessions() as session:
                delivery.plan(session, now, self.delay, self.nudge_days, self.settle)
                session.commit()
            self._planned_at = time.monotonic()
        with self.sessions() as session:
            claimed = delivery.claim(session, now, self.batch, self.lease)
        self._idle = not claimed
        if not claimed:
            return {}
        outgoing, skipped = self._compose(claimed)
        outcomes: dict[str, int] = {}
        if skipped:
            with self.sessions() as session:
                for row, reason in skipped:
                    delivery.mark_skipped(session, row, reason)
                session.commit()
            outcomes["skipped"] = len(skipped)
        width = len(self._transports)
        for start in range(0, len(outgoing), width):
            for outcome in self._deliver(outgoing[start : start + width]):
                outcomes[outcome] = outcomes.get(outcome, 0) + 1
        return outcomes

    def _compose(
        self, claimed: list[delivery.Claimed]
    ) -> tuple[list[Outgoing], list[tuple[delivery.Claimed, str]]]:
        """The batch's emails, from data read in one short transaction; consent as of now."""
        with self.sessions() as session:
            readers = attendee_rows(session, [c.attendee_id for c in claimed])
            digested = [
                readers[c.attendee_id]
                for c in claimed
                if c.campaign not in (WELCOME, SIGNIN) and c.attendee_id in readers
            ]
            digests = load_digests(session, digested, self.best_matches)
            events = {e: event_info(session, e) or EventInfo(e, "") for e in {c.event_id for c in claimed}}
        outgoing, skipped, refusals = [], [], []
        now = utc_now()
        for row in claimed:
            reader = readers.get(row.attendee_id)
            composed = None
            if row.campaign == SIGNIN:  # they asked for it: sent whatever their follow-up consent
                reason = (
                    "attendee erased"
                    if reader is None
                    else (
                        "the sign-in link expired before it could be sent" if row.expires_at <= now else None
                    )
                )
                if reason is None:
                    composed = self.composer.signin(
                        events[row.event_id], reader, row.link_id, row.expires_at, now
                    )
            elif row.campaign == WELCOME:  # their own badge and link: sent whatever their follow-up consent
                reason = "attendee erased" if reader is None else None
                if reason is None:
                    composed = self.composer.welcome(events[row.event_id], reader)
            else:
                reason = skip_reason(reader)
                if reason is None:
                    composed = self.composer.compose(
                        events[row.event_id], digests[row.attendee_id], row.campaign
                    )
                    reason = None if composed else "nothing to say"
            if reason:
                skipped.append((row, reason))
                continue
            msg_id = message_id(row.campaign, row.attendee_id, self.mail_from, row.resend, row.link_id)
            try:
                data = to_mime(
                    composed,
                    person(reader),
                    self.mail_from,
                    msg_id,
                    campaign=row.campaign,
                    event=events[row.event_id],
                )
            except HeaderRefused as refused:  # an address we cannot write safely: it fails, nothing is sent
                refusals.append((row, f"refused: {refused}"))
                continue
            outgoing.append(Outgoing(row, reader.email, data, msg_id, composed.contacts))
        for row, reason in refusals:
            log.warning("%s for %s not sent: %s", row.campaign, row.attendee_id, reason)
            with self.sessions() as session:
                delivery.mark_retry(session, row, reason, utc_now(), permanent=True)
        return outgoing, skipped

    def _deliver(self, window: list[Outgoing]) -> list[str]:
        def commit(ready: list[int]) -> list[bool]:
            with self.sessions() as session:
                held = delivery.mark_final(
                    session,
                    [(window[i].row, window[i].message_id, window[i].contacts) for i in ready],
                    utc_now(),
                )
                session.commit()
            return held

        try:
            results = send_together(
                self._transports[: len(window)],
                [(self.envelope_from, out.recipient, out.data) for out in window],
                commit,
            )
        except sa.exc.SQLAlchemyError as exc:  # nothing was finished: the rows go out again after their lease
            log.warning("could not record a round of %d emails, none sent: %s", len(window), exc)
            return ["deferred"] * len(window)
        accepted = [out.row for out, result in zip(window, results) if result is None]
        try:
            with self.sessions() as session:
                delivery.mark_sent(session, accepted, utc_now())
                session.commit()
        except sa.exc.SQLAlchemyError as exc:  # delivered, not recorded: "unconfirmed" after the lease
            log.warning("%d emails accepted by the server but not recorded as sent: %s", len(accepted), exc)
        return [self._outcome(out, result) for out, result in zip(window, results)]

    def _outcome(self, out: Outgoing, result) -> str:
        if result is None:
            return "sent"
        if isinstance(result, NotSent):
            return "lease lost"
        if isinstance(result, SentButUnconfirmed):  # the dot went out, the answer did not come back
            log.warning("no answer after sending %s to %s: %s", out.row.campaign, out.row.attendee_id, result)
            with self.sessions() as session:
                delivery.mark_unconfirmed(session, out.row, f"no answer after the final dot: {result}")
            return "unconfirmed"
        permanent = isinstance(result, SmtpRefused) and result.permanent
        reason = str(result) if isinstance(result, SmtpRefused) else f"{type(result).__name__}: {result}"
        log.warning("%s for %s not sent: %s", out.row.campaign, out.row.attendee_id, reason)
        with self.sessions() as session:
            return delivery.mark_retry(session, out.row, reason, utc_now(), permanent=permanent)

    @property
    def connections_opened(self) -> int:
        return sum(t.connections_opened for t in self._transports)

    def close(self) -> None:
        for transport in self._transports:
            transport.close()


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
    from services.followup import MIGRATIONS, FollowupService
    from shared.config import Settings
    from shared.db import migrate
    from shared.process import setup_logging, stop_on_signals

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--lease", type=float, default=60, help="seconds a sender holds a batch before others may take it"
    )
    parser.add_argument(
        "--settle",
        type=float,
        default=delivery.SETTLE.total_seconds(),
        help="seconds an event's attendees and scans must be quiet before its emails are planned",
    )
    parser.add_argument(
        "--connections",
        type=int,
        default=16,
        help="SMTP connections used together (one commit covers a message on each)",
    )
    # 0.25 s: a sign-in email goes out within about a second of its request (a person is waiting
    # with the phone in hand); an idle round is one claim query, planning runs once a second.
    parser.add_argument("--idle", type=float, default=0.25, help="seconds between rounds when nothing is due")
    args = parser.parse_args()
    settings = Settings.from_env()
    setup_logging(settings.log_level)
    service = FollowupService(settings)
    migrate(service.engine, MIGRATIONS)
    sender = Sender(
        service.sessions,
        service.composer,
        SmtpSettings.from_url(settings.smtp_url),
        settings.mail_from,
        delay=None if settings.followup_delay is None else timedelta(seconds=settings.followup_delay),
        nudge_days=settings.nudge_days,
        settle=timedelta(seconds=args.settle),
        lease=timedelta(seconds=args.lease),
        connections=args.connections,
        plan_idle_every=1.0,
        best_matches=service.best_matches,
    )
    stop = stop_on_signals()
    # Modules, templates and settings live as long as the process: keep them out of the cyclic
    # collector's full passes, which otherwise re-walk them while composing (~5% of the time).
    gc.collect()
    gc.freeze()
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
