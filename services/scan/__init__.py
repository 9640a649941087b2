"""Scan service: records a meeting when one attendee scans another's badge, and puts it on the bus."""

from __future__ import annotations

from datetime import timedelta
from functools import lru_cache
from pathlib import Path

from flask import Flask

from services.scan.directory import Directory
from services.scan.handlers import ScanRules
from services.scan.throttle import Throttle
from services.scan.writer import ScanWriter
from shared.config import Settings
from shared.db import database_check, make_engine, migrate, session_factory
from shared.envelope import utc_now
from shared.organizers import TableGrants
from shared.tokens import TokenSigner
from shared.web import accept_organizers, service_app

PORT = 8002
SIGNINS_PER_EMAIL, SIGNINS_PER_CLIENT, SIGNIN_WINDOW = 3, 60, 600.0  # requests per window, in seconds
MIGRATIONS = Path(__file__).with_name("migrations")


class RememberingSigner(TokenSigner):
    """A TokenSigner that remembers the tokens it verified: a scanner sends the same bearer token
    with every scan, and badges are scanned again and again. Verifying costs two HMACs; a token's
    verdict cannot change while the keys do not (revocation is the badge serial, checked apart)."""

    def __init__(self, current_key: str, old_keys=(), remember: int = 65_536):
        super().__init__(current_key, old_keys)
        self._remembered = lru_cache(maxsize=remember)(super().verify)  # refusals raise: never cached

    def verify(self, purpose: str, token: str) -> bytes:
        return self._remembered(purpose, token)


class ScanService:
    """What the routes, the consumer and the relay need, built once per process."""

    def __init__(self, settings: Settings):
        self.settings = settings
        # Scans are short transactions from many threads: a pool per worker process.
        self.engine = make_engine(settings.scan_database_url)
        self.sessions = session_factory(self.engine)
        self.signer = RememberingSigner.from_settings(settings)
        self.rules = ScanRules(grace=timedelta(seconds=settings.scan_grace))
        self.directory = Directory(self.sessions)
        self.writer = ScanWriter(self.engine, self.sessions, per_minute=settings.scan_rate_limit)
        # Looking up who a code names comes before each scan, and again when a code is fixed.
        self.lookups = Throttle(per_minute=2 * settings.scan_rate_limit)
        # Sign-in links by email: a few per address, and a venue's shared Wi-Fi still lets a queue through.
        self.signins_per_email = Throttle(per_minute=SIGNINS_PER_EMAIL, window=SIGNIN_WINDOW)
        self.signins_per_client = Throttle(per_minute=SIGNINS_PER_CLIENT, window=SIGNIN_WINDOW)
        self.clock = utc_now  # tests move it (sign-in links expire)


def create_app(settings: Settings | None = None, *, bus=None, run_migrations: bool = True) -> Flask:
    """Build the scan service. Scans reach the bus through the outbox relay
    (`python -m services.scan.relay`), never from a request: `bus` is unused."""
    # mypages, signinpages, webapp and whotomeet add their routes to pages.bp
    from services.scan import api, me_api, mypages, openapi, pages, signinpages, webapp, whotomeet  # noqa: F401

    settings = settings or Settings.from_env()
    service = ScanService(settings)
    if run_migrations:
        migrate(service.engine, MIGRATIONS)
    app = service_app(
        __name__, "scan", settings, openapi.document, checks=lambda: database_check(service.engine)
    )
    app.extensions["scan"] = service
    accept_organizers(app, TableGrants(service.sessions))
    app.register_blueprint(api.bp)
    app.register_blueprint(me_api.bp)
    app.register_blueprint(pages.bp)
    return app
