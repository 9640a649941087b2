"""An event's mail settings, read by the follow-up service: who replies reach, and when it writes.

- `contact_email`: the organizers' address, the Reply-To of every email about the event. The
  dashboard fills in the creating organizer's email when the form leaves it empty; "" means no
  Reply-To (replies then go to the sending address).
- `followup_at`: when the follow-up goes out (ISO 8601 with a UTC offset); "" means the
  default, 09:00 the first morning at least 6 hours after the close, in the event's time zone.
- `welcome`: when each attendee gets the welcome email (their badge, private link and short code):
  "on_registration" (the default: as soon as they are registered), "scheduled" (everyone at
  `welcome_at`, and those registered later at once), or "off" (the organizers send their own mail
  merge, with the private links from the attendee API).

Kept beside domain.validate_event (same body, same 422 shape) rather than inside it while that
module's input rules are being reworked.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime

from services.badge.domain import YEARS
from shared.web import InvalidInput

_ADDRESS = re.compile(r"[^\s<>()\[\],;:\"@\\]+@[^\s<>()\[\],;:\"@\\]+\.[^\s<>()\[\],;:\"@\\]+")


WELCOME_MODES = ("on_registration", "scheduled", "off")


@dataclass(frozen=True)
class MailSettings:
    contact_email: str = ""
    followup_at: datetime | None = None
    welcome: str = "on_registration"
    welcome_at: datetime | None = None


def _moment(doc: dict, name: str, current: datetime | None, errors: dict[str, str]) -> datetime | None:
    """An ISO 8601 time with its offset from doc[name] ("" or null: none), else `current`."""
    if name not in doc:
        return current
    raw = doc[name]
    if raw in (None, ""):
        return None
    try:
        when = datetime.fromisoformat(raw) if isinstance(raw, str) else None
        when = when.astimezone(UTC) if when is not None and when.tzinfo is not None else None
    except (ValueError, OverflowError):  # OverflowError: year 1 at +14:00 has no UTC instant
        when = None
    if when is None or not YEARS[0] <= when.year <= YEARS[1]:
        errors[name] = "an ISO 8601 time with its UTC offset, such as 2026-12-04T09:00:00+03:00"
        return None
    return when


def validate_mail_settings(doc: object, current: MailSettings | None = None) -> MailSettings:
    """The mail fields from a JSON body; missing ones keep `current` (PATCH)."""
    if not isinstance(doc, dict):
        raise InvalidInput({"body": "send a JSON object"})
    current = current or MailSettings()
    errors: dict[str, str] = {}
    email = doc.get("contact_email", current.contact_email)
    if email is None:
        email = ""
    if not isinstance(email, str):
        errors["contact_email"] = "must be text"
    else:
        email = email.strip()
        if email and (
            len(email) > 254
            or not _ADDRESS.fullmatch(email)
            or any(unicodedata.category(c)[0] in "CZ" for c in email)
        ):
            errors["contact_email"] = "must be one email address, such as team@example.org"
    when = _moment(doc, "followup_at", current.followup_at, errors)
    welcome = doc.get("welcome", current.welcome)
    if welcome not in WELCOME_MODES:
        errors["welcome"] = f"one of {', '.join(WELCOME_MODES)}"
    welcome_at = _moment(doc, "welcome_at", current.welcome_at, errors)
    if welcome == "scheduled" and welcome_at is None and "welcome_at" not in errors:
        errors["welcome_at"] = "required when welcome is scheduled: when the welcome emails go out"
    if errors:
        raise InvalidInput(errors)
    return MailSettings(email, when, welcome, welcome_at if welcome == "scheduled" else None)
