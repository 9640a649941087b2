"""Scan service: records a meeting when one attendee scans another's badge, and puts it on the bus."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from flask import Flask

from services.scan.directory import Directory
from services.scan.handlers import ScanRules
from services.scan.writer import ScanWriter
from shared.config import Settings
from shared.db import database_check, make_engine, migrate, session_factory
from shared.tokens import TokenSigner
from shared.web import service_app

PORT = 8002
MIGRATIONS = Path(__file__).with_name("migrations")


class ScanService:
    """What the routes, the consumer and the relay need, built once per process."""

    def __init__(self, settings: Settings):
        self.settings = settings
        # Scans are short transactions from many threads: a pool per worker process.
        self.engine = make_engine(settings.scan_database_url)
        self.sessions = session_factory(self.engine)
        self.signer = TokenSigner.from_settings(settings)
        self.rules = ScanRules(grace=timedelta(seconds=settings.scan_grace))
        self.directory = Directory(self.sessions)
        self.writer = ScanWriter(self.sessions, per_minute=settings.scan_rate_limit)


def create_app(settings: Settings | None = None, *, bus=None, run_migrations: bool = True) -> Flask:
    """Build the scan service. Scans reach the bus through the outbox relay
    (`python -m services.scan.relay`), never from a request: `bus` is unused."""
    from services.scan import api, openapi, pages

    settings = settings or Settings.from_env()
    service = ScanService(settings)
    if run_migrations:
        migrate(service.engine, MIGRATIONS)
    app = service_app(__name__, "scan", settings, openapi.document, checks=lambda: database_check(service.engine))
    app.extensions["scan"] = service
    app.register_blueprint(api.bp)
    app.register_blueprint(pages.bp)
    return app
