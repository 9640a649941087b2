"""Badge domain rules: what a valid event and a valid attendee are.

Nothing here knows Flask, SQLAlchemy or the bus.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from email_validator import EmailNotValidError, validate_email

from shared.lists import split_items
from shared.text import single_line_problem
from shared.web import DomainError, InvalidInput

LANGUAGES = ("ar", "en")
MAX_INTERESTS, MAX_INTEREST_LENGTH = 8, 40
LIMITS = {
    "name": 120,
    "email": 254,
    "company": 120,
    "title": 120,
    "headline": 140,
    "can_help_with": 200,
    "looking_for": 200,
}
# Consent flags and their value when never given: suggesting a person to others is on unless they
# opt out (it shows nothing of theirs but what their badge already shows); the others are opt-in.
CONSENTS = {"followup": False, "share_contact": False, "suggest": True}
# Event dates a person means: also keeps every date +-14 h and + the scan grace inside what a
# datetime (years 1-9999) and PostgreSQL hold, where year 1 at +14:00 has no UTC instant at all.
YEARS = (2000, 2999)
MAX_TIMEZONE_LENGTH = 64  # the longest IANA name is 32 characters; the column holds 64


class BadgeError(DomainError):
    """A refusal of the badge service, with a machine-readable code."""


def parse_moment(value: object, name: str, errors: dict[str, str]) -> datetime | None:
    if not isinstance(value, str):
        errors[name] = "required, as an ISO 8601 date-time with its offset, e.g. 2026-12-01T09:00:00+03:00"
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        errors[name] = f"{value!r} is not an ISO 8601 date-time"
        return None
    if moment.tzinfo is None:
        errors[name] = "needs its UTC offset, e.g. 2026-12-01T09:00:00+03:00"
        return None
    try:
        year = moment.astimezone(UTC).year
    except OverflowError:
        year = None
    if year is None or not YEARS[0] <= year <= YEARS[1]:
        errors[name] = f"must fall in the years {YEARS[0]} to {YEARS[1]}"
        return None
    return moment


@dataclass(frozen=True)
class EventDetails:
    name: str
    venue: str
    starts_at: datetime
    ends_at: datetime
    timezone: str
    language: str


def validate_event(doc: object, current: EventDetails | None = None) -> EventDetails:
    """Event fields from a JSON body; with `current`, missing fields keep their value (PATCH)."""
    if not isinstance(doc, dict):
        raise InvalidInput({"body": "send a JSON object"})
    base = current.__dict__ if current else {}
    errors: dict[str, str] = {}
    values: dict[str, object] = {}
    for name, limit in (("name", 200), ("venue", 200)):
        value = doc.get(name, base.get(name, "" if name == "venue" else None))
        if not isinstance(value, str) or (name == "name" and not value.strip()):
            errors[name] = "required text" if name == "name" else "must be text"
        elif len(value) > limit:
            errors[name] = f"at most {limit} characters"
        elif problem := single_line_problem(value.strip()):
            errors[name] = problem
        else:
            values[name] = value.strip()
    for name in ("starts_at", "ends_at"):
        keep = name not in doc and name in base
        values[name] = base[name] if keep else parse_moment(doc.get(name), name, errors)
    if values.get("starts_at") and values.get("ends_at") and values["ends_at"] <= values["starts_at"]:
        errors["ends_at"] = "must be after starts_at"
    zone = doc.get("timezone", base.get("timezone", "UTC"))
    try:
        if not isinstance(zone, str) or len(zone) > MAX_TIMEZONE_LENGTH:
            raise ValueError(zone)
        ZoneInfo(zone)
        values["timezone"] = zone
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a name the file system refuses
        long = isinstance(zone, str) and len(zone) > MAX_TIMEZONE_LENGTH
        shown = zone[:MAX_TIMEZONE_LENGTH] + "..." if long else zone
        errors["timezone"] = f"{shown!r} is not an IANA time zone such as Asia/Riyadh"
    values["language"] = doc.get("language", base.get("language", "en"))
    if values["language"] not in LANGUAGES:
        errors["language"] = "ar or en"
    if errors:
        raise InvalidInput(errors)
    return EventDetails(**values)


@dataclass(frozen=True)
class AttendeeDetails:
    name: str
    email: str
    language: str
    company: str = ""
    title: str = ""
    headline: str = ""
    interests: tuple[str, ...] = ()
    consent_followup: bool = False
    consent_share_contact: bool = False
    can_help_with: str = ""  # what they can give others (free text, any language)
    looking_for: str = ""  # what they hope to find at this event
    consent_suggest: bool = True


def validate_attendee(
    doc: object, default_language: str, current: AttendeeDetails | None = None
) -> AttendeeDetails:
    """Attendee fields from a JSON body or a CSV row; with `current`, a partial update."""
    if not isinstance(doc, dict):
        raise InvalidInput({"body": "send a JSON object"})
    base = current.__dict__ if current else {}
    errors: dict[str, str] = {}
    values: dict[str, object] = {}
    for name, limit in LIMITS.items():
        value = doc.get(name, base.get(name, ""))
        if value is None:
            value = ""
        if not isinstance(value, str):
            errors[name] = "must be text"
            continue
        value = " ".join(value.split())  # one line: badges and emails have no room for stray breaks
        if len(value) > limit:
            errors[name] = f"at most {limit} characters (got {len(value)})"
        elif problem := single_line_problem(value):
            errors[name] = problem
        values[name] = value
    if not errors.get("name") and not values.get("name"):
        errors["name"] = "required"
    if "email" not in errors:
        if not values.get("email"):
            errors["email"] = "required"
        else:
            try:
                values["email"] = validate_email(
                    values["email"], check_deliverability=False
                ).normalized.lower()
            except EmailNotValidError as exc:
                errors["email"] = str(exc)
    values["interests"] = _interests(doc.get("interests", base.get("interests", ())), errors)
    values["language"] = doc.get("language") or base.get("language") or default_language
    if values["language"] not in LANGUAGES:
        errors["language"] = "ar or en"
    consent = doc.get("consent", {})
    if not isinstance(consent, dict):
        errors["consent"] = 'an object such as {"followup": true, "share_contact": false}'
        consent = {}
    for flag, default in CONSENTS.items():
        value = consent.get(flag, doc.get(f"consent_{flag}", base.get(f"consent_{flag}", default)))
        if not isinstance(value, bool):
            errors[f"consent.{flag}"] = "true or false"
        values[f"consent_{flag}"] = value
    if errors:
        raise InvalidInput(errors)
    return AttendeeDetails(**values)


def _interests(value: object, errors: dict[str, str]) -> tuple[str, ...]:
    if isinstance(value, str):  # "ai، design; خط عربي" from a form or a CSV cell
        value = [value]
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
        errors["interests"] = "a list of short tags"
        return ()
    tags = split_items(value)  # , ، ; ؛ in any item; trimmed, once each ignoring case
    problem = next((p for t in tags if (p := single_line_problem(t))), None)
    if problem:
        errors["interests"] = f"each tag {problem}"
    elif len(tags) > MAX_INTERESTS:
        errors["interests"] = f"at most {MAX_INTERESTS} tags"
    elif any(len(t) > MAX_INTEREST_LENGTH for t in tags):
        errors["interests"] = f"each tag at most {MAX_INTEREST_LENGTH} characters"
    return tuple(tags)
