"""A scan dated outside its event's days is refused (issue 14): 422 problem+json naming scanned_at.

The window runs from the day before the first day to the last day plus RAPPORT_SCAN_GRACE (one day
by default), in the event's time zone, because a phone's clock can be off.
"""

from __future__ import annotations

from datetime import timedelta

from shared import events as ev
from shared import identity
from shared.envelope import iso, utc_now

PROBLEM = "application/problem+json"
OUTSIDE = "is {} this event's days: check the phone's clock"


def scan(client, scanner, scanned, client_scan_id, scanned_at):
    return client.post(
        "/v1/scans",
        headers=scanner.auth(),
        json={"scanned": scanned.short_code, "client_scan_id": client_scan_id, "scanned_at": scanned_at},
    )


def my_scans(client, scanner) -> list[str]:
    return [s["client_scan_id"] for s in client.get("/v1/me/scans", headers=scanner.auth()).json["scans"]]


def test_a_scan_the_evening_before_the_first_day_counts_and_one_before_that_is_refused(client, apply, person):
    # It opens 2026-12-01 09:00 in Riyadh (+03:00): its window opens 2026-11-30 00:00 there.
    event_id = identity.new_event_id()
    apply(
        ev.EventCreated(
            event_id=event_id,
            name="Winter Summit",
            venue="",
            starts_at="2026-12-01T06:00:00Z",
            ends_at="2026-12-03T15:00:00Z",
            timezone="Asia/Riyadh",
            language="en",
        )
    )
    lina, omar = person("Lina", event=event_id), person("Omar", event=event_id)
    assert scan(client, lina, omar, "eve", "2026-11-30T00:00:00+03:00").status_code == 201
    refused = scan(client, lina, omar, "early", "2026-11-29T23:59:00+03:00")
    assert (refused.status_code, refused.mimetype) == (422, PROBLEM)
    assert refused.json["code"] == "outside_event_days"
    assert refused.json["errors"] == {"scanned_at": OUTSIDE.format("before")}
    assert my_scans(client, lina) == ["eve"]


def past_event(apply, closed_at: str | None = None) -> str:
    event_id = identity.new_event_id()
    apply(
        ev.EventCreated(
            event_id=event_id,
            name="Autumn Summit",
            venue="",
            starts_at="2026-11-20T06:00:00Z",
            ends_at="2026-11-21T15:00:00Z",
            timezone="Asia/Riyadh",
            language="en",
        )
    )
    if closed_at:
        apply(ev.EventClosed(event_id=event_id, closed_at=closed_at))
    return event_id


def test_a_scan_dated_past_the_last_day_and_its_grace_is_refused(client, apply, person):
    # Last day 2026-11-21 in Riyadh ends at 21:00 UTC; one day of grace: scans dated up to 2026-11-22 21:00 UTC.
    event_id = past_event(apply)
    lina, omar = person("Lina", event=event_id), person("Omar", event=event_id)
    assert scan(client, lina, omar, "late-sync", "2026-11-22T20:59:00Z").status_code == 201
    refused = scan(client, lina, omar, "too-late", "2026-11-22T21:01:00Z")
    assert (refused.status_code, refused.mimetype) == (422, PROBLEM)
    assert refused.json["errors"] == {"scanned_at": OUTSIDE.format("after")}
    assert my_scans(client, lina) == ["late-sync"]


def test_an_event_closed_after_its_last_day_takes_scans_dated_until_its_close(client, apply, person):
    # Closed an hour ago, a week after its last day: the days it ran late count too.
    event_id = past_event(apply, closed_at=iso(utc_now() - timedelta(hours=1)))
    lina, omar = person("Lina", event=event_id), person("Omar", event=event_id)
    assert scan(client, lina, omar, "ran-late", iso(utc_now() - timedelta(hours=2))).status_code == 201


def test_a_scan_without_a_time_is_dated_now_and_not_checked_against_the_days(client, apply, person):
    # The server's clock is not in doubt: a late scan without a stated time is the close rule's business.
    event_id = past_event(apply)
    lina, omar = person("Lina", event=event_id), person("Omar", event=event_id)
    answer = client.post(
        "/v1/scans", headers=lina.auth(), json={"scanned": omar.short_code, "client_scan_id": "now"}
    )
    assert answer.status_code == 201


def test_an_update_moving_the_event_moves_its_window(client, apply, person, event_id):
    lina, omar = person("Lina"), person("Omar")
    assert scan(client, lina, omar, "before-move", "2026-11-25T12:00:00Z").status_code == 422
    apply(
        ev.EventUpdated(
            event_id=event_id,
            name="Riyadh Design Week",
            venue="",
            starts_at="2026-11-25T06:00:00Z",
            ends_at="2026-12-03T15:00:00Z",
            timezone="Asia/Riyadh",
            language="ar",
        )
    )
    assert scan(client, lina, omar, "after-move", "2026-11-25T12:00:00Z").status_code == 201
