"""The window a scan's stated time must fall in: the event's days in its own time zone, with margins."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from services.scan.domain import EventDays, scan_window

UTC = UTC
GRACE = timedelta(days=1)


def test_the_window_runs_from_the_day_before_to_the_last_day_plus_the_grace_in_the_events_time_zone():
    # 1-3 December in Kiritimati (+14:00): the local days start 14 hours before UTC's.
    days = EventDays(
        datetime(2026, 11, 30, 19, tzinfo=UTC), datetime(2026, 12, 3, 4, tzinfo=UTC), "Pacific/Kiritimati"
    )
    assert scan_window(days, None, GRACE) == (
        datetime(2026, 11, 29, 10, tzinfo=UTC),
        datetime(2026, 12, 4, 10, tzinfo=UTC),
    )


def test_a_close_after_the_last_day_extends_the_window_and_an_early_close_does_not_shorten_it():
    days = EventDays(datetime(2026, 12, 1, 6, tzinfo=UTC), datetime(2026, 12, 3, 15, tzinfo=UTC), "UTC")
    assert scan_window(days, datetime(2026, 12, 9, 12, tzinfo=UTC), GRACE)[1] == datetime(
        2026, 12, 10, 12, tzinfo=UTC
    )
    assert scan_window(days, datetime(2026, 12, 2, 12, tzinfo=UTC), GRACE)[1] == datetime(
        2026, 12, 5, tzinfo=UTC
    )


def test_an_unknown_time_zone_counts_the_days_in_utc():
    days = EventDays(
        datetime(2026, 12, 1, 6, tzinfo=UTC), datetime(2026, 12, 1, 15, tzinfo=UTC), "Nowhere/Atlantis"
    )
    assert scan_window(days, None, timedelta(0)) == (
        datetime(2026, 11, 30, tzinfo=UTC),
        datetime(2026, 12, 2, tzinfo=UTC),
    )
