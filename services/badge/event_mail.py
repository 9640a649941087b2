"""An event's mail settings, read by the follow-up service: who replies reach, and when it writes.

- `contact_email`: the organizers' address, the Reply-To of every email about the event. The
  dashboard fills in the creating organizer's email when the form leaves it empty; "" means no
  Reply-To (replies then go to the sending address).
- `followup_at`: when the follow-up goes out (ISO 8601 with a UTC offset); "" means the
  default, 09:00 the first morning at least 6 hours after the close, in the event's time zone.

Kept beside domain.validate_event (same body, same 422 shape) rather than inside it while that
module's input rules are being reworked.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timezone

from shared.web import InvalidInput

_ADDRESS = re.compile(r"[^\s<>()\[\],;:\"@\\]+@[^\s<>()\[\],;:\"@\\]+\.[^\s<>()\[\],;:\"@\\]+")


@dataclass(frozen=True)
class MailSettings:
    contact_email: str = ""
    followup_at: datetime | None = None


def validate_mail_settings(doc: object, current: MailSettings | None = None) -> MailSettings:
    """The two fields from a JSON body; missing ones keep `current` (PATCH)."""
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
        if email and (len(email) > 254 or not _ADDRESS.fullmatch(email)
                      or any(unicodedata.category(c)[0] in "CZ" for c in email)):
            errors["contact_email"] = "must be one email address, such as team@example.org"
    when = current.followup_at
    if "followup_at" in doc:
        raw = doc["followup_at"]
        when = None
        if raw not in (None, ""):
            try:
                when = datetime.fromisoformat(raw) if isinstance(raw, str) else None
            except ValueError:
                when = None
            if when is None or when.tzinfo is None:
                errors["followup_at"] = "an ISO 8601 time with its UTC offset, such as 2026-12-04T09:00:00+03:00"
            else:
                when = when.astimezone(timezone.utc)
    if errors:
        raise InvalidInput(errors)
    return MailSettings(email, when)
