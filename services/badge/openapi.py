"""The badge service's OpenAPI document (served at /openapi.json and, readable, at /docs)."""

from __future__ import annotations

from functools import lru_cache

from werkzeug.http import HTTP_STATUS_CODES

from shared.web import openapi_document

PROBLEM = {"content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}
ORGANIZER = [{"bearer": []}]

EVENT = {
    "type": "object",
    "required": ["name", "starts_at", "ends_at"],
    "properties": {
        "name": {"type": "string", "maxLength": 200},
        "venue": {"type": "string", "maxLength": 200},
        "starts_at": {"type": "string", "format": "date-time"},
        "ends_at": {"type": "string", "format": "date-time"},
        "timezone": {"type": "string", "description": "IANA zone, e.g. Asia/Riyadh"},
        "language": {"enum": ["ar", "en"], "description": "default language of its attendees"},
        "contact_email": {
            "type": "string",
            "anyOf": [{"format": "email"}, {"maxLength": 0}],
            "description": "the organizers' address: Reply-To of the event's emails (empty: none)",
        },
        "followup_at": {
            "type": ["string", "null"],
            "format": "date-time",
            "description": "when the follow-up goes out (empty: 09:00 the first morning 6 h after the close)",
        },
        "meeting_point": {
            "type": ["string", "null"],
            "maxLength": 200,
            "description": "one line: where two attendees who agreed to meet find each other, such as "
            '"the coffee bar by hall B" (empty or null: none)',
        },
        "welcome": {
            "enum": ["on_registration", "scheduled", "off"],
            "default": "on_registration",
            "description": "the welcome email (badge, private link, short code): as each attendee is "
            "registered, everyone at welcome_at, or off (send your own, with private_url)",
        },
        "welcome_at": {
            "type": ["string", "null"],
            "format": "date-time",
            "description": "when the scheduled welcome emails go out (required when welcome is scheduled)",
        },
    },
}
ATTENDEE = {
    "type": "object",
    "required": ["name", "email"],
    "properties": {
        "name": {"type": "string", "maxLength": 120},
        "email": {"type": "string", "format": "email"},
        "company": {"type": "string", "maxLength": 120},
        "title": {"type": "string", "maxLength": 120},
        "headline": {"type": "string", "maxLength": 140, "description": "one line: what they care about"},
        "interests": {"type": "array", "items": {"type": "string", "maxLength": 40}, "maxItems": 8},
        "language": {"enum": ["ar", "en"]},
        "can_help_with": {
            "type": "string",
            "maxLength": 200,
            "description": "what they can give others, any language",
        },
        "looking_for": {
            "type": "string",
            "maxLength": 200,
            "description": "what they hope to find at this event",
        },
        "consent": {
            "type": "object",
            "properties": {
                "followup": {"type": "boolean", "default": False},
                "share_contact": {"type": "boolean", "default": False},
                "suggest": {
                    "type": "boolean",
                    "default": True,
                    "description": "may be suggested to other attendees as someone to meet",
                },
            },
        },
    },
}


EVENT_OUT = {
    "type": "object",
    "required": ["id", "name", "starts_at", "ends_at", "status"],
    "properties": {
        **EVENT["properties"],
        "id": {"type": "string"},
        "meeting_point": {"type": "string"},
        "status": {"enum": ["open", "closed"]},
        "closed_at": {"type": ["string", "null"], "format": "date-time"},
    },
}
ATTENDEE_OUT = {
    "type": "object",
    "required": [
        "id",
        "event_id",
        "name",
        "email",
        "short_code",
        "badge_token",
        "scanner_token",
        "private_url",
    ],
    "properties": {
        **ATTENDEE["properties"],
        "id": {"type": "string"},
        "event_id": {"type": "string"},
        "short_code": {"type": "string"},
        "badge_token": {"type": "string", "description": "public: in the QR"},
        "badge_url": {"type": "string"},
        "badge_png": {"type": "string"},
        "scanner_token": {"type": "string", "description": "private: the attendee's own, never printed"},
        "private_url": {"type": "string", "description": "the attendee's own page"},
    },
}
EVENT_LIST = {
    "type": "object",
    "required": ["event", "attendees"],
    "properties": {"event": EVENT_OUT, "attendees": {"type": "array", "items": ATTENDEE_OUT}},
}
IMPORTED = {
    "type": "object",
    "required": ["created", "updated", "unchanged", "rejected"],
    "properties": {
        "created": {"type": "integer"},
        "updated": {"type": "integer"},
        "unchanged": {"type": "integer"},
        "rejected": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "line": {"type": "integer"},
                    "reason": {"type": "string"},
                    "errors": {
                        "type": "object",
                        "additionalProperties": {"type": "string"},
                        "description": "each field's message, when the row's fields were refused",
                    },
                },
            },
        },
    },
}
CSV_UPLOAD = {
    "required": True,
    "content": {
        "text/csv": {"schema": {"type": "string"}},
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "required": ["file"],
                "properties": {"file": {"type": "string", "format": "binary"}},
            }
        },
    },
}
SELF_FORM = {
    "type": "object",
    "properties": {
        "headline": {"type": "string"},
        "interests": {"type": "string", "description": "comma separated"},
        "looking_for": {"type": "string"},
        "can_help_with": {"type": "string"},
        **{
            flag: {"enum": ["on"], "description": "a checked box; absent: no"}
            for flag in ("followup", "share_contact", "suggest")
        },
    },
}
HTML = "text/html"
# What any request with a body may be refused for: not JSON (400), too big (413), not the
# documented media type (415), and not valid (422).
BODY_REFUSALS = ("400", "413", "415", "422")


def op(
    summary: str,
    ok: str,
    *errors: str,
    body: dict | None = None,
    organizer: bool = True,
    media=None,
    schema: dict | None = None,
    request_body: dict | None = None,
    error_media: str | None = None,
    parameters: list | None = None,
) -> dict:
    """One operation. `ok` is "<status> <description>"; `schema` the JSON body of that answer, `media`
    its media type when it is not JSON; `error_media` the media type of refusals when a page shows
    them (HTML) rather than problem+json."""
    answer = {"description": ok}
    if schema:
        answer["content"] = {"application/json": {"schema": schema}}
    elif media:
        answer["content"] = {media: {}}
    statuses = (
        set(errors)
        | (set(BODY_REFUSALS) if body or request_body else set())
        | ({"401"} if organizer else set())
    )
    refusal = {"content": {error_media: {}}} if error_media else PROBLEM
    problems = {
        status: {"description": HTTP_STATUS_CODES[int(status)], **refusal} for status in sorted(statuses)
    }
    operation = {"summary": summary, "responses": {ok.split()[0]: answer, **problems}}
    if body:
        operation["requestBody"] = {"required": True, "content": {"application/json": {"schema": body}}}
    if request_body:
        operation["requestBody"] = request_body
    if organizer:
        operation["security"] = ORGANIZER
    if parameters:
        operation["parameters"] = parameters
    return operation


def query(name: str, schema: dict, description: str = "") -> dict:
    return {"name": name, "in": "query", "required": False, "schema": schema, "description": description}


@lru_cache(maxsize=1)
def document() -> dict:
    return openapi_document(
        "Rapport Badge service",
        "Events, attendees, and signed QR badges that print well, "
        "in Arabic and English. Organizer endpoints need `Authorization: Bearer <token>`.",
        {
            "/v1/events": {"post": op("Create an event", "201 created", body=EVENT, schema=EVENT_OUT)},
            "/v1/events/{event_id}": {
                "get": op("An event", "200 the event", "404", schema=EVENT_OUT),
                "patch": op("Update an event", "200 updated", "404", "409", body=EVENT, schema=EVENT_OUT),
            },
            "/v1/events/{event_id}/close": {
                "post": op("Close an event (publishes event.closed)", "200 closed", "404", schema=EVENT_OUT)
            },
            "/v1/events/{event_id}/attendees": {
                "post": op(
                    "Register an attendee: returns badge_token, short_code and the private scanner_token",
                    "201 registered",
                    "404",
                    "409",
                    body=ATTENDEE,
                    schema=ATTENDEE_OUT,
                ),
                "get": op("The event and its attendees", "200 list", "404", schema=EVENT_LIST),
            },
            "/v1/events/{event_id}/badges/verify": {
                "post": op(
                    "Check a scanned badge at the door: the attendee it belongs to, if it is this event's and not revoked",
                    "200 attendee",
                    "404",
                    "409",
                    "410",
                    body={
                        "type": "object",
                        "required": ["token"],
                        "properties": {
                            "token": {"type": "string", "description": "the QR text: the badge URL or token"}
                        },
                    },
                    schema=ATTENDEE_OUT,
                )
            },
            "/v1/events/{event_id}/attendees/{attendee_id}": {
                "get": op("One attendee of this event", "200 attendee", "404", schema=ATTENDEE_OUT)
            },
            "/v1/events/{event_id}/attendees/import": {
                "post": op(
                    "Import attendees from a UTF-8 CSV (body or form field 'file'); rows with a known email update "
                    "that attendee",
                    "200 counts of created, updated and unchanged rows, and each rejected row with its "
                    "line and reason",
                    "404",
                    "409",
                    request_body=CSV_UPLOAD,
                    schema=IMPORTED,
                )
            },
            "/v1/attendees/{attendee_id}": {
                "get": op("An attendee", "200 attendee", "404", schema=ATTENDEE_OUT),
                "patch": op(
                    "Update an attendee", "200 updated", "404", "409", body=ATTENDEE, schema=ATTENDEE_OUT
                ),
                "delete": op("Erase an attendee everywhere (publishes attendee.erased)", "204 erased", "404"),
            },
            "/v1/attendees/{attendee_id}/reissue": {
                "post": op(
                    "Reissue a lost badge: new token and short code, the old ones are refused, and so is the old private "
                    "link",
                    "200 reissued",
                    "404",
                    "409",
                    schema=ATTENDEE_OUT,
                )
            },
            "/v1/attendees/{attendee_id}/private-link": {
                "post": op(
                    "A new private link: the old /me link, scanner token and identity cookies are refused in every "
                    "service",
                    "200 renewed",
                    "404",
                    schema=ATTENDEE_OUT,
                )
            },
            "/v1/data-keys": {
                "post": op(
                    "Attendees' data keys, for Rapport's own services to open sealed bus fields "
                    "(bearer: the service token derived from RAPPORT_SECRET_KEY); an id left out is erased",
                    "200 the keys of those still registered",
                    "401",
                    "422",
                    organizer=False,
                    body={
                        "type": "object",
                        "required": ["attendee_ids"],
                        "properties": {
                            "attendee_ids": {"type": "array", "items": {"type": "string"}, "maxItems": 1000}
                        },
                    },
                    schema={
                        "type": "object",
                        "required": ["keys"],
                        "properties": {
                            "keys": {
                                "type": "object",
                                "additionalProperties": {"type": "string", "contentEncoding": "base64"},
                            }
                        },
                    },
                )
            },
            "/v1/attendees/{attendee_id}/badge.png": {
                "get": op("The badge at print resolution", "200 PNG", "404", media="image/png")
            },
            "/v1/events/{event_id}/badges.pdf": {
                "get": op(
                    "Print sheets for the event's attendees",
                    "200 PDF",
                    "400",
                    "404",
                    "409",
                    media="application/pdf",
                    parameters=[
                        query("paper", {"enum": ["a4", "letter"], "default": "a4"}),
                        query(
                            "layout",
                            {"enum": ["a4-a6", "a4-a7", "letter", "avery-5395", "single-a6"]},
                            "overrides paper",
                        ),
                        query("sides", {"enum": ["1", "2"], "default": "1"}, "2: double-sided"),
                        query("force", {"enum": ["1"]}, "print even though the badge URL is not public"),
                        query(
                            "attendees",
                            {"type": "string"},
                            "comma-separated attendee ids: print only their badges",
                        ),
                    ],
                )
            },
            "/me/{token}": {
                "get": op(
                    "The attendee's own page (private link)",
                    "200 HTML",
                    "404",
                    "410",
                    organizer=False,
                    media=HTML,
                    error_media=HTML,
                    parameters=[query("lang", {"enum": ["ar", "en"]}), query("saved", {"type": "string"})],
                ),
                "post": op(
                    "Save headline, interests and consent",
                    "303 saved",
                    "404",
                    "410",
                    "422",
                    organizer=False,
                    error_media=HTML,
                    parameters=[query("lang", {"enum": ["ar", "en"]})],
                    request_body={
                        "required": True,
                        "content": {"application/x-www-form-urlencoded": {"schema": SELF_FORM}},
                    },
                ),
            },
            "/me/{token}/badge.png": {
                "get": op(
                    "The attendee's own badge",
                    "200 PNG",
                    "404",
                    "410",
                    organizer=False,
                    media="image/png",
                    error_media=HTML,
                    parameters=[query("download", {"type": "string"}, "any value: as a file")],
                )
            },
        },
    )
