"""Match service: tells each attendee, during the event, the few people they should meet and why."""

from __future__ import annotations

from pathlib import Path

from flask import Flask

from services.match.embedding import Embedder
from services.match.index import ProfileIndex
from shared.config import Settings
from shared.db import database_check, make_engine, migrate, session_factory
from shared.organizers import TableGrants
from shared.tokens import TokenSigner
from shared.web import accept_organizers, service_app

PORT = 8004
MIGRATIONS = Path(__file__).with_name("migrations")


class MatchService:
    """What the routes and the consumer need, built once per process."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.engine = make_engine(settings.match_database_url)
        self.sessions = session_factory(self.engine)
        self.signer = TokenSigner.from_settings(settings)
        self.index = ProfileIndex(self.sessions)
        self.embedder = Embedder()  # loaded on first use: only the consumer embeds


def create_app(settings: Settings | None = None, *, run_migrations: bool = True) -> Flask:
    """Build the match service."""
    from services.match import api, openapi

    settings = settings or Settings.from_env()
    service = MatchService(settings)
    if run_migrations:
        migrate(service.engine, MIGRATIONS)
    app = service_app(
        __name__, "match", settings, openapi.document, checks=lambda: database_check(service.engine)
    )
    app.extensions["match"] = service
    accept_organizers(app, TableGrants(service.sessions))
    app.register_blueprint(api.bp)
    return app
