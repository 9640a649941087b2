"""The follow-up service's OpenAPI document (served at /openapi.json and, readable, at /docs)."""

from __future__ import annotations

from functools import lru_cache

from werkzeug.http import HTTP_STATUS_CODES

from shared.web import openapi_document

PROBLEM = {"content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}


def problems(*statuses: str) -> dict:
    return {status: {"description": HTTP_STATUS_CODES[int(status)], **PROBLEM} for status in statuses}


def query(name: str, description: str, schema: dict) -> dict:
    return {"name": name, "in": "query", "required": False, "description": description, "schema": schema}


def json_answer(description: str, schema: dict) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def json_body(schema: dict) -> dict:
    return {"required": True, "content": {"application/json": {"schema": schema}}}


STATUS = {"enum": ["queued", "sending", "finishing", "sent", "deferred", "unconfirmed", "failed", "skipped"]}
COUNTS = {"type": "object", "additionalProperties": {"type": "integer"}}
FOLLOWUPS = {
    "type": "object",
    "required": ["event_id", "summary", "by_campaign", "items", "next_after"],
    "properties": {
        "event_id": {"type": "string"},
        "unsubscribed_at": {"type": ["string", "null"], "description": "with attendee_id only"},
        "summary": COUNTS,
        "by_campaign": {"type": "object", "additionalProperties": COUNTS},
        "items": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "id": {"type": "integer"},
                    "attendee_id": {"type": "string"},
                    "name": {"type": "string"},
                    "campaign": {"type": "string"},
                    "status": STATUS,
                    "attempts": {"type": "integer"},
                    "last_error": {"type": ["string", "null"]},
                    "sent_at": {"type": ["string", "null"]},
                    "contacts": {"type": ["integer", "null"]},
                    "resend": {"type": ["boolean", "null"]},
                    "followed_up": {"type": ["integer", "null"]},
                },
            },
        },
        "next_after": {
            "type": ["integer", "null"],
            "description": "the next page's `after` (null: the last page)",
        },
    },
}
WORDING = {
    "type": "object",
    "properties": {
        "subject": {"type": "string", "maxLength": 150},
        "opening": {"type": "string", "maxLength": 1000},
        "signature": {"type": "string", "maxLength": 150},
    },
}
WORDINGS = {
    "type": "object",
    "additionalProperties": {
        "type": "object",
        "properties": {
            **WORDING["properties"],
            "default_signature": {"type": "string"},
            "custom": {"type": "boolean"},
        },
    },
}
EMAIL = {
    "description": "the rendered email",
    "content": {
        "text/html": {},
        "text/plain": {},
        "application/json": {
            "schema": {
                "type": "object",
                "required": ["subject", "text", "html"],
                "properties": {
                    "attendee_id": {"type": "string"},
                    "campaign": {"type": "string"},
                    "language": {"enum": ["ar", "en"]},
                    "subject": {"type": "string"},
                    "text": {"type": "string"},
                    "html": {"type": "string"},
                    "contacts": {"type": "integer", "description": "how many people it names"},
                    "consent_followup": {"type": "boolean"},
                    "unsubscribed": {"type": "boolean"},
                },
            }
        },
    },
}
PREVIEW_QUERY = [
    query("format", "html, text or json", {"enum": ["html", "text", "json"], "default": "html"}),
    query("campaign", '"followup" or "nudge-<days>"', {"type": "string"}),
]
HTML = {"description": "HTML page", "content": {"text/html": {}}}
PAGE_404 = {"404": {"description": "not a link of ours, or its reader is no longer known", **PROBLEM}}
ORGANIZER = [{"bearer": []}]


@lru_cache(maxsize=1)
def document() -> dict:
    return openapi_document(
        "Rapport Follow-up service",
        "After the event, one personal great-to-meet-you email per "
        "attendee, and gentle nudges. Organizer endpoints take `Authorization: Bearer "
        "<RAPPORT_ADMIN_TOKEN>`.",
        {
            "/v1/events/{event_id}/followups": {
                "get": {
                    "summary": "Delivery status: counts per status (queued, sending, finishing, sent, deferred, "
                    "unconfirmed, failed, skipped) and campaign, unsubscribed attendees, and one item per "
                    "email, paged by id",
                    "security": ORGANIZER,
                    "parameters": [
                        query("status", "only this status", STATUS),
                        query(
                            "campaign",
                            '"welcome", "signin", "followup" or "nudge-<days>"',
                            {"type": "string"},
                        ),
                        query(
                            "limit",
                            "page size (1-1000)",
                            {"type": "integer", "minimum": 1, "maximum": 1000, "default": 200},
                        ),
                        query("after", "the previous page's next_after", {"type": "integer", "minimum": 0}),
                        query(
                            "attendee_id",
                            "only this attendee's emails; the answer then also has their unsubscribed_at",
                            {"type": "string"},
                        ),
                    ],
                    "responses": {
                        "200": json_answer("summary and items", FOLLOWUPS),
                        **problems("400", "401", "404", "422"),
                    },
                }
            },
            "/v1/events/{event_id}/attendees/{attendee_id}/followup/preview": {
                "get": {
                    "summary": "The email this attendee would get now, before or after the event closes",
                    "security": ORGANIZER,
                    "parameters": PREVIEW_QUERY,
                    "responses": {
                        "200": EMAIL,
                        "404": {
                            "description": "unknown attendee, or nothing would be sent (nothing_to_send)",
                            **PROBLEM,
                        },
                        **problems("400", "401"),
                    },
                },
                "post": {
                    "summary": "Live preview: the same email with a draft wording (subject, opening, signature) "
                    "in the attendee's language, not saved",
                    "security": ORGANIZER,
                    "parameters": PREVIEW_QUERY,
                    "requestBody": json_body(WORDING),
                    "responses": {"200": EMAIL, **problems("400", "401", "404", "413", "415", "422")},
                },
            },
            "/v1/events/{event_id}/followup/wording": {
                "get": {
                    "summary": "The organizer's subject, opening and signature per language (empty: Rapport's text)",
                    "security": ORGANIZER,
                    "responses": {"200": json_answer("by language", WORDINGS), **problems("401", "404")},
                }
            },
            "/v1/events/{event_id}/followup/wording/{lang}": {
                "put": {
                    "summary": "Save the organizer's wording for a language ({first} and {event} may be used)",
                    "security": ORGANIZER,
                    "requestBody": json_body(WORDING),
                    "parameters": [
                        {"name": "lang", "in": "path", "required": True, "schema": {"enum": ["ar", "en"]}}
                    ],
                    "responses": {
                        "200": json_answer(
                            "saved",
                            {
                                "type": "object",
                                "properties": {"language": {"enum": ["ar", "en"]}, **WORDING["properties"]},
                            },
                        ),
                        **problems("400", "401", "404", "413", "415", "422"),
                    },
                },
                "delete": {
                    "summary": "Reset a language to Rapport's text",
                    "security": ORGANIZER,
                    "parameters": [
                        {"name": "lang", "in": "path", "required": True, "schema": {"enum": ["ar", "en"]}}
                    ],
                    "responses": {"204": {"description": "reset"}, **problems("401", "404")},
                },
            },
            "/v1/events/{event_id}/attendees/{attendee_id}/welcome": {
                "post": {
                    "summary": "Send this attendee their welcome email (badge, private link, short code) once more; "
                    "queued: false when one is already on its way",
                    "security": ORGANIZER,
                    "responses": {
                        "202": json_answer(
                            "queued",
                            {
                                "type": "object",
                                "required": ["queued"],
                                "properties": {
                                    "attendee_id": {"type": "string"},
                                    "queued": {"type": "boolean"},
                                    "detail": {"type": "string"},
                                },
                            },
                        ),
                        **problems("401", "404"),
                    },
                }
            },
            "/v1/events/{event_id}/welcome": {
                "post": {
                    "summary": "Send the welcome email to every attendee not yet sent one (never sent, failed or skipped), "
                    "whatever the event's welcome setting",
                    "security": ORGANIZER,
                    "responses": {
                        "202": json_answer(
                            "how many were queued",
                            {
                                "type": "object",
                                "required": ["queued"],
                                "properties": {"event_id": {"type": "string"}, "queued": {"type": "integer"}},
                            },
                        ),
                        **problems("401", "404"),
                    },
                }
            },
            "/v1/events/{event_id}/attendees/{attendee_id}/welcome/preview": {
                "get": {
                    "summary": "The welcome email this attendee gets (the badge as a data: URI)",
                    "security": ORGANIZER,
                    "parameters": [
                        query("format", "html or text", {"enum": ["html", "text"], "default": "html"})
                    ],
                    "responses": {
                        "200": {
                            "description": "the rendered email",
                            "content": {"text/html": {}, "text/plain": {}},
                        },
                        **problems("400", "401", "404"),
                    },
                }
            },
            "/u/{token}": {
                "get": {"summary": "Unsubscribe page (one button)", "responses": {"200": HTML, **PAGE_404}},
                "post": {
                    "summary": "Unsubscribe (RFC 8058 one-click target)",
                    "responses": {"200": HTML, **PAGE_404},
                },
            },
            "/d/{token}/{contact_id}": {
                "get": {
                    "summary": "Mark a person as followed up: page",
                    "responses": {"200": HTML, **PAGE_404},
                },
                "post": {
                    "summary": "Mark a person as followed up (no more nudges about them)",
                    "responses": {"200": HTML, **PAGE_404},
                },
            },
            "/v/{token}/{contact_id}": {
                "get": {
                    "summary": "A contact's vCard, only while they agree to share it",
                    "responses": {"200": {"description": "vCard", "content": {"text/vcard": {}}}, **PAGE_404},
                }
            },
        },
    )
