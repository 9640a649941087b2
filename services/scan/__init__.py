"""Scan service: Records a meeting when one attendee scans another's badge, and puts it on the event stream."""

from __future__ import annotations

from flask import Flask

from shared.config import Settings
from shared.web import openapi_document, service_app

PORT = 8002


def openapi() -> dict:
    return openapi_document("Rapport Scan service", "Records a meeting when one attendee scans another's badge, and puts it on the event stream.", paths={})


def create_app(settings: Settings | None = None, *, bus=None) -> Flask:
    """Build the scan service; nothing connects until a request needs it."""
    settings = settings or Settings.from_env()
    return service_app(__name__, "scan", settings, openapi)
