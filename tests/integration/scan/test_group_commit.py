"""The group-commit writer on PostgreSQL: what one batch, and two web processes, answer."""

from __future__ import annotations

import json
from dataclasses import replace

import sqlalchemy as sa

from services.scan import create_app
from services.scan.domain import ScanError, meeting_id
from services.scan.models import Meeting, Scan
from services.scan.writer import Pending
from shared.db import outbox
from shared.envelope import utc_now


def pending(event_id: str, scanner: str, scanned: str, client_scan_id: str, note: str = "") -> Pending:
    now = utc_now()
    return Pending(
        event_id=event_id,
        meeting_id=meeting_id(event_id, scanner, scanned),
        scanner_id=scanner,
        scanned_id=scanned,
        client_scan_id=client_scan_id,
        note=note,
        tags=("coffee later",),
        scanned_at=now,
        received_at=now,
    )


def count(app, table) -> int:
    with app.extensions["scan"].sessions() as session:
        return session.scalar(sa.select(sa.func.count()).select_from(table))


def messages(app) -> list[dict]:
    with app.extensions["scan"].sessions() as session:
        return [
            json.loads(v)["data"] for v in session.scalars(sa.select(outbox.c.value).order_by(outbox.c.id))
        ]


def test_a_retry_repeated_within_one_batch_is_saved_once_and_answered_as_a_duplicate(app):
    writer = app.extensions["scan"].writer
    first, again = writer.write_together(
        [pending("ev1", "lina", "omar", "phone:1", note="supply chains")] * 2
    )
    assert (first.duplicate, again.duplicate) == (False, True)
    assert again.scan_id == first.scan_id and again.note == "supply chains"
    assert count(app, Scan) == 1 and len(messages(app)) == 1


def test_both_directions_in_one_batch_make_one_mutual_meeting_and_both_messages_say_so(app):
    writer = app.extensions["scan"].writer
    lina, omar = writer.write_together(
        [pending("ev1", "lina", "omar", "a"), pending("ev1", "omar", "lina", "b")]
    )
    assert lina.mutual and omar.mutual and lina.meeting_id == omar.meeting_id
    assert count(app, Meeting) == 1
    assert [(m["scanner"], m["mutual"]) for m in messages(app)] == [("lina", True), ("omar", True)]


def test_the_rate_limit_counts_the_scans_of_the_batch_itself(app):
    writer = app.extensions["scan"].writer  # 20 a minute in these tests
    answers = writer.write_together([pending("ev1", "lina", f"guest{i}", f"c{i}") for i in range(22)])
    assert [type(a).__name__ for a in answers] == ["Written"] * 20 + ["ScanError"] * 2
    assert answers[-1].code == "rate_limited" and count(app, Scan) == 20 and len(messages(app)) == 20


def test_the_rate_limit_holds_across_two_web_processes(app, settings, database_url):
    # Each gunicorn worker has its own writer and connection: the limit is counted in the database.
    other = create_app(
        replace(settings, scan_database_url=database_url, scan_rate_limit=20), run_migrations=False
    )
    writers = [app.extensions["scan"].writer, other.extensions["scan"].writer]
    answers = [
        writers[i % 2].write_together([pending("ev1", "lina", f"guest{i}", f"c{i}")])[0] for i in range(24)
    ]
    assert sum(not isinstance(a, ScanError) for a in answers) == 20
    assert all(isinstance(a, ScanError) and a.code == "rate_limited" for a in answers[20:])
    assert count(app, Scan) == 20


def test_a_retry_of_a_saved_scan_is_answered_as_its_duplicate_even_while_the_scanner_is_rate_limited(app):
    writer = app.extensions["scan"].writer  # 20 a minute in these tests
    first = writer.write_together([pending("ev1", "lina", "omar", "phone:1", note="supply chains")])[0]
    writer.write_together(
        [pending("ev1", "lina", f"guest{i}", f"c{i}") for i in range(19)]
    )  # the limit is reached
    again, over = writer.write_together(
        [pending("ev1", "lina", "omar", "phone:1"), pending("ev1", "lina", "x", "c99")]
    )
    assert again.duplicate and again.scan_id == first.scan_id and again.note == "supply chains"
    assert isinstance(over, ScanError) and over.code == "rate_limited"
    assert count(app, Scan) == 20
