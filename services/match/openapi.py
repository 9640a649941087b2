"""The match service's OpenAPI document (served at /openapi.json and, readable, at /docs)."""

from __future__ import annotations

from functools import lru_cache

from werkzeug.http import HTTP_STATUS_CODES

from shared.web import openapi_document

PROBLEM = {"content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}
SUGGESTION = {"type": "object", "properties": {
    "rank": {"type": "integer", "minimum": 1}, "attendee_id": {"type": "string"}, "name": {"type": "string"},
    "headline": {"type": "string"}, "company": {"type": "string"},
    "reason": {"type": "string", "description": "why, in the reader's language"}}}


def problems(*statuses: str) -> dict:
    return {status: {"description": HTTP_STATUS_CODES[int(status)], **PROBLEM} for status in statuses}


@lru_cache(maxsize=1)
def document() -> dict:
    return openapi_document("Rapport Match service", "Who each attendee should meet next, and why: what one "
                            "seeks, the other can give. Authenticate with `Authorization: Bearer <scanner_token>` "
                            "(the attendee's private token from the badge service).", {
        "/v1/me/suggestions": {"get": {
            "summary": "My top five people to meet, best first, at most two from one company; never people I "
                       "met, dismissed, from my company, or who opted out.",
            "security": [{"bearer": []}],
            "parameters": [{"name": "lang", "in": "query", "schema": {"type": "string", "enum": ["ar", "en"]},
                            "description": "language of the reasons (default: mine)"}],
            "responses": {"200": {"description": "suggestions", "content": {"application/json": {"schema": {
                "type": "object", "properties": {"suggestions": {"type": "array", "items": SUGGESTION}}}}}},
                **problems("401", "422")}}},
        "/v1/me/suggestions/{attendee_id}/dismiss": {"post": {
            "summary": "Not now: never suggest this person to me again (idempotent).",
            "security": [{"bearer": []}],
            "responses": {"200": {"description": "dismissed"}, **problems("401", "404")}}},
    })
