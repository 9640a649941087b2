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


def op(summary: str, ok: str, *refusals: str, status: str = "200", body: dict | None = None, event: bool = True,
       params: list | None = None) -> dict:
    spec = {"summary": summary, "security": AUTH, "responses": {status: {"description": ok}, **problems(*refusals)}}
    if body:
        spec["requestBody"] = {"required": True, "content": {"application/json": {"schema": body}}}
    parameters = ([EVENT_ID] if event else []) + (params or [])
    if parameters:
        spec["parameters"] = parameters
    return spec


ORGANIZER = {"type": "object", "required": ["email", "name", "password"], "properties": {
    "email": {"type": "string", "format": "email"}, "name": {"type": "string", "maxLength": 120},
    "password": {"type": "string", "minLength": 10, "maxLength": 200},
    "language": {"enum": ["en", "ar"]}, "admin": {"type": "boolean"}}}
EVENT = {"type": "object", "required": ["name", "starts_at", "ends_at"], "description": "as the badge service takes it",
         "properties": {"name": {"type": "string"}, "venue": {"type": "string"},
                        "starts_at": {"type": "string", "format": "date-time"},
                        "ends_at": {"type": "string", "format": "date-time"},
                        "timezone": {"type": "string"}, "language": {"enum": ["en", "ar"]}}}
SINCE = {"name": "since", "in": "query", "schema": {"type": "integer", "minimum": 0},
         "description": "the `version` of the previous answer (0 for the first poll)"}


@lru_cache(maxsize=1)
def document() -> dict:
    return openapi_document(
        "Rapport Dashboard",
        "The organizer's live view of who is meeting whom, and the place to run the event. Authenticate with "
        "`Authorization: Bearer <API token>` (make one on the API tokens page or with POST /v1/tokens), or the "
        "login cookie plus an `X-CSRF-Token` header for unsafe methods. POST /v1/organizers also takes the "
        "bootstrap admin token.", {
            "/v1/organizers": {"post": op("Add an organizer (the first one becomes an admin). Bootstrap admin "
                                          "token or an admin organizer.", "the organizer", "401", "403", "409", "422",
                                          status="201", body=ORGANIZER, event=False)},
            "/v1/me": {"get": op("Who this token belongs to", "the organizer", "401", event=False)},
            "/v1/tokens": {
                "get": op("Your API tokens (never their secrets)", "list", "401", event=False),
                "post": op("Make an API token; its secret is shown once", "`token` holds the secret", "401", "422",
                           status="201", body={"type": "object", "required": ["name"],
                                               "properties": {"name": {"type": "string", "maxLength": 80}}},
                           event=False)},
            "/v1/tokens/{token_id}": {"delete": op("Revoke an API token", "revoked", "401", "404", status="204",
                                                   event=False)},
            "/v1/events": {
                "get": op("The events you may see", "list", "401", event=False),
                "post": op("Create an event (in the badge service); you get access to it", "the event", "401", "422",
                           "503", status="201", body=EVENT, event=False)},
            "/v1/events/{event_id}/organizers": {"post": op(
                "Give another organizer access to this event", "the organizer", "401", "403", "404", "422",
                status="201", body={"type": "object", "required": ["email"],
                                    "properties": {"email": {"type": "string"}}})},
            "/v1/events/{event_id}/stats": {"get": op(
                "The event's figures: attendees, meetings (total, mutual, per 10 minutes), scanners (active: "
                "in the last 10 minutes), top connectors, follow-up delivery and nudge outcomes per campaign",
                "figures", "401", "403", "404")},
            "/v1/events/{event_id}/live": {"get": op(
                "What changed since `since`: people and meetings for the graph, the figures, and who has met "
                "nobody yet (with someone sharing an interest to introduce them to, and `best_match`: the match "
                "service's first suggestion for them, with its reason, or null). `suggestions`: suggested pairs "
                "and how many met after the suggestion (null while the match service does not answer). "
                "`reload: true` asks for the whole graph again.",
                "changes", "401", "403", "404", "422", params=[SINCE])},
            "/v1/events/{event_id}/graph": {"get": op(
                "Who met whom: nodes [id, name, meetings] (the 2,000 best connected) and edges [a, b, mutual]",
                "graph", "401", "403", "404")},
            "/v1/events/{event_id}/exports/{name}": {"get": op(
                "CSV export: attendees.csv or meetings.csv (email only where the person agreed to share it)",
                "text/csv", "401", "403", "404",
                params=[{"name": "name", "in": "path", "required": True,
                         "schema": {"enum": ["attendees.csv", "meetings.csv"]}}])},
        })
