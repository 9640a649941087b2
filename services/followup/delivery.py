"""The mail outbox: plan who gets which email, lease rows to a sender, record what happened.

`plan()` turns closed events (at their follow-up time, schedule.py) into one queued "followup"
row per consenting attendee, and sent follow-ups into "nudge-<days>" rows when their day comes;
it also queues each newly registered attendee's "welcome" (plan_welcomes() says when). The unique
(attendee, campaign, resend) key makes planning repeatable at will: a row is created once;
`resend_welcome()` and `welcome_everyone()` add the copies an organizer asks for. The consumer
queues a "signin" row for each sign-in link asked for (`queue_signin()`, once per link id), due at
once and not sent after the link expires.

`claim()` leases due rows to one sender for `lease` seconds; rows whose lease ran out (their
sender died) are due again. `mark_final()` is committed from inside the SMTP transaction, just
before the final dot (see shared/smtp.py); `mark_sent()` only once the server answered 250 after it;
`mark_retry()` defers or fails it when the server refused, `mark_unconfirmed()` when its answer
was lost. Statuses: queued -> sending -> finishing -> sent | deferred (-> sending ...) | failed
| unconfirmed; skipped.
Every outcome also goes to rapport.followups through the service's outbox, in the same commit
(not for sign-in emails: a person's own one-time link, not a campaign the organizers follow).
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import Session

from services.followup.models import Attendee, Delivery, Event
from services.followup.schedule import followup_time
from shared import events as ev
from shared.envelope import iso, parse_iso
from shared.outbox import add_to_outbox

FOLLOWUP = ev.FOLLOWUP_CAMPAIGN
WELCOME = ev.WELCOME_CAMPAIGN
SIGNIN = ev.SIGNIN_CAMPAIGN
# Welcomed on their own only if registered this recently: a read model rebuilt by replaying the
# topics must not welcome again everyone registered months ago.
WELCOME_WINDOW = timedelta(days=2)
# A welcome in one of these is sent, or on its way: "send to everyone not yet sent" skips them
# ("unconfirmed" may be in the inbox already; an organizer can still resend it by hand).
WELCOME_DONE = ("queued", "sending", "finishing", "deferred", "sent", "unconfirmed")

MAX_ATTEMPTS = 8
SETTLE = timedelta(seconds=10)
LATE = timedelta(days=2)


def backoff(attempts: int) -> timedelta:
    """30 s, 1 min, 2 min, ... up to an hour between tries."""
    return timedelta(seconds=min(30 * 2 ** max(attempts - 1, 0), 3600))


@dataclass(frozen=True)
class Claimed:
    id: int
    event_id: str
    attendee_id: str
    campaign: str
    attempts: int
    resend: int = 0
    link_id: str = ""  # a sign-in email's link
    expires_at: datetime | None = None  # not sent after this


def _told(*outcomes: ev.FollowupEvent) -> list[ev.FollowupEvent]:
    """The outcomes that go to rapport.followups: the organizers' campaigns, not sign-in links, and
    their reasons without email addresses (the bus outlives an erasure; the delivery row does not)."""
    return [
        dataclasses.replace(o, reason=without_addresses(o.reason)) if hasattr(o, "reason") else o
        for o in outcomes
        if o.campaign != SIGNIN
    ]


_ADDRESS = re.compile(r"[^\s<>\"'(),;:@]+@[^\s<>\"'(),;]+")


def without_addresses(reason: str) -> str:
    """A mail server's reply often names the recipient ("550 <lina@example.org>: no such user")."""
    return _ADDRESS.sub("<address>", reason)


def plan(
    session: Session,
    now: datetime,
    delay: timedelta | None,
    nudge_days: tuple[int, ...],
    settle: timedelta = SETTLE,
) -> int:
    """Queue every email that is due and not yet queued; how many rows were added.

    An event's follow-ups are due at its follow-up time (schedule.py: the organizer's choice, else
    09:00 the morning after the close), or `delay` after its close when that override is given,
    once its attendees and scans have stopped arriving for `settle` (the consumer reads three
    topics independently and may still be catching up). Attendees who reach the read model after
    that still get theirs, for `LATE` more.
    """
    added = 0
    quiet = sa.or_(Event.changed_at.is_(None), Event.changed_at <= now - settle)
    closed = sa.select(Event).where(Event.closed_at.is_not(None), Event.planned_at.is_(None), quiet)
    if delay is not None:
        due_events = session.scalars(closed.where(Event.closed_at <= now - delay)).all()
    else:  # a handful of closed, unplanned events at any time: their times are worked out here
        due_events = [
            e
            for e in session.scalars(closed.where(Event.closed_at <= now))
            if followup_time(e.closed_at, e.timezone, e.followup_at) <= now
        ]
    for event in due_events:
        event.planned_at = now
    recent = session.scalars(sa.select(Event.id).where(Event.planned_at >= now - LATE, quiet)).all()
    for event_id in recent:
        followed = sa.select(Delivery.id).where(
            Delivery.attendee_id == Attendee.id, Delivery.campaign == FOLLOWUP
        )
        readers = session.scalars(
            sa.select(Attendee.id).where(
                Attendee.event_id == event_id,
                Attendee.consent_followup.is_(True),
                Attendee.unsubscribed_at.is_(None),
                ~followed.exists(),
            )
        ).all()
        added += _queue(session, event_id, readers, FOLLOWUP, now)
    for days in nudge_days:
        campaign = ev.nudge_campaign(days)
        d = sa.orm.aliased(Delivery)
        nudged = sa.select(Delivery.id).where(
            Delivery.attendee_id == d.attendee_id, Delivery.campaign == campaign
        )
        rows = session.execute(
            sa.select(d.event_id, d.attendee_id)
            .join(Attendee, Attendee.id == d.attendee_id)
            .where(
                d.campaign == FOLLOWUP,
                d.status == "sent",
                d.sent_at <= now - timedelta(days=days),
                Attendee.unsubscribed_at.is_(None),
                Attendee.consent_followup.is_(True),
                ~nudged.exists(),
            )
        ).all()
        by_event: dict[str, list[str]] = {}
        for event_id, attendee_id in rows:
            by_event.setdefault(event_id, []).append(attendee_id)
        for event_id, readers in by_event.items():
            added += _queue(session, event_id, readers, campaign, now)
    return added + plan_welcomes(session, now)


def plan_welcomes(session: Session, now: datetime) -> int:
    """Queue the welcome email of every attendee of an open event that welcomes them now and who has
    none yet: at once ("on_registration", registered within WELCOME_WINDOW), or from the event's
    welcome_at on ("scheduled"; people registered later get theirs at once). "off" queues nothing."""
    welcomed = sa.select(Delivery.id).where(Delivery.attendee_id == Attendee.id, Delivery.campaign == WELCOME)
    due = sa.or_(
        sa.and_(Event.welcome == "on_registration", Attendee.registered_at >= now - WELCOME_WINDOW),
        sa.and_(Event.welcome == "scheduled", Event.welcome_at <= now, Attendee.registered_at.is_not(None)),
    )
    rows = session.execute(
        sa.select(Attendee.event_id, Attendee.id)
        .join(Event, Event.id == Attendee.event_id)
        .where(Event.closed_at.is_(None), due, ~welcomed.exists())
    ).all()
    return len(_queue_copies(session, [(event_id, attendee_id, 0) for event_id, attendee_id in rows], now))


def _queue_copies(
    session: Session, items: list[tuple[str, str, int]], now: datetime, campaign: str = WELCOME
) -> list[tuple[str, str]]:
    """Queue rows (event, attendee, resend number) of `campaign`; the (event, attendee) of those added.

    ON CONFLICT DO NOTHING: a planner and an organizer's click (or two senders planning) that
    race for the same row make it once, and neither fails."""
    if not items:
        return []
    table = Delivery.__table__
    # One statement with the rows as parameters: SQLAlchemy sends them in pages of multi-row
    # INSERTs ("insertmanyvalues", within PostgreSQL's 65,535 parameters) from one cached compile;
    # a .values(rows) statement was compiled anew for every page (1.7 s to queue 1,500 rows).
    insert = (
        pg_insert(table)
        .on_conflict_do_nothing(constraint="uq_delivery_campaign")
        .returning(table.c.event_id, table.c.attendee_id)
    )
    added = session.execute(
        insert,
        [
            dict(
                event_id=event_id,
                attendee_id=attendee_id,
                campaign=campaign,
                resend=resend,
                status="queued",
                due_at=now,
                attempts=0,
                last_error="",
                message_id="",
                contacts=0,
                created_at=now,
            )
            for event_id, attendee_id, resend in items
        ],
    ).all()
    if added:
        add_to_outbox(
            session,
            *(
                ev.FollowupQueued(event_id=event_id, attendee_id=attendee_id, campaign=campaign)
                for event_id, attendee_id in added
            ),
        )
    return [tuple(row) for row in added]


def queue_signin(session: Session, request: ev.SigninRequested, now: datetime) -> bool:
    """Queue the email of one sign-in link, due at once; False if this link's is queued already
    (a redelivered signin.requested) or the person was erased. The caller commits."""
    table = Delivery.__table__
    insert = (
        pg_insert(table)
        .values(
            event_id=request.event_id,
            attendee_id=request.attendee_id,
            campaign=SIGNIN,
            resend=0,
            link_id=request.link_id,
            expires_at=parse_iso(request.expires_at),
            status="queued",
            due_at=now,
            attempts=0,
            last_error="",
            message_id="",
            contacts=0,
            created_at=now,
        )
        .on_conflict_do_nothing(constraint="uq_delivery_campaign")
        .returning(table.c.id)
    )
    return session.execute(insert).first() is not None


def _next_copies(session: Session, event_id: str, attendee_ids: list[str]) -> dict[str, int]:
    """The resend number each attendee's next welcome gets (0: their first)."""
    last = dict(
        session.execute(
            sa.select(Delivery.attendee_id, sa.func.max(Delivery.resend))
            .where(
                Delivery.event_id == event_id,
                Delivery.campaign == WELCOME,
                Delivery.attendee_id.in_(attendee_ids),
            )
            .group_by(Delivery.attendee_id)
        ).all()
    )
    return {a: last[a] + 1 if a in last else 0 for a in attendee_ids}


def resend_welcome(session: Session, event_id: str, attendee_id: str, now: datetime) -> bool:
    """Queue one more welcome email for this attendee (the caller commits); False when one is
    already waiting to go (queued, deferred or being sent): a second click sends nothing more."""
    waiting = session.scalar(
        sa.select(sa.func.count())
        .select_from(Delivery)
        .where(
            Delivery.attendee_id == attendee_id,
            Delivery.campaign == WELCOME,
            Delivery.status.in_(("queued", "sending", "finishing", "deferred")),
        )
    )
    if waiting:
        return False
    return bool(
        _queue_copies(
            session,
            [(event_id, attendee_id, _next_copies(session, event_id, [attendee_id])[attendee_id])],
            now,
        )
    )


def welcome_everyone(session: Session, event_id: str, now: datetime) -> int:
    """Queue a welcome for every attendee of the event who has none sent or on its way (never
    had one, or theirs failed or was skipped), whatever the event's setting; how many (the caller commits)."""
    done = sa.select(Delivery.id).where(
        Delivery.attendee_id == Attendee.id, Delivery.campaign == WELCOME, Delivery.status.in_(WELCOME_DONE)
    )
    ids = list(session.scalars(sa.select(Attendee.id).where(Attendee.event_id == event_id, ~done.exists())))
    added = 0
    for start in range(0, len(ids), 500):
        part = ids[start : start + 500]
        copies = _next_copies(session, event_id, part)
        added += len(_queue_copies(session, [(event_id, a, copies[a]) for a in part], now))
    return added


def _queue(session: Session, event_id: str, readers: list[str], campaign: str, now: datetime) -> int:
    existing = set(
        session.scalars(
            sa.select(Delivery.attendee_id).where(
                Delivery.event_id == event_id, Delivery.campaign == campaign
            )
        )
    )
    # Rows already there are skipped here; the constraint keeps any other planner's from being doubled.
    return len(
        _queue_copies(session, [(event_id, r, 0) for r in readers if r not in existing], now, campaign)
    )


def claim(session: Session, now: datetime, limit: int, lease: timedelta) -> list[Claimed]:
    """Lease up to `limit` due rows to the caller (commits), sign-in emails first. A "finishing"
    row whose lease ran out (its sender died between recording the final dot and the server's
    answer) is not due: it becomes "unconfirmed", since its dot may have reached the server."""
    session.execute(
        sa.update(Delivery)
        .where(Delivery.status == "finishing", Delivery.lease_until < now)
        .values(
            status="unconfirmed",
            lease_until=None,
            last_error="the sender stopped after the final dot; whether the server took the email is unknown",
        )
    )
    due = sa.or_(
        sa.and_(Delivery.status.in_(("queued", "deferred")), Delivery.due_at <= now),
        sa.and_(Delivery.status == "sending", Delivery.lease_until < now),
    )
    rows = []
    # Sign-in emails first: a person is waiting for theirs, while an event's ten thousand
    # follow-ups, due a moment earlier, can wait the round or two it takes.
    for campaign in (Delivery.campaign == SIGNIN, Delivery.campaign != SIGNIN):
        if len(rows) < limit:
            query = (
                sa.select(Delivery)
                .where(due, campaign)
                .order_by(Delivery.due_at, Delivery.id)
                .limit(limit - len(rows))
                .with_for_update(skip_locked=True)
            )  # concurrent senders take others
            rows += session.scalars(query).all()
    for row in rows:
        row.status, row.lease_until, row.attempts = "sending", now + lease, row.attempts + 1
    claimed = [
        Claimed(r.id, r.event_id, r.attendee_id, r.campaign, r.attempts, r.resend, r.link_id, r.expires_at)
        for r in rows
    ]
    session.commit()
    return claimed


def mark_final(session: Session, sent: list[tuple[Claimed, str, int]], now: datetime) -> list[bool]:
    """Record that these emails are about to get their final dot: (row, message id, people
    mentioned) each. For each, False if this sender no longer holds the row (another took it over
    when the lease ran out), so it must not be finished. The caller commits, before the dots go
    out (see shared/smtp.py). A "finishing" row is never claimed again: it is sent twice by nobody.

    A window at a time (Core statements, executemany): every connection in it waits on this commit."""
    table = Delivery.__table__
    query = (
        sa.select(table.c.id, table.c.attempts)
        .where(table.c.id.in_([row.id for row, _, _ in sent]), table.c.status == "sending")
        .with_for_update()
    )
    current = dict(session.execute(query).all())
    held = [current.get(row.id) == row.attempts for row, _, _ in sent]
    mine = [item for item, ok in zip(sent, held) if ok]
    if mine:
        session.execute(
            sa.update(table)
            .where(table.c.id == sa.bindparam("row_id"))
            .values(status="finishing", message_id=sa.bindparam("msg_id"), contacts=sa.bindparam("n")),
            [{"row_id": row.id, "msg_id": msg_id, "n": n} for row, msg_id, n in mine],
        )
    return held


def mark_sent(session: Session, rows: list[Claimed], now: datetime) -> None:
    """The server accepted these emails (its reply after the final dot): sent, and said so on
    rapport.followups in the same commit (the caller commits)."""
    if not rows:
        return
    table = Delivery.__table__
    session.execute(
        sa.update(table)
        .where(table.c.id.in_([row.id for row in rows]), table.c.status == "finishing")
        .values(status="sent", sent_at=now, lease_until=None, last_error="")
    )
    add_to_outbox(
        session,
        *_told(
            *(
                ev.FollowupSent(
                    event_id=row.event_id,
                    attendee_id=row.attendee_id,
                    campaign=row.campaign,
                    sent_at=iso(now),
                )
                for row in rows
            )
        ),
    )


def mark_unconfirmed(session: Session, row: Claimed, reason: str) -> None:
    """The final dot went out but the server's answer never came: it may be in the inbox or not.
    Not "sent" (that would be a guess) and not sent again (that could double it). Commits."""
    session.execute(
        sa.update(Delivery)
        .where(Delivery.id == row.id, Delivery.status == "finishing")
        .values(status="unconfirmed", lease_until=None, last_error=reason[:1000])
    )
    session.commit()


def mark_retry(session: Session, row: Claimed, reason: str, now: datetime, *, permanent: bool = False) -> str:
    """The send failed (the server refused it, before or after the final dot, or could not be
    reached): deferred to a later try, or failed after MAX_ATTEMPTS (or at once if permanent)."""
    failed = permanent or row.attempts >= MAX_ATTEMPTS
    session.execute(
        sa.update(Delivery)
        .where(Delivery.id == row.id, Delivery.attempts == row.attempts)
        .values(
            status="failed" if failed else "deferred",
            due_at=now + backoff(row.attempts),
            lease_until=None,
            last_error=reason[:1000],
            sent_at=None,
        )
    )
    outcome = ev.FollowupFailed if failed else ev.FollowupDeferred
    add_to_outbox(
        session,
        *_told(
            outcome(
                event_id=row.event_id,
                attendee_id=row.attendee_id,
                campaign=row.campaign,
                reason=reason[:500],
                attempts=row.attempts,
            )
        ),
    )
    session.commit()
    return "failed" if failed else "deferred"


def mark_skipped(session: Session, row: Claimed, reason: str) -> None:
    """Nothing will be sent for this row (the caller commits)."""
    session.execute(
        sa.update(Delivery)
        .where(Delivery.id == row.id)
        .values(status="skipped", lease_until=None, last_error=reason)
    )
    add_to_outbox(
        session,
        *_told(
            ev.FollowupSkipped(
                event_id=row.event_id, attendee_id=row.attendee_id, campaign=row.campaign, reason=reason
            )
        ),
    )
