"""Badge service: Events, attendees and signed QR badges that print well, in Arabic and English."""

from __future__ import annotations

from flask import Flask

from shared.config import Settings
from shared.web import openapi_document, service_app

PORT = 8001


def openapi() -> dict:
    return openapi_document("Rapport Badge service", "Events, attendees and signed QR badges that print well, in Arabic and English.", paths={})


def create_app(settings: Settings | None = None, *, bus=None) -> Flask:
    """Build the badge service; nothing connects until a request needs it."""
    settings = settings or Settings.from_env()
    return service_app(__name__, "badge", settings, openapi)
