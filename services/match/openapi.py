"""The match service's OpenAPI document (served at /openapi.json and, readable, at /docs)."""

from __future__ import annotations

from functools import lru_cache

from werkzeug.http import HTTP_STATUS_CODES

from shared.web import openapi_document

PROBLEM = {"content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}
SUGGESTION = {
    "type": "object",
    "properties": {
        "rank": {"type": "integer", "minimum": 1},
        "attendee_id": {"type": "string"},
        "name": {"type": "string"},
        "headline": {"type": "string"},
        "company": {"type": "string"},
        "reason": {"type": "string", "description": "why, in the reader's language"},
    },
}

REQUEST = {
    "type": "object",
    "properties": {
        "id": {"type": "string"},
        "direction": {"enum": ["received", "sent"]},
        "status": {"enum": ["pending", "accepted", "declined"]},
        "person": {"type": "object", "description": "the other person: attendee_id, name, headline, company"},
        "reason": {"type": "string", "description": "why we two fit, in the reader's language (`?lang=`)"},
        "created_at": {"type": "string", "format": "date-time"},
        "meeting": {
            "type": ["object", "null"],
            "description": "once accepted: the event's meeting_point, the other "
            "person's short_code, accepted_at",
        },
    },
}
MATCHES = {
    "type": "array",
    "items": SUGGESTION,
    "description": "the best `top`, each with `reason_kind`: both_ways, "
    "they_help, you_help, shared, about, or fallback (nothing specific)",
}
REQUEST_JSON = {"content": {"application/json": {"schema": REQUEST}}}


def problems(*statuses: str) -> dict:
    return {status: {"description": HTTP_STATUS_CODES[int(status)], **PROBLEM} for status in statuses}


@lru_cache(maxsize=1)
def document() -> dict:
    return openapi_document(
        "Rapport Match service",
        "Who each attendee should meet next, and why: what one "
        "seeks, the other can give. Authenticate with `Authorization: Bearer <scanner_token>` "
        "(the attendee's private token from the badge service).",
        {
            "/v1/me/suggestions": {
                "get": {
                    "summary": "My top five people to meet, best first, at most two from one company; never people I "
                    "met, dismissed, from my company, or who opted out.",
                    "security": [{"bearer": []}],
                    "parameters": [
                        {
                            "name": "lang",
                            "in": "query",
                            "schema": {"type": "string", "enum": ["ar", "en"]},
                            "description": "language of the reasons (default: mine)",
                        }
                    ],
                    "responses": {
                        "200": {
                            "description": "suggestions",
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "type": "object",
                                        "properties": {"suggestions": {"type": "array", "items": SUGGESTION}},
                                    }
                                }
                            },
                        },
                        **problems("401", "422"),
                    },
                }
            },
            "/v1/me/suggestions/{attendee_id}/dismiss": {
                "post": {
                    "summary": "Not now: never suggest this person to me again (idempotent).",
                    "security": [{"bearer": []}],
                    "responses": {
                        "200": {
                            "description": "dismissed",
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "type": "object",
                                        "required": ["dismissed"],
                                        "properties": {"dismissed": {"type": "string"}},
                                    }
                                }
                            },
                        },
                        **problems("401", "404"),
                    },
                }
            },
            "/v1/me/requests": {
                "post": {
                    "summary": "I'd like to meet this person (idempotent: asking again is the same request; if they "
                    "asked me first, this accepts theirs). Only people of my event who have not opted out "
                    "of being suggested.",
                    "security": [{"bearer": []}],
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "required": ["to"],
                                    "properties": {"to": {"type": "string", "description": "attendee_id"}},
                                }
                            }
                        },
                    },
                    "responses": {
                        "201": {"description": "sent", **REQUEST_JSON},
                        "200": {
                            "description": "the same request as before (or theirs, now accepted)",
                            **REQUEST_JSON,
                        },
                        **problems("400", "401", "403", "404", "413", "415", "422"),
                    },
                },
                "get": {
                    "summary": "Requests I received (every status) and sent, newest first. A sent request that was "
                    'answered "not now" still reads as pending.',
                    "security": [{"bearer": []}],
                    "responses": {
                        "200": {
                            "description": "my requests",
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "type": "object",
                                        "properties": {
                                            "received": {"type": "array", "items": REQUEST},
                                            "sent": {"type": "array", "items": REQUEST},
                                        },
                                    }
                                }
                            },
                        },
                        **problems("401"),
                    },
                },
            },
            "/v1/me/requests/{request_id}/accept": {
                "post": {
                    "summary": "Accept a request sent to me: both of us then see the meeting point and each other's short "
                    'code (idempotent; a "not now" can still be accepted).',
                    "security": [{"bearer": []}],
                    "responses": {
                        "200": {"description": "accepted", **REQUEST_JSON},
                        **problems("401", "404"),
                    },
                }
            },
            "/v1/me/requests/{request_id}/decline": {
                "post": {
                    "summary": "Not now: decline a request sent to me, without the asker being told (idempotent).",
                    "security": [{"bearer": []}],
                    "responses": {
                        "200": {"description": "declined", **REQUEST_JSON},
                        **problems("401", "404", "409"),
                    },
                }
            },
            "/v1/events/{event_id}/best-matches": {
                "get": {
                    "summary": "Organizers: each named attendee's best match to introduce them to (null: unknown here, or "
                    "nobody left). Needs the organizer bearer token.",
                    "security": [{"bearer": []}],
                    "parameters": [
                        {
                            "name": "attendee",
                            "in": "query",
                            "required": True,
                            "style": "form",
                            "explode": True,
                            "schema": {"type": "array", "items": {"type": "string"}, "maxItems": 100},
                        },
                        {
                            "name": "lang",
                            "in": "query",
                            "schema": {"type": "string", "enum": ["ar", "en"]},
                            "description": "language of the reasons (default: each attendee's own)",
                        },
                        {
                            "name": "top",
                            "in": "query",
                            "schema": {"type": "integer", "minimum": 1, "maximum": 5, "default": 1},
                            "description": "how many of their suggestions `matches` holds",
                        },
                    ],
                    "responses": {
                        "200": {
                            "description": "best matches",
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "type": "object",
                                        "properties": {
                                            "best_matches": {
                                                "type": "array",
                                                "items": {
                                                    "type": "object",
                                                    "properties": {
                                                        "attendee_id": {"type": "string"},
                                                        "best_match": {
                                                            "oneOf": [SUGGESTION, {"type": "null"}]
                                                        },
                                                        "matches": MATCHES,
                                                    },
                                                },
                                            }
                                        },
                                    }
                                }
                            },
                        },
                        **problems("401", "422"),
                    },
                }
            },
            "/v1/events/{event_id}/conversion": {
                "get": {
                    "summary": "Organizers: how many suggested pairs met (a scan after the suggestion was first shown).",
                    "security": [{"bearer": []}],
                    "responses": {
                        "200": {
                            "description": "figures",
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "type": "object",
                                        "properties": {
                                            "suggested_pairs": {"type": "integer"},
                                            "met_after_suggestion": {"type": "integer"},
                                            "share": {"type": "number"},
                                        },
                                    }
                                }
                            },
                        },
                        **problems("401"),
                    },
                }
            },
        },
    )
