"""The follow-up time: 09:00 in the event's time zone, the first morning at least 6 hours after the close."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from services.followup.schedule import followup_time

UTC = UTC


@pytest.mark.parametrize(
    "closed, zone, due",
    [
        ("2026-12-03T15:00", "Asia/Riyadh", "2026-12-04T06:00"),  # 18:00 Riyadh -> 09:00 next day
        ("2026-12-02T22:00", "Asia/Riyadh", "2026-12-03T06:00"),  # 01:00 Riyadh -> 09:00 that morning (8 h)
        ("2026-12-03T01:00", "Asia/Riyadh", "2026-12-04T06:00"),  # 04:00 Riyadh: 09:00 is only 5 h away
        ("2026-12-03T03:00", "Asia/Riyadh", "2026-12-04T06:00"),  # exactly 06:00 local: 3 h short
        ("2026-12-03T00:00", "Asia/Riyadh", "2026-12-03T06:00"),  # 03:00 local: 09:00 is exactly 6 h later
        ("2026-03-28T22:00", "Europe/Berlin", "2026-03-29T07:00"),  # DST night: 09:00 CEST is 07:00 UTC
        ("2026-12-03T17:00", "America/New_York", "2026-12-04T14:00"),
        ("2026-12-03T17:00", "Not/AZone", "2026-12-04T09:00"),  # an unknown zone falls back to UTC
    ],
)
def test_the_morning_after_the_close_in_the_events_time_zone(closed, zone, due):
    closed_at = datetime.fromisoformat(closed).replace(tzinfo=UTC)
    at = followup_time(closed_at, zone)
    assert at == datetime.fromisoformat(due).replace(tzinfo=UTC)
    assert at - closed_at >= timedelta(hours=6)


def test_an_organizers_chosen_time_wins_but_never_before_the_close():
    closed = datetime(2026, 12, 3, 15, tzinfo=UTC)
    assert followup_time(closed, "Asia/Riyadh", datetime(2026, 12, 5, 7, tzinfo=UTC)) == datetime(
        2026, 12, 5, 7, tzinfo=UTC
    )
    assert followup_time(closed, "Asia/Riyadh", datetime(2026, 12, 1, tzinfo=UTC)) == closed
