"""Dashboard: The organizer's live view of who is meeting whom, and the place to run the event."""

from __future__ import annotations

from flask import Flask

from shared.config import Settings
from shared.web import openapi_document, service_app

PORT = 8000


def openapi() -> dict:
    return openapi_document("Rapport Dashboard", "The organizer's live view of who is meeting whom, and the place to run the event.", paths={})


def create_app(settings: Settings | None = None, *, bus=None) -> Flask:
    """Build the dashboard service; nothing connects until a request needs it."""
    settings = settings or Settings.from_env()
    return service_app(__name__, "dashboard", settings, openapi)
