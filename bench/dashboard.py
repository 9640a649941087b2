"""Dashboard benchmark: one event's figures and live view at 10,000 attendees and 100,000 meetings.

    .venv/bin/python bench/dashboard.py [--attendees 10000] [--meetings 100000] [--requests 300]

On PostgreSQL (started by the test rig in a temporary folder): builds the
read model the consumer would have built (bulk-inserted: meeting counts, ten-minute buckets,
interests, follow-up statuses, as apply_event leaves them), then applies the event's last 2,000
scans through the consumer's own handler, one transaction each, and reports its rate. Then, over
HTTP-less WSGI calls with an organizer's API token (auth, queries and JSON included), p50 and p99
of: GET /v1/events/{id}/stats; GET /v1/events/{id}/live one poll behind (the changes of the last
second, ~20 scans, plus the figures and the people who have met nobody, what the page fetches
every second); and, for scale, the first load of the graph (the 2,000 best connected).
Target (DESIGN.md): stats under 200 ms.
"""

from __future__ import annotations

import argparse
import itertools
import random
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import sqlalchemy as sa  # noqa: E402

from deploy.rig.postgres import PostgresServer  # noqa: E402
from services.dashboard import accounts, create_app  # noqa: E402
from services.dashboard.consumer import GROUP  # noqa: E402
from services.dashboard.handlers import apply_event, bucket_start, fold  # noqa: E402
from services.dashboard.models import (  # noqa: E402
    Attendee,
    AttendeeInterest,
    Event,
    FollowedUp,
    Followup,
    Meeting,
    MeetingBucket,
    Organizer,
)
from shared import events as ev  # noqa: E402
from shared.config import Settings  # noqa: E402
from shared.consumer import applied_once  # noqa: E402
from shared.envelope import iso, parse_iso  # noqa: E402
from shared.events import to_envelope  # noqa: E402

EVENT = "benchevt"
START = parse_iso("2026-12-01T06:00:00Z")
NOW = START + timedelta(hours=33)  # the second afternoon
LIVE_SCANS = 2000  # applied through the consumer's handler at the end
POLL_BEHIND = 20  # scans in the last second of a busy event, what one poll catches up on
INTERESTS = [
    "coffee",
    "design",
    "تعليم",
    "AI",
    "ريادة أعمال",
    "retail",
    "هندسة",
    "music",
    "urban planning",
    "logistics",
    "fintech",
    "health",
    "media",
    "الطاقة",
    "gaming",
    "policy",
    "robotics",
    "تسويق",
]
CHUNK = 5000


def people(count: int, rng: random.Random) -> list[dict]:
    return [
        {
            "id": f"a{i:09d}",
            "event_id": EVENT,
            "registered": True,
            "name": f"Guest {i}",
            "email": f"guest{i}@example.org",
            "company": f"Company {i % 700}",
            "title": "",
            "headline": "",
            "interests": rng.sample(INTERESTS, rng.randint(1, 4)),
            "language": "ar" if i % 2 else "en",
            "short_code": f"C{i:05d}",
            "consent_followup": True,
            "consent_share_contact": i % 3 == 0,
            "meetings": 0,
            "last_scan_at": None,
            "seq": 1,
        }
        for i in range(count)
    ]


def meetings(ids: list[str], count: int, rng: random.Random) -> list[tuple[str, str, bool, object]]:
    """Distinct pairs; some people meet many (a few connectors), 5% meet nobody: a real event's shape."""
    social = ids[: int(len(ids) * 0.95)]
    weights = list(itertools.accumulate(1 / (1 + i) ** 0.35 for i in range(len(social))))
    pairs: set[tuple[str, str]] = set()
    out = []
    while len(out) < count:
        a, b = rng.choices(social, cum_weights=weights, k=2)
        pair = (min(a, b), max(a, b))
        if a == b or pair in pairs:
            continue
        pairs.add(pair)
        day = rng.randrange(2)
        at = START + timedelta(days=day, seconds=rng.randrange(9 * 3600 if day == 0 else 8 * 3600))
        out.append((a, b, rng.random() < 0.4, at))
    return out


def seed(app, attendees: int, count: int) -> list[ev.ScanRecorded]:
    """The read model after (count - LIVE_SCANS) meetings; returns the last LIVE_SCANS as scan events."""
    rng = random.Random(7)
    rows = people(attendees, rng)
    met = meetings([r["id"] for r in rows], count, rng)
    met.sort(key=lambda m: m[3])
    kept, live = met[:-LIVE_SCANS], met[-LIVE_SCANS:]
    by_id = {r["id"]: r for r in rows}
    buckets: dict = {}
    for seq, (a, b, mutual, at) in enumerate(kept, start=2):
        for person in (a, b):
            by_id[person]["meetings"] += 1
            by_id[person]["seq"] = seq
        by_id[a]["last_scan_at"] = max(by_id[a]["last_scan_at"] or at, at)
        bucket = buckets.setdefault(bucket_start(at), [0, 0])
        bucket[0] += 1
        bucket[1] += mutual
    sessions = app.extensions["dashboard"].sessions
    with sessions() as session:
        session.add(
            Event(
                id=EVENT,
                name="Riyadh Design Week",
                venue="",
                starts_at=START,
                timezone="Asia/Riyadh",
                ends_at=START + timedelta(days=2),
                language="ar",
                version=len(kept) + 1,
                reset_version=0,
            )
        )
        insert(session, Attendee, rows)
        insert(
            session,
            AttendeeInterest,
            [
                {"attendee_id": r["id"], "interest": fold(i), "event_id": EVENT}
                for r in rows
                for i in r["interests"]
            ],
        )
        insert(
            session,
            Meeting,
            [
                {
                    "id": f"m{n:09d}",
                    "event_id": EVENT,
                    "low_id": a,
                    "high_id": b,
                    "mutual": mutual,
                    "low_scanned": True,
                    "high_scanned": mutual,
                    "met_at": at,
                    "seq": n + 2,
                }
                for n, (a, b, mutual, at) in enumerate(kept)
            ],
        )
        insert(
            session,
            MeetingBucket,
            [
                {"event_id": EVENT, "starts_at": at, "meetings": n, "mutual": m}
                for at, (n, m) in buckets.items()
            ],
        )
        insert(
            session,
            Followup,
            [
                {
                    "attendee_id": r["id"],
                    "campaign": campaign,
                    "event_id": EVENT,
                    "status": rng.choice(("sent", "sent", "sent", "queued", "failed", "skipped")),
                    "reason": "",
                    "updated_at": NOW,
                }
                for r in rows
                for campaign in ("followup", "nudge-7")
            ],
        )
        insert(
            session,
            FollowedUp,
            [
                {"attendee_id": a, "contact_id": b, "campaign": "nudge-7", "event_id": EVENT, "at": NOW}
                for a, b, _, _ in kept[:3000]
            ],
        )
        session.commit()
    return [
        ev.ScanRecorded(
            event_id=EVENT,
            meeting_id=f"m{len(kept) + n:09d}",
            scanner=a,
            scanned=b,
            scanned_at=iso(at),
            client_scan_id=str(n),
            mutual=False,
        )
        for n, (a, b, _, at) in enumerate(live)
    ]


def insert(session, model, rows: list[dict]) -> None:
    for start in range(0, len(rows), CHUNK):
        session.execute(sa.insert(model), rows[start : start + CHUNK])


def percentiles(samples: list[float]) -> str:
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return f"p50 {statistics.median(ordered):7.1f} ms   p99 {p99:7.1f} ms"


def timed(client, url: str, headers: dict, requests: int) -> list[float]:
    samples = []
    for _ in range(requests):
        started = time.perf_counter()
        answer = client.get(url, headers=headers)
        samples.append((time.perf_counter() - started) * 1000)
        assert answer.status_code == 200, answer.text
    return samples


def run(name: str, database_url: str, settings: Settings, args) -> None:
    app = create_app(replace(settings, dashboard_database_url=database_url))
    app.extensions["dashboard"].clock = lambda: NOW
    started = time.perf_counter()
    live = seed(app, args.attendees, args.meetings)
    sessions = app.extensions["dashboard"].sessions
    with sessions() as session:  # what autovacuum does to a table that grew over two days
        session.execute(sa.text("ANALYZE"))
        session.commit()
    seeded = time.perf_counter() - started
    handle = applied_once(sessions, GROUP, apply_event)
    started = time.perf_counter()
    for scan in live:
        handle(scan, to_envelope(scan))
    rate = len(live) / (time.perf_counter() - started)
    with sessions() as session:
        organizer = accounts.create_organizer(
            session, accounts.NewOrganizer("bench@example.org", "Bench", "bench passphrase"), NOW, admin=True
        )
        _, secret = accounts.issue_token(session, organizer, "bench", NOW)
        session.commit()
        version = session.get(Event, EVENT).version
        assert session.scalar(sa.select(sa.func.count()).select_from(Organizer)) == 1
    headers, client = {"Authorization": f"Bearer {secret}"}, app.test_client()
    stats = client.get(f"/v1/events/{EVENT}/stats", headers=headers).json
    assert (stats["attendees"], stats["meetings"]) == (args.attendees, args.meetings), stats
    print(
        f"{name}: {stats['attendees']:,} attendees, {stats['meetings']:,} meetings "
        f"({stats['mutual_meetings']:,} mutual, {stats['met_nobody']:,} met nobody), seeded in {seeded:.0f} s"
    )
    print(f"  consumer handler, one transaction per scan   {rate:7.0f} scans/s")
    timed(client, f"/v1/events/{EVENT}/stats", headers, 10)  # warm-up
    print(
        f"  GET stats                                    {percentiles(timed(client, f'/v1/events/{EVENT}/stats', headers, args.requests))}"
    )
    poll = f"/v1/events/{EVENT}/live?since={version - POLL_BEHIND}"
    print(
        f"  GET live, one poll behind ({POLL_BEHIND} scans)        {percentiles(timed(client, poll, headers, args.requests))}"
    )
    print(
        f"  GET graph (first load of the page)           {percentiles(timed(client, f'/v1/events/{EVENT}/graph', headers, 10))}"
    )
    app.extensions["dashboard"].engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--attendees", type=int, default=10_000)
    parser.add_argument("--meetings", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings.from_env(
            {"RAPPORT_SECRET_KEY": "bench-secret-key-0123456789", "RAPPORT_DATA_DIR": tmp}
        )
        postgres = PostgresServer(Path(tmp) / "pg").start()
        try:
            run("PostgreSQL", postgres.create_database("dashboard_bench"), settings, args)
        finally:
            postgres.stop()


if __name__ == "__main__":
    main()
