"""Follow-up service: After the event, one personal great-to-meet-you email per attendee, and gentle nudges."""

from __future__ import annotations

from flask import Flask

from shared.config import Settings
from shared.web import openapi_document, service_app

PORT = 8003


def openapi() -> dict:
    return openapi_document("Rapport Follow-up service", "After the event, one personal great-to-meet-you email per attendee, and gentle nudges.", paths={})


def create_app(settings: Settings | None = None, *, bus=None) -> Flask:
    """Build the followup service; nothing connects until a request needs it."""
    settings = settings or Settings.from_env()
    return service_app(__name__, "followup", settings, openapi)
