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


@lru_cache(maxsize=1)
def document() -> dict:
    return openapi_document("Rapport Follow-up service", "After the event, one personal great-to-meet-you email per "
                            "attendee, and gentle nudges. Organizer endpoints take `Authorization: Bearer "
                            "<RAPPORT_ADMIN_TOKEN>`.", {
        "/v1/events/{event_id}/followups": {"get": {
            "summary": "Delivery status: counts per status (queued, sending, finishing, sent, deferred, "
                       "unconfirmed, failed, skipped) and campaign, unsubscribed attendees, and one item per "
                       "email, paged by id",
            "security": [{"bearer": []}],
            "parameters": [query("status", "only this status", {"type": "string"}),
                           query("campaign", '"welcome", "signin", "followup" or "nudge-<days>"', {"type": "string"}),
                           query("limit", "page size (1-1000)", {"type": "integer", "default": 200}),
                           query("after", "the previous page's next_after", {"type": "integer"})],
            "responses": {"200": {"description": "summary and items"}, **problems("400", "401", "404")}}},
        "/v1/events/{event_id}/attendees/{attendee_id}/followup/preview": {"get": {
            "summary": "The email this attendee would get now, before or after the event closes",
            "security": [{"bearer": []}],
            "parameters": [query("format", "html, text or json", {"type": "string", "default": "html"}),
                           query("campaign", '"followup" or "nudge-<days>"', {"type": "string"})],
            "responses": {"200": {"description": "the rendered email"},
                          "404": {"description": "unknown attendee, or nothing would be sent (nothing_to_send)",
                                  **PROBLEM}, **problems("400", "401")}},
            "post": {"summary": "Live preview: the same email with a draft wording (subject, opening, signature) "
                                "in the attendee's language, not saved",
                     "security": [{"bearer": []}],
                     "responses": {"200": {"description": "the rendered email"}, **problems("401", "404", "422")}}},
        "/v1/events/{event_id}/followup/wording": {"get": {
            "summary": "The organizer's subject, opening and signature per language (empty: Rapport's text)",
            "security": [{"bearer": []}], "responses": {"200": {"description": "by language"}, **problems("401", "404")}}},
        "/v1/events/{event_id}/followup/wording/{language}": {
            "put": {"summary": "Save the organizer's wording for a language ({first} and {event} may be used)",
                    "security": [{"bearer": []}],
                    "responses": {"200": {"description": "saved"}, **problems("401", "404", "422")}},
            "delete": {"summary": "Reset a language to Rapport's text", "security": [{"bearer": []}],
                       "responses": {"204": {"description": "reset"}, **problems("401", "404")}}},
        "/v1/events/{event_id}/attendees/{attendee_id}/welcome": {"post": {
            "summary": "Send this attendee their welcome email (badge, private link, short code) once more; "
                       "queued: false when one is already on its way",
            "security": [{"bearer": []}],
            "responses": {"202": {"description": "queued"}, **problems("401", "404")}}},
        "/v1/events/{event_id}/welcome": {"post": {
            "summary": "Send the welcome email to every attendee not yet sent one (never sent, failed or skipped), "
                       "whatever the event's welcome setting",
            "security": [{"bearer": []}],
            "responses": {"202": {"description": "how many were queued"}, **problems("401", "404")}}},
        "/v1/events/{event_id}/attendees/{attendee_id}/welcome/preview": {"get": {
            "summary": "The welcome email this attendee gets (the badge as a data: URI)",
            "security": [{"bearer": []}],
            "parameters": [query("format", "html or text", {"type": "string", "default": "html"})],
            "responses": {"200": {"description": "the rendered email"}, **problems("400", "401", "404")}}},
        "/u/{token}": {"get": {"summary": "Unsubscribe page (one button)", "responses": {"200": {"description": "HTML"}}},
                       "post": {"summary": "Unsubscribe (RFC 8058 one-click target)",
                                "responses": {"200": {"description": "done"}, **problems("404")}}},
        "/d/{token}": {"get": {"summary": "Mark a person as followed up: page", "responses": {"200": {"description": "HTML"}}},
                       "post": {"summary": "Mark a person as followed up (no more nudges about them)",
                                "responses": {"200": {"description": "done"}, **problems("404")}}},
        "/v/{token}": {"get": {"summary": "A contact's vCard, only while they agree to share it",
                               "responses": {"200": {"description": "text/vcard"}, **problems("404")}}},
    })
