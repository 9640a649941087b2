"""When an event's follow-up emails go out.

People read a thank-you best the morning after, not at midnight as the doors close: by default
the follow-up goes at 09:00 in the event's time zone, on the first morning at least 6 hours after
the close (an event closing at 18:00 sends at 09:00 the next day; one closing at 01:00 sends at
09:00 that same morning; one closing at 04:00 waits a day, as 09:00 would come only 5 hours
later). Those hours also let phones sync their offline scans into the email. An organizer may
choose another time for their event (never before its close); RAPPORT_FOLLOWUP_DELAY, when set,
overrides both for tests and small runs (seconds after the close).
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

MORNING = time(9, 0)
AT_LEAST = timedelta(hours=6)


def followup_time(closed_at: datetime, zone: str, chosen: datetime | None = None) -> datetime:
    """The moment (UTC) the follow-up of an event closed at `closed_at` is due."""
    if chosen is not None:
        return max(chosen, closed_at)
    try:
        tz = ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        tz = UTC
    earliest = closed_at + AT_LEAST
    day = earliest.astimezone(tz).date()
    due = datetime.combine(day, MORNING, tz)
    if due < earliest:
        due = datetime.combine(day + timedelta(days=1), MORNING, tz)
    return due.astimezone(UTC)
