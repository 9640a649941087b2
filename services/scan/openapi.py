"""The scan service's OpenAPI document (served at /openapi.json and, readable, at /docs)."""

from __future__ import annotations

from functools import lru_cache

from werkzeug.http import HTTP_STATUS_CODES

from shared.web import openapi_document

PROBLEM = {"content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}
SCAN = {"type": "object", "required": ["scanned", "client_scan_id"], "properties": {
    "scanned": {"type": "string", "description": "the QR text (badge URL or token) or a six-character short code"},
    "note": {"type": "string", "maxLength": 2000, "description": "what you talked about"},
    "tags": {"type": "array", "items": {"type": "string", "maxLength": 40}, "maxItems": 8},
    "client_scan_id": {"type": "string", "pattern": "^[A-Za-z0-9_.:-]{1,64}$",
                       "description": "chosen by the phone, the same on every retry"},
    "scanned_at": {"type": "string", "format": "date-time", "description": "when it really happened (offline)"}}}


def problems(*statuses: str) -> dict:
    return {status: {"description": HTTP_STATUS_CODES[int(status)], **PROBLEM} for status in statuses}


@lru_cache(maxsize=1)
def document() -> dict:
    return openapi_document("Rapport Scan service", "Records a meeting when one attendee scans another's badge. "
                            "Authenticate with `Authorization: Bearer <scanner_token>` (the attendee's private "
                            "token from the badge service).", {
        "/v1/scans": {"post": {
            "summary": "Record a meeting. Refusal codes: invalid_input, unreadable, self_scan, other_event, "
                       "revoked, forged, unknown_short_code, event_closed, rate_limited (with Retry-After), "
                       "bad_scanner_token / unknown_scanner (401).",
            "security": [{"bearer": []}],
            "requestBody": {"required": True, "content": {"application/json": {"schema": SCAN}}},
            "responses": {"201": {"description": "a new scan; `mutual` when the other person scanned you too"},
                          "200": {"description": "a retry of the same client_scan_id (`duplicate: true`)"},
                          **problems("401", "404", "409", "410", "415", "422", "429")}}},
        "/v1/me/scans": {"get": {"summary": "The scanner's own saved scans, newest first",
                                 "security": [{"bearer": []}],
                                 "responses": {"200": {"description": "list"}, **problems("401")}}},
        "/i/{private_token}": {"get": {"summary": "An attendee's own link: remembers them on this phone (cookie)",
                                       "responses": {"303": {"description": "to the scanner"}, **problems("404")}}},
        "/c/{badge_token}": {
            "get": {"summary": "What a badge's QR opens: who you met, and a note to save",
                    "responses": {"200": {"description": "HTML page"}, **problems("404", "410")}},
            "post": {"summary": "Save the meeting from the page (cookie and CSRF token)",
                     "responses": {"201": {"description": "saved"}, **problems("403", "409", "422", "429")}}},
        "/scan": {"get": {"summary": "The in-browser scanner: camera, short codes, offline queue",
                          "responses": {"200": {"description": "HTML page"}}}},
        "/scan/save": {"post": {"summary": "The scanner page's save (cookie and X-CSRF-Token), body as /v1/scans",
                                "responses": {"201": {"description": "saved"}, "200": {"description": "retry"},
                                              **problems("401", "403", "422", "429")}}},
    })
