"""The scan service's OpenAPI document (served at /openapi.json and, readable, at /docs)."""

from __future__ import annotations

from functools import lru_cache

from werkzeug.http import HTTP_STATUS_CODES

from shared.web import openapi_document

PROBLEM = {"content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}
SCAN = {
    "type": "object",
    "required": ["scanned", "client_scan_id"],
    "properties": {
        "scanned": {
            "type": "string",
            "description": "the QR text (badge URL or token) or a six-character short code",
        },
        "note": {"type": "string", "maxLength": 2000, "description": "what you talked about"},
        "tags": {"type": "array", "items": {"type": "string", "maxLength": 40}, "maxItems": 8},
        "client_scan_id": {
            "type": "string",
            "pattern": "^[A-Za-z0-9_.:-]{1,64}$",
            "description": "chosen by the phone, the same on every retry",
        },
        "scanned_at": {
            "type": "string",
            "format": "date-time",
            "description": "when it really happened (offline)",
        },
    },
}

CONTACT = {
    "type": "object",
    "properties": {
        "id": {"type": "string"},
        "name": {"type": "string"},
        "headline": {"type": "string"},
        "company": {"type": "string"},
        "title": {"type": "string"},
        "met_at": {"type": "string", "format": "date-time"},
        "last_at": {
            "type": "string",
            "format": "date-time",
            "description": "my latest scan of them: the order",
        },
        "i_scanned": {"type": "boolean"},
        "they_scanned": {"type": "boolean"},
        "mutual": {"type": "boolean"},
        "saved_you": {"type": "boolean", "description": "they scanned me, I have not scanned them"},
        "notes": {"type": "array", "items": {"type": "string"}},
        "tags": {"type": "array", "items": {"type": "string"}},
        "email": {"type": ["string", "null"], "description": "only when they agreed to share"},
    },
}
EDIT = {
    "type": "object",
    "minProperties": 1,
    "additionalProperties": False,
    "properties": {
        "notes": {"type": "array", "maxItems": 20, "items": {"type": "string", "maxLength": 2000}},
        "tags": {"type": "array", "maxItems": 8, "items": {"type": "string", "maxLength": 40}},
    },
}


PERSON = {
    "type": "object",
    "properties": {
        "id": {"type": "string"},
        "name": {"type": "string"},
        "headline": {"type": "string"},
        "company": {"type": "string"},
        "title": {"type": "string"},
    },
}
SAVED_SCAN = {
    "type": "object",
    "required": ["scan_id", "meeting_id", "client_scan_id", "duplicate", "mutual"],
    "properties": {
        "scan_id": {"type": "string"},
        "meeting_id": {"type": "string"},
        "client_scan_id": {"type": "string"},
        "duplicate": {"type": "boolean"},
        "mutual": {"type": "boolean"},
        "scanned_at": {"type": "string", "format": "date-time"},
        "note": {"type": "string"},
        "tags": {"type": "array", "items": {"type": "string"}},
        "scanned": {"oneOf": [PERSON, {"type": "null"}]},
    },
}
MY_SCANS = {
    "type": "object",
    "required": ["scans"],
    "properties": {
        "scans": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "client_scan_id": {"type": "string"},
                    "meeting_id": {"type": "string"},
                    "note": {"type": "string"},
                    "tags": {"type": "array", "items": {"type": "string"}},
                    "scanned_at": {"type": "string", "format": "date-time"},
                    "scanned": PERSON,
                },
            },
        }
    },
}
LOOKUP = {
    "type": "object",
    "required": ["person", "met"],
    "properties": {
        "person": PERSON,
        "met": {
            "oneOf": [
                {"type": "null"},
                {
                    "type": "object",
                    "properties": {
                        "met_at": {"type": "string", "format": "date-time"},
                        "clock": {"type": "string"},
                        "notes": {"type": "array", "items": {"type": "string"}},
                        "tags": {"type": "array", "items": {"type": "string"}},
                    },
                },
            ]
        },
    },
}
ACCEPTED = {
    "type": "object",
    "required": ["status"],
    "properties": {"status": {"const": "accepted"}, "detail": {"type": "string"}},
}
HTML = {"content": {"text/html": {}}}
LANG = {"name": "lang", "in": "query", "schema": {"enum": ["ar", "en"]}, "description": "the page's language"}


def problems(*statuses: str) -> dict:
    return {status: {"description": HTTP_STATUS_CODES[int(status)], **PROBLEM} for status in statuses}


def page_refusals(*statuses: str) -> dict:
    """A page's refusals: a page in the reader's language for a browser (Accept: text/html),
    problem+json for a script."""
    return {
        status: {
            "description": HTTP_STATUS_CODES[int(status)],
            "content": {"text/html": {}, **PROBLEM["content"]},
        }
        for status in statuses
    }


def json_answer(description: str, schema: dict) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def query(name: str, description: str = "", schema: dict | None = None) -> dict:
    return {"name": name, "in": "query", "schema": schema or {"type": "string"}, "description": description}


def form(properties: dict) -> dict:
    return {
        "required": True,
        "content": {
            "application/x-www-form-urlencoded": {"schema": {"type": "object", "properties": properties}}
        },
    }


def page(
    summary: str, *refusals: str, parameters: list | None = None, ok: str = "200", own: bool = False
) -> dict:
    """A page or a page's form post. `own`: one of the attendee's own pages (identity cookie), which
    shows the sign-in form (200) to a browser not signed in."""
    answer = {"description": "HTML page", **HTML} if ok == "200" else {"description": "to the next page"}
    signin = (
        {"200": {"description": "the sign-in form: this browser is not signed in", **HTML}} if own else {}
    )
    return {
        "summary": summary,
        "parameters": [LANG, *(parameters or [])],
        "responses": {**signin, ok: answer, **page_refusals(*refusals)},
    }


@lru_cache(maxsize=1)
def document() -> dict:
    return openapi_document(
        "Rapport Scan service",
        "Records a meeting when one attendee scans another's badge. "
        "Authenticate with `Authorization: Bearer <scanner_token>` (the attendee's private "
        "token from the badge service).",
        {
            "/v1/scans": {
                "post": {
                    "summary": "Record a meeting. Refusal codes: invalid_input, unreadable, self_scan, other_event, "
                    "revoked, forged, unknown_short_code, event_closed, rate_limited (with Retry-After), "
                    "bad_scanner_token / unknown_scanner (401).",
                    "security": [{"bearer": []}],
                    "requestBody": {"required": True, "content": {"application/json": {"schema": SCAN}}},
                    "responses": {
                        "201": json_answer(
                            "a new scan; `mutual` when the other person scanned you too", SAVED_SCAN
                        ),
                        "200": json_answer(
                            "a retry of the same client_scan_id (`duplicate: true`)", SAVED_SCAN
                        ),
                        **problems("400", "401", "404", "409", "410", "413", "415", "422", "429"),
                    },
                }
            },
            "/v1/events/{event_id}/scan-summary": {
                "get": {
                    "summary": "For the event's organizers (any role): scans, meetings, mutual meetings and how "
                    "many people scanned. Organizer token or the admin token as bearer.",
                    "security": [{"bearer": []}],
                    "responses": {
                        "200": json_answer("figures", {"type": "object"}),
                        **problems("401", "403"),
                    },
                }
            },
            "/v1/me/scans": {
                "get": {
                    "summary": "The scanner's own saved scans, newest first",
                    "security": [{"bearer": []}],
                    "responses": {"200": json_answer("list", MY_SCANS), **problems("401", "410")},
                }
            },
            "/v1/me/people": {
                "get": {
                    "summary": "My people: everyone I scanned, newest first, with my notes and tags, and the people who "
                    "scanned me and agree to share (`saved_you`); `email` only where that person agreed. "
                    "`?q=` searches name, company, headline, notes and tags. Scanner token as bearer, or the "
                    "identity cookie.",
                    "security": [{"bearer": []}],
                    "parameters": [query("q", "words to look for")],
                    "responses": {
                        "200": json_answer(
                            '`{"people": [...]}`',
                            {"type": "object", "properties": {"people": {"type": "array", "items": CONTACT}}},
                        ),
                        **problems("401", "410"),
                    },
                }
            },
            "/v1/me/people/{attendee_id}": {
                "patch": {
                    "summary": "Replace my notes and/or tags about someone I met (`[]` deletes them; an omitted key is "
                    "kept). Tags may be separated by , ، ; or ؛. The follow-up email uses the latest. With the "
                    "identity cookie, send the page's `X-CSRF-Token`. Refusal codes: invalid_input, not_met (404: "
                    "not someone you met, or of another event), csrf (403).",
                    "security": [{"bearer": []}],
                    "parameters": [
                        {"name": "attendee_id", "in": "path", "required": True, "schema": {"type": "string"}}
                    ],
                    "requestBody": {"required": True, "content": {"application/json": {"schema": EDIT}}},
                    "responses": {
                        "200": json_answer("the person, as listed", CONTACT),
                        **problems("400", "401", "403", "404", "410", "413", "415", "422"),
                    },
                }
            },
            "/v1/me/people.vcf": {
                "get": {
                    "summary": "My people as one vCard file; an email address only where its person agreed to share",
                    "security": [{"bearer": []}],
                    "responses": {
                        "200": {"description": "vCard 4.0", "content": {"text/vcard": {}}},
                        **problems("401", "410"),
                    },
                }
            },
            "/v1/me/lookup": {
                "get": {
                    "summary": "Who a scanned QR (`?scanned=` its text or URL) or typed short code belongs to, before the "
                    "note is written: `person` (name, headline, company, title) and `met` (when, as `clock` in "
                    "the event's time, and my notes and tags so far) or null. Refused as a scan would be: "
                    "invalid_input, unreadable, self_scan, other_event, forged, revoked, unknown_short_code; "
                    "rate_limited (429, Retry-After) past twice the scan limit a minute.",
                    "security": [{"bearer": []}],
                    "parameters": [
                        {"name": "scanned", "in": "query", "required": True, "schema": {"type": "string"}}
                    ],
                    "responses": {
                        "200": json_answer('`{"person": {...}, "met": {...} | null}`', LOOKUP),
                        **problems("401", "404", "409", "410", "422", "429"),
                    },
                }
            },
            "/i/{token}": {
                "get": page(
                    "An attendee's own link: remembers them on this phone (cookie) and goes on to "
                    "`next` (a path on this site) or the scanner. 410 `replaced` when a newer "
                    "private link was made",
                    "404",
                    "410",
                    ok="303",
                    parameters=[query("next", "a path on this site")],
                )
            },
            "/v1/signin": {
                "post": {
                    "summary": "Email me a one-time sign-in link (works once, for 30 minutes). The same 202 body whether "
                    "or not the email is registered for the event; limited per email and per client address "
                    "(429 rate_limited, Retry-After). `next`: a path on this site to come back to. The email "
                    "goes out from the follow-up service's mail outbox (campaign `signin`), in the person's "
                    "language.",
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "required": ["email", "event_id"],
                                    "properties": {
                                        "email": {"type": "string", "format": "email"},
                                        "event_id": {"type": "string"},
                                        "next": {"type": "string"},
                                    },
                                }
                            }
                        },
                    },
                    "responses": {
                        "202": json_answer("accepted, whoever the email is", ACCEPTED),
                        **problems("400", "413", "415", "422", "429"),
                    },
                }
            },
            "/signin": {
                "get": page(
                    "The sign-in form (email only)",
                    "422",
                    parameters=[query("event", "the event's id"), query("next", "a path on this site")],
                ),
                "post": {
                    **page(
                        "The form's post (its CSRF nonce cookie): the same page either way",
                        "400",
                        "403",
                        "413",
                        "415",
                        "422",
                        "429",
                    ),
                    "requestBody": form(
                        {
                            "email": {"type": "string"},
                            "event_id": {"type": "string"},
                            "next": {"type": "string"},
                            "csrf_token": {"type": "string"},
                        }
                    ),
                },
            },
            "/s/{token}": {
                "get": page(
                    "A sign-in link from the email: sets the identity cookie once and returns to "
                    "the page the person came from (with the note they had typed)",
                    "404",
                    "410",
                    ok="303",
                )
            },
            "/c/{badge_token}": {
                "get": page(
                    "What a badge's QR opens: who you met, and a note to save",
                    "404",
                    "409",
                    "410",
                    "422",
                    parameters=[
                        query("who", "`change`: sign in as someone else"),
                        query("draft", "a kept note's id"),
                    ],
                ),
                "post": {
                    **page(
                        "Save the meeting from the page (cookie and CSRF token)",
                        "400",
                        "401",
                        "403",
                        "404",
                        "409",
                        "410",
                        "413",
                        "415",
                        "422",
                        "429",
                    ),
                    "requestBody": form(
                        {
                            "note": {"type": "string"},
                            "tag": {"type": "array", "items": {"type": "string"}},
                            "client_scan_id": {"type": "string"},
                            "csrf_token": {"type": "string"},
                        }
                    ),
                },
            },
            "/c/{badge_token}/signin": {
                "post": {
                    **page(
                        "The badge page's sign-in form: the email, and the note and tags kept with the link",
                        "400",
                        "403",
                        "404",
                        "409",
                        "410",
                        "413",
                        "415",
                        "422",
                        "429",
                    ),
                    "requestBody": form(
                        {
                            "email": {"type": "string"},
                            "note": {"type": "string"},
                            "tag": {"type": "array", "items": {"type": "string"}},
                            "csrf_token": {"type": "string"},
                        }
                    ),
                }
            },
            "/scan": {"get": page("The in-browser scanner: camera, short codes, offline queue")},
            "/scan/save": {
                "post": {
                    "summary": "The scanner page's save (cookie and X-CSRF-Token), body as /v1/scans",
                    "requestBody": {"required": True, "content": {"application/json": {"schema": SCAN}}},
                    "responses": {
                        "201": json_answer("saved", SAVED_SCAN),
                        "200": json_answer("a retry", SAVED_SCAN),
                        **problems("400", "401", "403", "404", "409", "410", "413", "415", "422", "429"),
                    },
                }
            },
            "/me/people": {
                "get": page(
                    "My people, with my notes and tags (identity cookie)",
                    "410",
                    own=True,
                    parameters=[query("q", "words to look for"), query("edited", "a person's id")],
                )
            },
            "/me/people/{attendee_id}": {
                "post": {
                    **page(
                        "Save or delete my notes and tags about someone I met",
                        "400",
                        "403",
                        "404",
                        "410",
                        "413",
                        "415",
                        "422",
                        ok="303",
                        own=True,
                    ),
                    "requestBody": form(
                        {
                            "note": {"type": "array", "items": {"type": "string"}},
                            "tags": {"type": "string"},
                            "delete": {"type": "string"},
                            "csrf_token": {"type": "string"},
                        }
                    ),
                }
            },
            "/me/qr": {"get": page("My badge's QR, full screen, for someone to scan me", "410", own=True)},
            "/me/qr.svg": {
                "get": {
                    "summary": "My badge's QR as SVG",
                    "parameters": [LANG],
                    "responses": {
                        "200": {
                            "description": "SVG, or the sign-in form (HTML) to a browser not signed in",
                            "content": {"image/svg+xml": {}, "text/html": {}},
                        },
                        **page_refusals("410"),
                    },
                }
            },
            "/me/meet": {
                "get": page(
                    "Who to meet: the match service's suggestions, and requests to meet",
                    "410",
                    "503",
                    own=True,
                    parameters=[query("done", "what was just done"), query("who", "about whom")],
                )
            },
            "/me/meet/ask": {
                "post": {
                    **page(
                        "Ask to meet someone",
                        "400",
                        "403",
                        "404",
                        "410",
                        "413",
                        "415",
                        "422",
                        "503",
                        ok="303",
                        own=True,
                    ),
                    "requestBody": form({"to": {"type": "string"}, "csrf_token": {"type": "string"}}),
                }
            },
            "/me/meet/dismiss": {
                "post": {
                    **page(
                        "Not now: do not suggest this person again",
                        "400",
                        "403",
                        "404",
                        "410",
                        "413",
                        "415",
                        "422",
                        "503",
                        ok="303",
                        own=True,
                    ),
                    "requestBody": form({"who": {"type": "string"}, "csrf_token": {"type": "string"}}),
                }
            },
            "/me/meet/requests/{request_id}/{answer}": {
                "post": {
                    **page(
                        "Accept or decline a request to meet",
                        "400",
                        "403",
                        "404",
                        "409",
                        "410",
                        "413",
                        "415",
                        "422",
                        "503",
                        ok="303",
                        own=True,
                    ),
                    "parameters": [
                        LANG,
                        {"name": "request_id", "in": "path", "required": True, "schema": {"type": "string"}},
                        {
                            "name": "answer",
                            "in": "path",
                            "required": True,
                            "schema": {"enum": ["accept", "decline"]},
                        },
                    ],
                    "requestBody": form({"csrf_token": {"type": "string"}}),
                }
            },
            "/manifest.webmanifest": {
                "get": {
                    "summary": "The web app manifest (installable scanner)",
                    "responses": {
                        "200": {
                            "description": "manifest",
                            "content": {
                                "application/manifest+json": {
                                    "schema": {"type": "object", "required": ["name", "start_url", "icons"]}
                                }
                            },
                        }
                    },
                }
            },
            "/app-icon-{size}.png": {
                "get": {
                    "summary": "The app's icon",
                    "parameters": [
                        {"name": "size", "in": "path", "required": True, "schema": {"type": "integer"}}
                    ],
                    "responses": {
                        "200": {"description": "PNG", "content": {"image/png": {}}},
                        **problems("404"),
                    },
                }
            },
            "/sw.js": {
                "get": {
                    "summary": "The scanner's service worker (offline queue)",
                    "responses": {"200": {"description": "JavaScript", "content": {"text/javascript": {}}}},
                }
            },
            "/static/vendor/{name}": {
                "get": {
                    "summary": "A vendored front-end file (QR decoder, fonts)",
                    "responses": {
                        "200": {"description": "the file", "content": {"*/*": {}}},
                        **problems("404"),
                    },
                }
            },
        },
    )
