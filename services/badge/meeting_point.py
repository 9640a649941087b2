"""An event's meeting point: where two attendees who agreed to meet (the match service's requests)
find each other, such as "The coffee bar by hall B". One line, any language, "" for none.

Kept in a module of its own, beside domain.validate_event and event_mail (the same body, the same
422 shape), so each event setting has one place.
"""

from __future__ import annotations

from shared.text import single_line_problem
from shared.web import InvalidInput

MAX_LENGTH = 200


def validate_meeting_point(doc: object, current: str = "") -> str:
    """`meeting_point` from a JSON body; missing keeps `current` (PATCH), null or "" clears it."""
    if not isinstance(doc, dict):
        raise InvalidInput({"body": "send a JSON object"})
    value = doc.get("meeting_point", current)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise InvalidInput({"meeting_point": "must be text"})
    value = value.strip()
    if len(value) > MAX_LENGTH:
        raise InvalidInput({"meeting_point": f"at most {MAX_LENGTH} characters"})
    if problem := single_line_problem(value):
        raise InvalidInput({"meeting_point": problem})
    return value
