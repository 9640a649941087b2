"""Scan rules: what a scan request must hold, what was scanned, and how a pair becomes a meeting.

Nothing here knows Flask, SQLAlchemy or the bus.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from shared.events import pair_key
from shared.identity import SHORT_CODE_ALPHABET, SHORT_CODE_LENGTH
from shared.lists import split_items
from shared.web import DomainError

MAX_NOTE, MAX_TAGS, MAX_TAG = 2000, 8, 40
EARLIEST_YEAR = 2000  # no event is older (the badge service refuses event dates before it too)
CLIENT_SCAN_ID = re.compile(r"^[A-Za-z0-9_.:-]{1,64}$")
TOKEN = re.compile(r"^[A-Za-z2-7]{30,120}$")
# Offered on the scan page; any short tag is accepted.
QUICK_TAGS = {
    "en": ["coffee later", "hiring", "send a link", "intro someone", "collaborate"],
    "ar": ["قهوة لاحقًا", "توظيف", "أرسل رابطًا", "تعريف بشخص", "تعاون"],
}


class ScanError(DomainError):
    """A refused scan; `code` says why (self_scan, revoked, event_closed, ...)."""

    status = 422


@dataclass(frozen=True)
class RecordScan:
    scanned: str
    note: str
    tags: tuple[str, ...]
    client_scan_id: str
    scanned_at: datetime | None  # when the phone says it happened; None: now (the server's clock)


def parse_record_scan(body: dict, now: datetime) -> RecordScan:
    """The command in a POST /v1/scans body; ScanError(invalid_input) says which field is wrong."""
    errors: dict[str, str] = {}
    scanned = body.get("scanned")
    if not isinstance(scanned, str) or not scanned.strip() or len(scanned) > 2000:
        errors["scanned"] = "the QR text, its URL, or a six-character short code"
    note = body.get("note") or ""
    if not isinstance(note, str) or len(note) > MAX_NOTE:
        errors["note"] = f"text of at most {MAX_NOTE} characters"
    tags = body.get("tags") or []
    # One tag may hold several (", ، ; ؛"): split, trimmed, once each ignoring case.
    tags = split_items(tags) if isinstance(tags, list) and all(isinstance(t, str) for t in tags) else None
    if tags is None or len(tags) > MAX_TAGS or not all(len(t) <= MAX_TAG for t in tags):
        errors["tags"] = f"a list of at most {MAX_TAGS} short tags"
    client_scan_id = body.get("client_scan_id")
    if not isinstance(client_scan_id, str) or not CLIENT_SCAN_ID.match(client_scan_id):
        errors["client_scan_id"] = (
            "required: 1-64 letters, digits or _.:- chosen by the phone, the same on retries"
        )
    scanned_at = _moment(body.get("scanned_at"), now, errors)
    if errors:
        raise ScanError(
            "; ".join(f"{k}: {v}" for k, v in errors.items()), code="invalid_input", errors=errors
        )
    return RecordScan(scanned.strip(), note.strip(), tags, client_scan_id, scanned_at)


def _moment(value, now: datetime, errors: dict) -> datetime | None:
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        errors["scanned_at"] = "an ISO 8601 date-time with its offset"
        return None
    if moment.tzinfo is None:
        errors["scanned_at"] = "needs its UTC offset"
        return None
    try:
        moment = moment.astimezone(UTC)
    except OverflowError:  # year 1 at +14:00 lies before the first instant a datetime holds
        moment = None
    if moment is None or moment.year < EARLIEST_YEAR:
        errors["scanned_at"] = f"is before {EARLIEST_YEAR}: check the phone's clock"
        return None
    if moment > now + timedelta(minutes=5):
        errors["scanned_at"] = "is in the future: check the phone's clock"
    return moment


@dataclass(frozen=True)
class EventDays:
    """When an event runs (UTC instants) and the time zone its days are counted in."""

    starts_at: datetime
    ends_at: datetime
    timezone: str


def scan_window(days: EventDays, closed_at: datetime | None, grace: timedelta) -> tuple[datetime, datetime]:
    """The earliest and latest time a scan of this event may be dated.

    A phone's clock can be off by hours (a wrong time zone, a dead battery reset), and people
    meet at the evening before the opening: so the window runs from the start of the day before
    the first day, in the event's time zone, to the end of its last day (or its close, if later)
    plus the grace in which offline phones still sync.
    """
    try:
        zone = ZoneInfo(days.timezone)
    except (
        ValueError,
        KeyError,
        OSError,
    ):  # the badge service checks it; an odd read model row counts in UTC
        zone = ZoneInfo("UTC")
    first_day = days.starts_at.astimezone(zone).date() - timedelta(days=1)
    after_last_day = days.ends_at.astimezone(zone).date() + timedelta(days=1)
    earliest = datetime.combine(first_day, time(), zone).astimezone(UTC)
    latest = (
        max(datetime.combine(after_last_day, time(), zone).astimezone(UTC), closed_at or days.ends_at) + grace
    )
    return earliest, latest


def check_scan_time(
    scanned_at: datetime, days: EventDays | None, closed_at: datetime | None, grace: timedelta
) -> None:
    """ScanError(outside_event_days, 422) naming scanned_at when a scan is dated outside its event's days."""
    if days is None:
        return  # an event learnt before its days were kept: the checks of parse_record_scan hold
    earliest, latest = scan_window(days, closed_at, grace)
    if earliest <= scanned_at <= latest:
        return
    when = "before" if scanned_at < earliest else "after"
    detail = f"is {when} this event's days: check the phone's clock"
    raise ScanError(f"scanned_at: {detail}", code="outside_event_days", errors={"scanned_at": detail})


def what_was_scanned(text: str) -> tuple[str, str]:
    """("token", token) for a badge QR or URL, ("short_code", code) for a typed code."""
    text = text.strip()
    match = re.search(r"/c/([A-Za-z2-7]+)/?(?:[?#].*)?$", text, flags=re.IGNORECASE)
    candidate = match.group(1) if match else text
    if TOKEN.match(candidate):
        return "token", candidate.upper()
    code = "".join(ch for ch in text.upper() if ch.isalnum())
    if len(code) == SHORT_CODE_LENGTH and set(code) <= set(SHORT_CODE_ALPHABET):
        return "short_code", code
    raise ScanError("this is neither a Rapport badge nor a six-character short code", code="unreadable")


def meeting_id(event_id: str, a: str, b: str) -> str:
    """The same pair meets once per event, whoever scans whom: the id follows from the pair."""
    return hashlib.sha256(pair_key(event_id, a, b).encode()).hexdigest()[:32]
