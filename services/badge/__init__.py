"""Badge service: events, attendees, and signed QR badges that print well, in Arabic and English."""

from __future__ import annotations

from pathlib import Path

from flask import Flask

from shared.config import Settings
from shared.db import database_check, make_engine, migrate, session_factory
from shared.organizers import TableGrants
from shared.tokens import TokenSigner
from shared.web import accept_organizers, service_app

PORT = 8001
MIGRATIONS = Path(__file__).with_name("migrations")


class BadgeService:
    """What the routes need, built once per process."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.engine = make_engine(settings.badge_database_url)
        self.sessions = session_factory(self.engine)
        self.signer = TokenSigner.from_settings(settings)


def create_app(settings: Settings | None = None, *, bus=None, run_migrations: bool = True) -> Flask:
    """Build the badge service. It publishes through its outbox (see services.badge.relay),
    so the web process never talks to the bus: `bus` is accepted for symmetry and unused."""
    from services.badge import api, keys_api, openapi, selfpage

    settings = settings or Settings.from_env()
    service = BadgeService(settings)
    if run_migrations:
        migrate(service.engine, MIGRATIONS)
    app = service_app(
        __name__, "badge", settings, openapi.document, checks=lambda: database_check(service.engine)
    )
    app.extensions["badge"] = service
    accept_organizers(app, TableGrants(service.sessions))
    app.register_blueprint(api.bp)
    app.register_blueprint(selfpage.bp)
    app.register_blueprint(keys_api.bp)
    return app
