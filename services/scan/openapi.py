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

CONTACT = {"type": "object", "properties": {
    "id": {"type": "string"}, "name": {"type": "string"}, "headline": {"type": "string"},
    "company": {"type": "string"}, "title": {"type": "string"},
    "met_at": {"type": "string", "format": "date-time"},
    "last_at": {"type": "string", "format": "date-time", "description": "my latest scan of them: the order"},
    "i_scanned": {"type": "boolean"}, "they_scanned": {"type": "boolean"}, "mutual": {"type": "boolean"},
    "saved_you": {"type": "boolean", "description": "they scanned me, I have not scanned them"},
    "notes": {"type": "array", "items": {"type": "string"}}, "tags": {"type": "array", "items": {"type": "string"}},
    "email": {"type": ["string", "null"], "description": "only when they agreed to share"}}}
EDIT = {"type": "object", "minProperties": 1, "additionalProperties": False, "properties": {
    "notes": {"type": "array", "maxItems": 20, "items": {"type": "string", "maxLength": 2000}},
    "tags": {"type": "array", "maxItems": 8, "items": {"type": "string", "maxLength": 40}}}}


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
        "/v1/me/people": {"get": {
            "summary": "My people: everyone I scanned, newest first, with my notes and tags, and the people who "
                       "scanned me and agree to share (`saved_you`); `email` only where that person agreed. "
                       "`?q=` searches name, company, headline, notes and tags. Scanner token as bearer, or the "
                       "identity cookie.",
            "security": [{"bearer": []}],
            "parameters": [{"name": "q", "in": "query", "schema": {"type": "string"}}],
            "responses": {"200": {"description": "`{\"people\": [...]}`", "content": {
                "application/json": {"schema": {"type": "object", "properties": {
                    "people": {"type": "array", "items": CONTACT}}}}}}, **problems("401")}}},
        "/v1/me/people/{attendee_id}": {"patch": {
            "summary": "Replace my notes and/or tags about someone I met (`[]` deletes them; an omitted key is "
                       "kept). Tags may be separated by , ، ; or ؛. The follow-up email uses the latest. With the "
                       "identity cookie, send the page's `X-CSRF-Token`. Refusal codes: invalid_input, not_met (404: "
                       "not someone you met, or of another event), csrf (403).",
            "security": [{"bearer": []}],
            "parameters": [{"name": "attendee_id", "in": "path", "required": True, "schema": {"type": "string"}}],
            "requestBody": {"required": True, "content": {"application/json": {"schema": EDIT}}},
            "responses": {"200": {"description": "the person, as listed", "content": {
                "application/json": {"schema": CONTACT}}}, **problems("401", "403", "404", "415", "422")}}},
        "/v1/me/people.vcf": {"get": {
            "summary": "My people as one vCard file; an email address only where its person agreed to share",
            "security": [{"bearer": []}],
            "responses": {"200": {"description": "text/vcard"}, **problems("401")}}},
        "/v1/me/lookup": {"get": {
            "summary": "Who a scanned QR (`?scanned=` its text or URL) or typed short code belongs to, before the "
                       "note is written: `person` (name, headline, company, title) and `met` (when, as `clock` in "
                       "the event's time, and my notes and tags so far) or null. Refused as a scan would be: "
                       "invalid_input, unreadable, self_scan, other_event, forged, revoked, unknown_short_code; "
                       "rate_limited (429, Retry-After) past twice the scan limit a minute.",
            "security": [{"bearer": []}],
            "parameters": [{"name": "scanned", "in": "query", "required": True, "schema": {"type": "string"}}],
            "responses": {"200": {"description": "`{\"person\": {...}, \"met\": {...} | null}`"},
                          **problems("401", "404", "410", "422", "429")}}},
        "/i/{private_token}": {"get": {"summary": "An attendee's own link: remembers them on this phone (cookie). "
                                                  "410 `replaced` when a newer private link was made",
                                       "responses": {"303": {"description": "to the scanner"},
                                                     **problems("404", "410")}}},
        "/v1/signin": {"post": {
            "summary": "Email me a one-time sign-in link (works once, for 30 minutes). The same 202 body whether "
                       "or not the email is registered for the event; limited per email and per client address "
                       "(429 rate_limited, Retry-After). `next`: a path on this site to come back to. The email "
                       "goes out from the follow-up service's mail outbox (campaign `signin`), in the person's "
                       "language.",
            "requestBody": {"required": True, "content": {"application/json": {"schema": {
                "type": "object", "required": ["email", "event_id"], "properties": {
                    "email": {"type": "string", "format": "email"}, "event_id": {"type": "string"},
                    "next": {"type": "string"}}}}}},
            "responses": {"202": {"description": "`{\"status\": \"accepted\", \"detail\": ...}`"},
                          **problems("415", "422", "429")}}},
        "/signin": {"get": {"summary": "The sign-in form (email only); `?event=` and `?next=`",
                            "responses": {"200": {"description": "HTML page"}}},
                    "post": {"summary": "The form's post (its CSRF nonce cookie): the same page either way",
                             "responses": {"200": {"description": "HTML page"}, **problems("403", "422", "429")}}},
        "/s/{signin_token}": {"get": {
            "summary": "A sign-in link from the email: sets the identity cookie once and returns to the page the "
                       "person came from (with the note they had typed)",
            "responses": {"303": {"description": "back where they were"}, **problems("404", "410")}}},
        "/c/{badge_token}": {
            "get": {"summary": "What a badge's QR opens: who you met, and a note to save",
                    "responses": {"200": {"description": "HTML page"}, **problems("404", "410")}},
            "post": {"summary": "Save the meeting from the page (cookie and CSRF token)",
                     "responses": {"201": {"description": "saved"}, **problems("403", "409", "422", "429")}}},
        "/c/{badge_token}/signin": {"post": {
            "summary": "The badge page's sign-in form: the email, and the note and tags kept with the link",
            "responses": {"200": {"description": "HTML page"}, **problems("403", "404", "422", "429")}}},
        "/scan": {"get": {"summary": "The in-browser scanner: camera, short codes, offline queue",
                          "responses": {"200": {"description": "HTML page"}}}},
        "/scan/save": {"post": {"summary": "The scanner page's save (cookie and X-CSRF-Token), body as /v1/scans",
                                "responses": {"201": {"description": "saved"}, "200": {"description": "retry"},
                                              **problems("401", "403", "422", "429")}}},
    })
