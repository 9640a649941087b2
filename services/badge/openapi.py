"""The badge service's OpenAPI document (served at /openapi.json and, readable, at /docs)."""

from __future__ import annotations

from functools import lru_cache

from werkzeug.http import HTTP_STATUS_CODES

from shared.web import openapi_document

PROBLEM = {"content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}
ORGANIZER = [{"bearer": []}]

EVENT = {"type": "object", "required": ["name", "starts_at", "ends_at"], "properties": {
    "name": {"type": "string", "maxLength": 200}, "venue": {"type": "string", "maxLength": 200},
    "starts_at": {"type": "string", "format": "date-time"}, "ends_at": {"type": "string", "format": "date-time"},
    "timezone": {"type": "string", "description": "IANA zone, e.g. Asia/Riyadh"},
    "language": {"enum": ["ar", "en"], "description": "default language of its attendees"},
    "contact_email": {"type": "string", "format": "email",
                      "description": "the organizers' address: Reply-To of the event's emails (empty: none)"},
    "followup_at": {"type": ["string", "null"], "format": "date-time",
                    "description": "when the follow-up goes out (empty: 09:00 the first morning 6 h after the close)"},
    "meeting_point": {"type": ["string", "null"], "maxLength": 200,
                      "description": "one line: where two attendees who agreed to meet find each other, such as "
                                     "\"the coffee bar by hall B\" (empty or null: none)"},
    "welcome": {"enum": ["on_registration", "scheduled", "off"], "default": "on_registration",
                "description": "the welcome email (badge, private link, short code): as each attendee is "
                               "registered, everyone at welcome_at, or off (send your own, with private_url)"},
    "welcome_at": {"type": ["string", "null"], "format": "date-time",
                   "description": "when the scheduled welcome emails go out (required when welcome is scheduled)"}}}
ATTENDEE = {"type": "object", "required": ["name", "email"], "properties": {
    "name": {"type": "string", "maxLength": 120}, "email": {"type": "string", "format": "email"},
    "company": {"type": "string", "maxLength": 120}, "title": {"type": "string", "maxLength": 120},
    "headline": {"type": "string", "maxLength": 140, "description": "one line: what they care about"},
    "interests": {"type": "array", "items": {"type": "string", "maxLength": 40}, "maxItems": 8},
    "language": {"enum": ["ar", "en"]},
    "can_help_with": {"type": "string", "maxLength": 200, "description": "what they can give others, any language"},
    "looking_for": {"type": "string", "maxLength": 200, "description": "what they hope to find at this event"},
    "consent": {"type": "object", "properties": {
        "followup": {"type": "boolean", "default": False}, "share_contact": {"type": "boolean", "default": False},
        "suggest": {"type": "boolean", "default": True,
                    "description": "may be suggested to other attendees as someone to meet"}}}}}


def op(summary: str, ok: str, *errors: str, body: dict | None = None, organizer: bool = True, media=None) -> dict:
    answer = {"description": ok}
    if media:
        answer["content"] = {media: {}}
    problems = {status: {"description": HTTP_STATUS_CODES[int(status)], **PROBLEM} for status in errors}
    operation = {"summary": summary, "responses": {ok.split()[0]: answer, **problems}}
    if body:
        operation["requestBody"] = {"required": True, "content": {"application/json": {"schema": body}}}
    if organizer:
        operation["security"] = ORGANIZER
    return operation


@lru_cache(maxsize=1)
def document() -> dict:
    return openapi_document("Rapport Badge service", "Events, attendees, and signed QR badges that print well, "
                            "in Arabic and English. Organizer endpoints need `Authorization: Bearer <token>`.", {
        "/v1/events": {"post": op("Create an event", "201 created", "401", "415", "422", body=EVENT)},
        "/v1/events/{id}": {"get": op("An event", "200 the event", "401", "404"),
                            "patch": op("Update an event", "200 updated", "401", "404", "409", "422", body=EVENT)},
        "/v1/events/{id}/close": {"post": op("Close an event (publishes event.closed)", "200 closed", "401", "404")},
        "/v1/events/{id}/attendees": {
            "post": op("Register an attendee: returns badge_token, short_code and the private scanner_token",
                       "201 registered", "401", "404", "409", "422", body=ATTENDEE),
            "get": op("The event's attendees", "200 list", "401", "404")},
        "/v1/events/{id}/attendees/{attendee_id}": {"get": op("One attendee of this event", "200 attendee",
                                                              "401", "404")},
        "/v1/events/{id}/attendees/import": {"post": op(
            "Import attendees from a UTF-8 CSV (body or form field 'file'); rows with a known email update "
            "that attendee", "200 counts of created, updated and unchanged rows, and each rejected row with its "
            "line and reason", "401", "404", "409", "413", "422")},
        "/v1/attendees/{id}": {"get": op("An attendee", "200 attendee", "401", "404"),
                               "patch": op("Update an attendee", "200 updated", "401", "404", "409", "422",
                                           body=ATTENDEE),
                               "delete": op("Erase an attendee everywhere (publishes attendee.erased)",
                                            "204 erased", "401", "404")},
        "/v1/attendees/{id}/reissue": {"post": op("Reissue a lost badge: new token and short code, the old ones "
                                                  "are refused, and so is the old private link", "200 reissued",
                                                  "401", "404", "409")},
        "/v1/attendees/{id}/private-link": {"post": op(
            "A new private link: the old /me link, scanner token and identity cookies are refused in every "
            "service", "200 renewed", "401", "404")},
        "/v1/attendees/{id}/badge.png": {"get": op("The badge at print resolution", "200 PNG", "401", "404",
                                                   media="image/png")},
        "/v1/events/{id}/badges.pdf": {"get": op(
            "Print sheets: paper=a4|letter, or layout=a4-a6|a4-a7|letter|avery-5395|single-a6; sides=2 for "
            "double-sided", "200 PDF", "400", "401", "404", "409", media="application/pdf")},
        "/me/{private_token}": {"get": op("The attendee's own page (private link)", "200 HTML", "404",
                                          organizer=False),
                                "post": op("Save headline, interests and consent", "303 saved", "404", "422",
                                           organizer=False)},
    })
