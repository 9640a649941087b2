"""The dashboard's OpenAPI document (served at /openapi.json and, readable, at /docs)."""

from __future__ import annotations

from functools import lru_cache

from werkzeug.http import HTTP_STATUS_CODES

from shared.web import openapi_document

PROBLEM = {"content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}
AUTH = [{"bearer": []}]
EVENT_ID = {"name": "event_id", "in": "path", "required": True, "schema": {"type": "string"}}


def problems(*statuses: str) -> dict:
    return {status: {"description": HTTP_STATUS_CODES[int(status)], **PROBLEM} for status in statuses}


def json_answer(description: str, schema: dict) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def op(
    summary: str,
    ok: str,
    *refusals: str,
    status: str = "200",
    body: dict | None = None,
    event: bool = True,
    params: list | None = None,
    schema: dict | None = None,
    media: str | None = None,
) -> dict:
    answer = {"description": ok}
    if schema:
        answer["content"] = {"application/json": {"schema": schema}}
    elif media:
        answer["content"] = {media: {}}
    statuses = set(refusals) | {"401"} | ({"400", "413", "415", "422"} if body else set())
    spec = {
        "summary": summary,
        "security": AUTH,
        "responses": {status: answer, **problems(*sorted(statuses))},
    }
    if body:
        spec["requestBody"] = {"required": True, "content": {"application/json": {"schema": body}}}
    parameters = ([EVENT_ID] if event else []) + (params or [])
    if parameters:
        spec["parameters"] = parameters
    return spec


HTML = {"content": {"text/html": {}}}
LANG = {"name": "lang", "in": "query", "schema": {"enum": ["ar", "en"]}, "description": "the page's language"}


def page(
    summary: str,
    *refusals: str,
    ok: str = "200",
    form: dict | None = None,
    params: list | None = None,
    media: str = "text/html",
) -> dict:
    """A page (or a page's form post, answered with a redirect): with the login cookie, else a redirect
    to the login page (303). Refusals are pages for a browser, problem+json for a script."""
    answers = {
        ok: {
            "description": "the page" if ok == "200" else "to the next page",
            **({"content": {media: {}}} if ok in ("200", "201") else {}),
        }
    }
    answers.setdefault("303", {"description": "to the login page, when not logged in"})
    statuses = set(refusals) | ({"400", "403", "413", "415", "422"} if form is not None else set())
    answers |= {
        status: {
            "description": HTTP_STATUS_CODES[int(status)],
            "content": {"text/html": {}, **PROBLEM["content"]},
        }
        for status in sorted(statuses)
    }
    spec = {"summary": summary, "parameters": [LANG, *(params or [])], "responses": answers}
    if form is not None:
        spec["requestBody"] = {
            "required": True,
            "content": {
                "application/x-www-form-urlencoded": {
                    "schema": {"type": "object", "properties": {"csrf_token": {"type": "string"}, **form}}
                }
            },
        }
    return spec


def query(name: str, description: str = "", schema: dict | None = None) -> dict:
    return {"name": name, "in": "query", "schema": schema or {"type": "string"}, "description": description}


ORGANIZER = {
    "type": "object",
    "required": ["email", "name", "password"],
    "properties": {
        "email": {"type": "string", "format": "email"},
        "name": {"type": "string", "maxLength": 120},
        "password": {"type": "string", "minLength": 10, "maxLength": 200},
        "language": {"enum": ["en", "ar"]},
        "admin": {"type": "boolean"},
    },
}
ORGANIZER_OUT = {
    "type": "object",
    "required": ["id", "email", "name", "language", "admin"],
    "properties": {
        "id": {"type": "string"},
        "email": {"type": "string"},
        "name": {"type": "string"},
        "language": {"enum": ["en", "ar"]},
        "admin": {"type": "boolean"},
    },
}
EVENT = {
    "type": "object",
    "required": ["name", "starts_at", "ends_at"],
    "description": "as the badge service takes it",
    "properties": {
        "name": {"type": "string"},
        "venue": {"type": "string"},
        "starts_at": {"type": "string", "format": "date-time"},
        "ends_at": {"type": "string", "format": "date-time"},
        "timezone": {"type": "string"},
        "language": {"enum": ["en", "ar"]},
    },
}
EVENT_OUT = {
    "type": "object",
    "required": ["id", "name", "status"],
    "properties": {
        "id": {"type": "string"},
        "name": {"type": "string"},
        "venue": {"type": ["string", "null"]},
        "starts_at": {"type": ["string", "null"]},
        "ends_at": {"type": ["string", "null"]},
        "timezone": {"type": ["string", "null"]},
        "language": {"type": ["string", "null"]},
        "status": {"enum": ["open", "closed"]},
    },
}
TOKENS = {
    "type": "object",
    "required": ["tokens"],
    "properties": {
        "tokens": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["id", "name"],
                "properties": {
                    "id": {"type": "string"},
                    "name": {"type": "string"},
                    "created_at": {"type": "string"},
                    "last_used_at": {"type": ["string", "null"]},
                },
            },
        }
    },
}
NEW_TOKEN = {
    "type": "object",
    "required": ["id", "name", "token"],
    "properties": {
        "id": {"type": "string"},
        "name": {"type": "string"},
        "token": {"type": "string", "description": "shown once"},
    },
}
STATS = {
    "type": "object",
    "required": ["event_id", "attendees", "meetings"],
    "properties": {
        "event_id": {"type": "string"},
        "name": {"type": "string"},
        "status": {"enum": ["open", "closed"]},
        "version": {"type": "integer"},
        "attendees": {"type": "integer"},
        "met_someone": {"type": "integer"},
        "met_nobody": {"type": "integer"},
        "scanners": {"type": "integer"},
        "active_scanners": {"type": "integer"},
        "meetings": {"type": "integer"},
        "mutual_meetings": {"type": "integer"},
        "mutual_share": {"type": "number"},
        "top_connectors": {"type": "array", "items": {"type": "object"}},
        "followups": {"type": "object"},
    },
}
NODES = {"type": "array", "items": {"type": "array", "description": "[id, name, meetings]"}}
EDGES = {"type": "array", "items": {"type": "array", "description": "[a, b, mutual]"}}
LIVE = {
    "type": "object",
    "required": ["version", "reload", "nodes", "edges", "stats", "unmet"],
    "properties": {
        "version": {"type": "integer"},
        "reload": {"type": "boolean"},
        "nodes": NODES,
        "edges": EDGES,
        "stats": STATS,
        "unmet": {"type": "array", "items": {"type": "object"}},
        "suggestions": {"type": ["object", "null"]},
    },
}
GRAPH = {
    "type": "object",
    "required": ["version", "nodes", "edges"],
    "properties": {
        "version": {"type": "integer"},
        "attendees": {"type": "integer"},
        "limit": {"type": "integer"},
        "nodes": NODES,
        "edges": EDGES,
    },
}
SINCE = {
    "name": "since",
    "in": "query",
    "schema": {"type": "integer", "minimum": 0},
    "description": "the `version` of the previous answer (0 for the first poll)",
}
GRANT = {
    "type": "object",
    "required": ["email", "role", "granted_at"],
    "properties": {
        "email": {"type": "string"},
        "role": {"type": "string"},
        "granted_at": {"type": "string", "format": "date-time"},
    },
}
ATTENDEE_ID = {"name": "attendee_id", "in": "path", "required": True, "schema": {"type": "string"}}
WORDING = {
    "subject": {"type": "string"},
    "opening": {"type": "string"},
    "signature": {"type": "string"},
    "language": {"enum": ["ar", "en"]},
}


ATTENDEE_FORM = {
    **{
        name: {"type": "string"}
        for name in (
            "name",
            "email",
            "company",
            "title",
            "headline",
            "interests",
            "can_help_with",
            "looking_for",
        )
    },
    "language": {"enum": ["ar", "en"]},
    **{f"consent_{flag}": {"enum": ["1"]} for flag in ("followup", "share_contact", "suggest")},
}
EVENT_FORM = {
    **{
        name: {"type": "string"}
        for name in ("name", "venue", "timezone", "contact_email", "meeting_point", "welcome")
    },
    **{
        name: {"type": "string", "description": "local date-time in the event's time zone"}
        for name in ("starts_at", "ends_at", "followup_at", "welcome_at")
    },
    "language": {"enum": ["ar", "en"]},
}
BADGE_PDF = [
    query(
        "layout",
        "sheet layout (default single-a6)",
        {"enum": ["a4-a6", "a4-a7", "letter", "avery-5395", "single-a6"]},
    ),
    query("force", "1: print anyway"),
]


def people_pages() -> dict:
    """The attendee and event-settings pages (attendeepages.py)."""
    upstream = ("403", "404", "502", "503")
    return {
        "/events/{event_id}/attendees/new": {
            "get": page("The form to add an attendee", *upstream),
            "post": page(
                "Add the attendee (the badge service registers them)",
                *upstream,
                "409",
                ok="303",
                form=ATTENDEE_FORM,
            ),
        },
        "/events/{event_id}/attendees/{attendee_id}/edit": {
            "get": page("The form to edit an attendee", *upstream),
            "post": page("Save the attendee's details", *upstream, "409", ok="303", form=ATTENDEE_FORM),
        },
        "/events/{event_id}/attendees/{attendee_id}/erase": {
            "get": page("What erasing this attendee removes, and the button that does it", *upstream),
            "post": page("Erase the attendee in every service", *upstream, ok="303", form={}),
        },
        "/events/{event_id}/attendees/{attendee_id}/reissue": {
            "post": page(
                "Reissue a lost badge: new QR, short code and private link",
                *upstream,
                "409",
                ok="303",
                form={},
            )
        },
        "/events/{event_id}/attendees/{attendee_id}/private-link": {
            "post": page("A new private link, shown once on the attendee's page", *upstream, form={})
        },
        "/events/{event_id}/attendees/{attendee_id}/badge.pdf": {
            "get": page(
                "This attendee's badge to print",
                *upstream,
                "400",
                "409",
                media="application/pdf",
                params=BADGE_PDF,
            )
        },
        "/events/{event_id}/badges/chosen.pdf": {
            "get": page(
                "The chosen attendees' badges to print",
                *upstream,
                "400",
                "409",
                "422",
                media="application/pdf",
                params=[query("id", "an attendee id, repeated for each one chosen"), *BADGE_PDF],
            )
        },
        "/events/{event_id}/settings": {
            "get": page(
                "The event's settings, times in its own time zone",
                *upstream,
                params=[query("saved", "1: just saved")],
            ),
            "post": page(
                "Save the event's settings (the badge service keeps them)",
                *upstream,
                "409",
                ok="303",
                form=EVENT_FORM,
            ),
        },
    }


@lru_cache(maxsize=1)
def document() -> dict:
    return openapi_document(
        "Rapport Dashboard",
        "The organizer's live view of who is meeting whom, and the place to run the event. Authenticate with "
        "`Authorization: Bearer <API token>` (make one on the API tokens page or with POST /v1/tokens), or the "
        "login cookie plus an `X-CSRF-Token` header for unsafe methods. POST /v1/organizers also takes the "
        "bootstrap admin token.",
        {
            "/v1/organizers": {
                "get": op(
                    "Every organizer account. Admins only.",
                    "list",
                    "403",
                    event=False,
                    schema={"type": "object", "required": ["organizers"]},
                ),
                "post": op(
                    "Add an organizer (the first one becomes an admin). Bootstrap admin "
                    "token or an admin organizer.",
                    "the organizer",
                    "403",
                    "409",
                    status="201",
                    body=ORGANIZER,
                    event=False,
                    schema=ORGANIZER_OUT,
                ),
            },
            "/v1/organizers/{organizer_id}": {
                "delete": op(
                    "Remove an organizer: their logins, API tokens and event access end, in every service once "
                    "the bus carries it. Admins only.",
                    "removed",
                    "403",
                    "404",
                    status="204",
                    event=False,
                    params=[
                        {"name": "organizer_id", "in": "path", "required": True, "schema": {"type": "string"}}
                    ],
                )
            },
            "/v1/me": {
                "get": op("Who this token belongs to", "the organizer", event=False, schema=ORGANIZER_OUT)
            },
            "/v1/tokens": {
                "get": op("Your API tokens (never their secrets)", "list", event=False, schema=TOKENS),
                "post": op(
                    "Make an API token (role, one event or all, expiry; never stronger than what "
                    "makes it); its secret is shown once. By login, API token, or the organizer's email "
                    "and password by HTTP Basic.",
                    "`token` holds the secret",
                    "403",
                    "404",
                    status="201",
                    body={
                        "type": "object",
                        "required": ["name"],
                        "properties": {
                            "name": {"type": "string", "maxLength": 80},
                            "role": {"enum": ["owner", "staff", "viewer"], "default": "owner"},
                            "event_id": {
                                "type": ["string", "null"],
                                "description": "one event, or null (the default) for all your events",
                            },
                            "expires_at": {
                                "type": ["string", "null"],
                                "format": "date-time",
                                "description": "null: never",
                            },
                        },
                    },
                    event=False,
                    schema=NEW_TOKEN,
                ),
            },
            "/v1/tokens/{token_id}": {
                "delete": op(
                    "Revoke an API token",
                    "revoked",
                    "404",
                    status="204",
                    event=False,
                    params=[
                        {"name": "token_id", "in": "path", "required": True, "schema": {"type": "string"}}
                    ],
                )
            },
            "/v1/events": {
                "get": op(
                    "The events you may see",
                    "list",
                    event=False,
                    schema={
                        "type": "object",
                        "required": ["events"],
                        "properties": {"events": {"type": "array", "items": EVENT_OUT}},
                    },
                ),
                "post": op(
                    "Create an event (in the badge service); you get access to it",
                    "the event",
                    "503",
                    status="201",
                    body=EVENT,
                    event=False,
                    schema={"type": "object", "required": ["id"]},
                ),
            },
            "/v1/events/{event_id}/organizers": {
                "get": op(
                    "Who may run this event: each grant's email, role and when it was given",
                    "grants",
                    "403",
                    "404",
                    schema={
                        "type": "object",
                        "required": ["organizers"],
                        "properties": {"organizers": {"type": "array", "items": GRANT}},
                    },
                ),
                "post": op(
                    "Give an email access to this event. The answer is the same whether or not an "
                    "organizer has that email (it takes effect once one does): it says nothing about "
                    "who has an account",
                    "the grant",
                    "403",
                    "404",
                    status="201",
                    body={
                        "type": "object",
                        "required": ["email"],
                        "properties": {"email": {"type": "string"}},
                    },
                    schema=GRANT,
                ),
            },
            "/v1/events/{event_id}/organizers/{email}": {
                "delete": op(
                    "Revoke a grant (the event's owner or an admin; only an admin removes the owner)",
                    "revoked",
                    "403",
                    "404",
                    status="204",
                    params=[{"name": "email", "in": "path", "required": True, "schema": {"type": "string"}}],
                )
            },
            "/v1/events/{event_id}/stats": {
                "get": op(
                    "The event's figures: attendees, meetings (total, mutual, per 10 minutes), scanners (active: "
                    "in the last 10 minutes), top connectors, follow-up delivery and nudge outcomes per campaign",
                    "figures",
                    "403",
                    "404",
                    schema=STATS,
                )
            },
            "/v1/events/{event_id}/live": {
                "get": op(
                    "What changed since `since`: people and meetings for the graph, the figures, and who has met "
                    "nobody yet (with someone sharing an interest to introduce them to, and `best_match`: the match "
                    "service's first suggestion for them, with its reason, or null). `suggestions`: suggested pairs "
                    "and how many met after the suggestion (null while the match service does not answer). "
                    "`reload: true` asks for the whole graph again.",
                    "changes",
                    "403",
                    "404",
                    "422",
                    params=[SINCE],
                    schema=LIVE,
                )
            },
            "/v1/events/{event_id}/graph": {
                "get": op(
                    "Who met whom: nodes [id, name, meetings] (the 2,000 best connected) and edges [a, b, mutual]",
                    "graph",
                    "403",
                    "404",
                    schema=GRAPH,
                )
            },
            "/v1/events/{event_id}/exports/{name}": {
                "get": op(
                    "CSV export: attendees.csv or meetings.csv (email only where the person agreed to share it)",
                    "the CSV file",
                    "403",
                    "404",
                    media="text/csv",
                    params=[
                        {
                            "name": "name",
                            "in": "path",
                            "required": True,
                            "schema": {"enum": ["attendees.csv", "meetings.csv"]},
                        }
                    ],
                )
            },
            "/": {"get": page("Home: to the events, or the login page")},
            "/login": {
                "get": page("The login form", params=[query("next", "a path on this site")]),
                "post": page(
                    "Log in (email, password); to `next`",
                    "401",
                    "429",
                    ok="303",
                    form={"email": {"type": "string"}, "password": {"type": "string"}},
                    params=[query("next", "a path on this site")],
                ),
            },
            "/logout": {"post": page("Log out", ok="303", form={})},
            "/setup": {
                "get": page("First run: make the first (admin) organizer", "404"),
                "post": page(
                    "Make the first organizer",
                    "404",
                    "409",
                    ok="303",
                    form={
                        "email": {"type": "string"},
                        "name": {"type": "string"},
                        "password": {"type": "string"},
                        "language": {"enum": ["ar", "en"]},
                    },
                ),
            },
            "/language": {
                "post": page(
                    "Choose the dashboard's language; back to `back`",
                    ok="303",
                    form={"language": {"enum": ["ar", "en"]}, "back": {"type": "string"}},
                )
            },
            "/tokens": {
                "get": page("API tokens"),
                "post": page(
                    "Make an API token: the page with its secret, shown once",
                    ok="201",
                    form={
                        "name": {"type": "string"},
                        "role": {"enum": ["owner", "staff", "viewer"]},
                        "event_id": {"type": "string"},
                        "expires_in_days": {"enum": ["", "1", "7", "30", "90"]},
                    },
                ),
            },
            "/tokens/{token_id}/revoke": {"post": page("Revoke an API token", "404", ok="303", form={})},
            "/organizers": {
                "get": page("Admins: organizers, invitations and who may work on which event", "403")
            },
            "/organizers/invite": {
                "post": page(
                    "Invite an email to become an organizer (mailed)",
                    "403",
                    "409",
                    ok="201",
                    form={"email": {"type": "string"}},
                )
            },
            "/organizers/{organizer_id}/remove": {
                "post": page("Remove an organizer", "403", "404", ok="200", form={})
            },
            "/organizers/access": {
                "post": page(
                    "Give an email access to an event with a role",
                    "403",
                    "404",
                    ok="303",
                    form={
                        "email": {"type": "string"},
                        "event_id": {"type": "string"},
                        "role": {"enum": ["owner", "staff", "viewer"]},
                    },
                )
            },
            "/organizers/access/revoke": {
                "post": page(
                    "Take an email's access to an event away",
                    "403",
                    "404",
                    ok="303",
                    form={"email": {"type": "string"}, "event_id": {"type": "string"}},
                )
            },
            "/invite/{secret}": {
                "get": page("An invitation: set your name and password", "410"),
                "post": page(
                    "Accept an invitation: the account, logged in",
                    "410",
                    ok="303",
                    form={
                        "name": {"type": "string"},
                        "password": {"type": "string"},
                        "language": {"enum": ["ar", "en"]},
                    },
                ),
            },
            "/static/vendor/{name}": {
                "get": {
                    "summary": "A vendored front-end file (graph library, fonts)",
                    "responses": {
                        "200": {"description": "the file", "content": {"*/*": {}}},
                        **problems("404"),
                    },
                }
            },
            "/events": {
                "get": page("Your events, and a form to create one"),
                "post": page(
                    "Create an event",
                    "502",
                    "503",
                    ok="303",
                    form={
                        "name": {"type": "string"},
                        "venue": {"type": "string"},
                        "starts_at": {"type": "string"},
                        "ends_at": {"type": "string"},
                        "timezone": {"type": "string"},
                        "language": {"enum": ["ar", "en"]},
                    },
                ),
            },
            "/events/{event_id}": {"get": page("The event's live view", "403", "404")},
            "/events/{event_id}/attendees": {
                "get": page(
                    "The event's attendees, searchable and paged",
                    "403",
                    "404",
                    "422",
                    "502",
                    "503",
                    params=[
                        query("q", "words to look for"),
                        query("page", "from 1", {"type": "integer", "minimum": 1}),
                        query("welcomed", "what was just sent"),
                    ],
                )
            },
            "/events/{event_id}/welcome": {
                "post": page(
                    "Send the welcome email to everyone not yet sent one",
                    "403",
                    "404",
                    "502",
                    "503",
                    ok="303",
                    form={},
                )
            },
            "/events/{event_id}/private-links.csv": {
                "get": page(
                    "Every attendee's private link, for the organizer's own mailing",
                    "403",
                    "404",
                    "502",
                    "503",
                    media="text/csv",
                )
            },
            "/events/{event_id}/attendees/import": {
                "post": {
                    **page(
                        "Import attendees from a CSV file (form field `file`)",
                        "400",
                        "403",
                        "404",
                        "409",
                        "413",
                        "415",
                        "422",
                        "502",
                        "503",
                        ok="303",
                    ),
                    "requestBody": {
                        "required": True,
                        "content": {
                            "multipart/form-data": {
                                "schema": {
                                    "type": "object",
                                    "properties": {
                                        "file": {"type": "string", "format": "binary"},
                                        "csrf_token": {"type": "string"},
                                    },
                                }
                            }
                        },
                    },
                }
            },
            "/events/{event_id}/badges.pdf": {
                "get": page(
                    "Print sheets (the badge service's PDF)",
                    "400",
                    "403",
                    "404",
                    "409",
                    "502",
                    "503",
                    media="application/pdf",
                    params=[
                        query(
                            "layout",
                            "sheet layout",
                            {"enum": ["a4-a6", "a4-a7", "letter", "avery-5395", "single-a6"]},
                        ),
                        query("sides", "2: double-sided", {"enum": ["1", "2"]}),
                        query("force", "1: print anyway"),
                    ],
                )
            },
            "/events/{event_id}/attendees/{attendee_id}": {
                "get": page(
                    "One attendee: badge, private link, welcome email",
                    "403",
                    "404",
                    "502",
                    "503",
                    params=[query("welcome", "what was just sent")],
                )
            },
            "/events/{event_id}/attendees/{attendee_id}/welcome": {
                "post": page(
                    "Send this attendee the welcome email again",
                    "403",
                    "404",
                    "502",
                    "503",
                    ok="303",
                    form={},
                ),
                "get": page("The welcome email this attendee gets", "403", "404", "502", "503"),
            },
            "/events/{event_id}/attendees/{attendee_id}/badge.png": {
                "get": page("The attendee's badge", "403", "404", "502", "503", media="image/png")
            },
            "/events/{event_id}/attendees/{attendee_id}/followup": {
                "get": page(
                    "The follow-up email this attendee would get",
                    "403",
                    "404",
                    "502",
                    "503",
                    params=[query("format", "text: as plain text", {"enum": ["html", "text"]})],
                )
            },
            "/events/{event_id}/attendees/{attendee_id}/wording": {
                "post": page(
                    "Save the follow-up wording in this attendee's language",
                    "403",
                    "404",
                    "502",
                    "503",
                    ok="303",
                    form=WORDING,
                )
            },
            "/events/{event_id}/attendees/{attendee_id}/wording/preview": {
                "post": page("Preview a draft wording (not saved)", "403", "404", "502", "503", form=WORDING)
            },
            "/events/{event_id}/close": {
                "post": page("Close the event", "403", "404", "409", "502", "503", ok="303", form={})
            },
            "/events/{event_id}/after": {
                "get": page("After the event: follow-up delivery and nudges", "403", "404", "502", "503")
            },
            "/events/{event_id}/organizers": {
                "post": page(
                    "Give another organizer access",
                    "403",
                    "404",
                    "409",
                    ok="303",
                    form={"email": {"type": "string"}},
                )
            },
            "/events/{event_id}/organizers/revoke": {
                "post": page(
                    "Revoke a grant, then the After page again",
                    "403",
                    "404",
                    form={"email": {"type": "string"}},
                )
            },
            "/account": {"get": page("My account: change password, login sessions on each device")},
            "/account/password": {
                "post": page(
                    "Change my password (the current one is checked, throttled); logs out my other sessions",
                    "429",
                    ok="303",
                    form={
                        "password": {"type": "string"},
                        "new_password": {"type": "string"},
                        "repeat_password": {"type": "string"},
                    },
                )
            },
            "/account/sessions/{session_id}/end": {
                "post": page("Log out one of my sessions", "404", ok="303", form={})
            },
            "/account/sessions/end-others": {
                "post": page("Log out all my sessions but this browser's", ok="303", form={})
            },
            "/events/{event_id}/audit": {
                "get": page(
                    "The event's audit log, newest first (its owners and admins)",
                    "403",
                    "404",
                    "422",
                    params=[query("action", "only this action"), query("page", "1, 2, ...")],
                )
            },
            **people_pages(),
        },
    )
