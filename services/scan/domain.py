"""Scan rules: what a scan request must hold, what was scanned, and how a pair becomes a meeting.

Nothing here knows Flask, SQLAlchemy or the bus.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

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
    scanned_at: datetime


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
        errors["client_scan_id"] = "required: 1-64 letters, digits or _.:- chosen by the phone, the same on retries"
    scanned_at = _moment(body.get("scanned_at"), now, errors)
    if errors:
        raise ScanError("; ".join(f"{k}: {v}" for k, v in errors.items()), code="invalid_input", errors=errors)
    return RecordScan(scanned.strip(), note.strip(), tags, client_scan_id, scanned_at)


def _moment(value, now: datetime, errors: dict) -> datetime:
    if value is None:
        return now
    try:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        errors["scanned_at"] = "an ISO 8601 date-time with its offset"
        return now
    if moment.tzinfo is None:
        errors["scanned_at"] = "needs its UTC offset"
        return now
    try:
        moment = moment.astimezone(timezone.utc)
    except OverflowError:  # year 1 at +14:00 lies before the first instant a datetime holds
        moment = None
    if moment is None or moment.year < EARLIEST_YEAR:
        errors["scanned_at"] = f"is before {EARLIEST_YEAR}: check the phone's clock"
        return now
    if moment > now + timedelta(minutes=5):
        errors["scanned_at"] = "is in the future: check the phone's clock"
    return moment


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
