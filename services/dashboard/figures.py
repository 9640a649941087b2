"""What the organizer sees, read from the read model: figures, the live changes, the graph.

Every query here reads kept counts or walks an index for one event: none counts all meetings.
Totals come from the ten-minute buckets, people's figures from one pass over the event's
attendees, and the live view's changes from the rows stamped after the version it last saw.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from services.dashboard.handlers import BUCKET_MINUTES, fold
from services.dashboard.models import (
    Attendee,
    AttendeeInterest,
    Event,
    FollowedUp,
    Followup,
    Meeting,
    MeetingBucket,
)
from shared.envelope import iso
from shared.events import FOLLOWUP_CAMPAIGN, nudge_days

ACTIVE = timedelta(minutes=10)  # a scanner who scanned within this long is active
TOP, UNMET = 10, 30
CONNECTORS = 100  # the best connected, whose interests are looked at first for introductions
DELIVERY = ("queued", "deferred", "sent", "failed", "skipped")  # what the follow-up service says of each mail
GRAPH_NODES = 2000  # more than this and a force layout stops being readable: the most connected are shown
MAX_CHANGES = 5000  # a poll further behind than this reloads the graph instead
MAX_FILLED_BUCKETS = 7 * 24 * 60 // BUCKET_MINUTES  # gaps are filled with zeros up to a week


def stats(session: Session, event: Event, now: datetime) -> dict:
    """The event's figures (GET /v1/events/{id}/stats); the same on every backend."""
    buckets = session.execute(
        sa.select(MeetingBucket.starts_at, MeetingBucket.meetings, MeetingBucket.mutual)
        .where(MeetingBucket.event_id == event.id)
        .order_by(MeetingBucket.starts_at)
    ).all()
    meetings, mutual = sum(b.meetings for b in buckets), sum(b.mutual for b in buckets)
    people = session.execute(
        sa.select(
            sa.func.count(),
            sa.func.coalesce(sa.func.sum(sa.case((Attendee.meetings == 0, 1), else_=0)), 0),
            sa.func.count(Attendee.last_scan_at),
            sa.func.coalesce(sa.func.sum(sa.case((Attendee.last_scan_at >= now - ACTIVE, 1), else_=0)), 0),
        ).where(Attendee.event_id == event.id, Attendee.registered)
    ).one()
    return {
        "event_id": event.id,
        "name": event.name,
        "status": "closed" if event.closed_at else "open",
        "version": event.version,
        "attendees": people[0],
        "met_someone": people[0] - people[1],
        "met_nobody": people[1],
        "scanners": people[2],
        "active_scanners": people[3],
        "meetings": meetings,
        "mutual_meetings": mutual,
        "mutual_share": round(mutual / meetings, 4) if meetings else 0,
        "per_10_minutes": _filled(buckets),
        "top_connectors": top_connectors(session, event.id),
        "followups": followup_summary(session, event.id),
    }


def _filled(buckets) -> list[dict]:
    """Buckets in time order, with the quiet ten minutes between them as zeros (a readable chart)."""
    rows = {b.starts_at: b for b in buckets if b.meetings}  # a bucket emptied by a late scan or an erasure
    moments = list(rows)
    if moments and (moments[-1] - moments[0]) / timedelta(minutes=BUCKET_MINUTES) <= MAX_FILLED_BUCKETS:
        step, moment, moments = timedelta(minutes=BUCKET_MINUTES), moments[0], []
        while moment <= max(rows):
            moments.append(moment)
            moment += step
    return [
        {
            "starts_at": iso(m),
            "meetings": rows[m].meetings if m in rows else 0,
            "mutual": rows[m].mutual if m in rows else 0,
        }
        for m in moments
    ]


def top_connectors(session: Session, event_id: str, limit: int = TOP) -> list[dict]:
    rows = session.execute(
        sa.select(Attendee.id, Attendee.name, Attendee.company, Attendee.meetings)
        .where(Attendee.event_id == event_id, Attendee.registered, Attendee.meetings > 0)
        .order_by(Attendee.meetings.desc(), Attendee.id)
        .limit(limit)
    )
    return [{"id": r.id, "name": r.name, "company": r.company, "meetings": r.meetings} for r in rows]


def followup_summary(session: Session, event_id: str) -> dict:
    """Delivery statuses over all campaigns, people who unsubscribed, and per campaign ("followup",
    "nudge-7", ...) its statuses and its "followed up" clicks."""
    blank = lambda: dict.fromkeys(DELIVERY + ("followed_up", "people_following_up"), 0)  # noqa: E731
    by_campaign: dict[str, dict] = {}
    unsubscribed = 0
    for campaign, status, count in session.execute(
        sa.select(Followup.campaign, Followup.status, sa.func.count())
        .where(Followup.event_id == event_id)
        .group_by(Followup.campaign, Followup.status)
    ):
        if status == "unsubscribed":  # about the person, not one mail (the campaign says "all")
            unsubscribed += count
        else:
            by_campaign.setdefault(campaign, blank())[status] = count
    for campaign, clicks, people in session.execute(
        sa.select(FollowedUp.campaign, sa.func.count(), sa.func.count(sa.distinct(FollowedUp.attendee_id)))
        .where(FollowedUp.event_id == event_id)
        .group_by(FollowedUp.campaign)
    ):
        by_campaign.setdefault(campaign, blank()).update(followed_up=clicks, people_following_up=people)
    summary = {status: sum(c[status] for c in by_campaign.values()) for status in DELIVERY}
    # The follow-up first, then the nudges by day.
    order = lambda c: (c != FOLLOWUP_CAMPAIGN, nudge_days(c) or 0, c)  # noqa: E731
    return {
        "summary": {**summary, "unsubscribed": unsubscribed},
        "followed_up": sum(c["followed_up"] for c in by_campaign.values()),
        "by_campaign": {campaign: by_campaign[campaign] for campaign in sorted(by_campaign, key=order)},
    }


def unmet(session: Session, event_id: str, limit: int = UNMET) -> list[dict]:
    """People who have met nobody yet (by name), each with someone to introduce them to: the
    best-connected attendee who shares one of their interests (they will happily introduce them on)."""
    people = session.scalars(
        sa.select(Attendee)
        .where(Attendee.event_id == event_id, Attendee.registered, Attendee.meetings == 0)
        .order_by(Attendee.name, Attendee.id)
        .limit(limit)
    ).all()
    mine = {p.id: [fold(i) for i in p.interests if i.strip()] for p in people}
    candidates = _sharing(session, event_id, {i for interests in mine.values() for i in interests})
    return [
        {
            "id": p.id,
            "name": p.name,
            "company": p.company,
            "headline": p.headline,
            "interests": p.interests,
            "introduce_to": _introduction(p.id, mine[p.id], candidates),
        }
        for p in people
    ]


def _sharing(session: Session, event_id: str, interests: set[str]) -> dict[str, list]:
    """Per interest, people who hold it: among the best connected, else (a rare interest) anyone.
    Two index walks, never a sort of everyone who likes coffee."""
    found: dict[str, list] = {}
    if not interests:
        return found
    best = (
        sa.select(Attendee.id, Attendee.name, Attendee.meetings)
        .where(Attendee.event_id == event_id, Attendee.registered)
        .order_by(Attendee.meetings.desc(), Attendee.id)
        .limit(CONNECTORS)
        .subquery()
    )
    for row in session.execute(
        sa.select(AttendeeInterest.interest, best)
        .join(best, best.c.id == AttendeeInterest.attendee_id)
        .where(AttendeeInterest.interest.in_(interests))
    ):
        found.setdefault(row.interest, []).append(row)
    rare = {i for i in interests if len(found.get(i, ())) < 2}  # held by nobody else among them, perhaps
    if rare:
        for row in session.execute(
            sa.select(AttendeeInterest.interest, Attendee.id, Attendee.name, Attendee.meetings)
            .join(Attendee, Attendee.id == AttendeeInterest.attendee_id)
            .where(
                AttendeeInterest.event_id == event_id,
                AttendeeInterest.interest.in_(rare),
                Attendee.registered,
            )
        ):
            found.setdefault(row.interest, []).append(row)
    return found


def _introduction(person: str, interests: list[str], candidates: dict[str, list]) -> dict | None:
    found = [
        (c.meetings, c.id, interest, c)
        for interest in interests
        for c in candidates.get(interest, ())
        if c.id != person
    ]
    if not found:
        return None
    *_, interest, best = max(found, key=lambda f: f[:2])
    return {"id": best.id, "name": best.name, "meetings": best.meetings, "interest": interest}


def live(session: Session, event: Event, since: int, now: datetime) -> dict:
    """What changed since version `since`: people and meetings, with the figures. `reload` asks the
    page to fetch the whole graph again (after an erasure, a rebuilt read model, or too far behind)."""
    version = event.version
    reload = since < event.reset_version or since > version
    nodes = edges = []
    if not reload:
        nodes = session.execute(
            sa.select(Attendee.id, Attendee.name, Attendee.meetings)
            .where(
                Attendee.event_id == event.id,
                Attendee.registered,
                Attendee.seq > since,
                Attendee.seq <= version,
            )
            .order_by(Attendee.seq, Attendee.id)
            .limit(MAX_CHANGES + 1)
        ).all()
        edges = session.execute(
            sa.select(Meeting.low_id, Meeting.high_id, Meeting.mutual)
            .where(Meeting.event_id == event.id, Meeting.seq > since, Meeting.seq <= version)
            .order_by(Meeting.seq, Meeting.id)
            .limit(MAX_CHANGES + 1)
        ).all()
        reload = len(nodes) > MAX_CHANGES or len(edges) > MAX_CHANGES
    return {
        "version": version,
        "reload": reload,
        "nodes": [] if reload else [[n.id, n.name, n.meetings] for n in nodes],
        "edges": [] if reload else [[e.low_id, e.high_id, e.mutual] for e in edges],
        "stats": stats(session, event, now),
        "unmet": unmet(session, event.id),
    }


def graph(session: Session, event: Event) -> dict:
    """Who met whom: the event's attendees (the GRAPH_NODES best connected) and the meetings between them."""
    limit = GRAPH_NODES
    total = session.scalar(
        sa.select(sa.func.count()).where(Attendee.event_id == event.id, Attendee.registered)
    )
    shown = (
        sa.select(Attendee.id)
        .where(Attendee.event_id == event.id, Attendee.registered)
        .order_by(Attendee.meetings.desc(), Attendee.id)
        .limit(limit)
    )
    nodes = session.execute(
        sa.select(Attendee.id, Attendee.name, Attendee.meetings)
        .where(Attendee.id.in_(shown.scalar_subquery()))
        .order_by(Attendee.meetings.desc(), Attendee.id)
    ).all()
    edges = session.execute(
        sa.select(Meeting.low_id, Meeting.high_id, Meeting.mutual)
        .where(
            Meeting.event_id == event.id,
            Meeting.seq <= event.version,
            Meeting.low_id.in_(shown.scalar_subquery()),
            Meeting.high_id.in_(shown.scalar_subquery()),
        )
        .order_by(Meeting.seq)
    ).all()
    return {
        "version": event.version,
        "attendees": total,
        "limit": limit,
        "nodes": [[n.id, n.name, n.meetings] for n in nodes],
        "edges": [[e.low_id, e.high_id, e.mutual] for e in edges],
    }
