"""Dashboard: the organizer's live view of who is meeting whom, and the place to run the event."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

from flask import Flask

from services.dashboard.matchinsights import MatchInsights
from shared.config import Settings
from shared.db import database_check, make_engine, migrate, session_factory
from shared.envelope import utc_now
from shared.upstream import Upstream
from shared.web import service_app

PORT = 8000
MIGRATIONS = Path(__file__).with_name("migrations")


def _acting_token() -> str:
    from services.dashboard.auth import acting_token

    return acting_token()


class DashboardService:
    """What the routes, the consumer and the rebuild need, built once per process."""

    def __init__(self, settings: Settings, clock: Callable[[], datetime] = utc_now):
        self.settings = settings
        self.engine = make_engine(settings.dashboard_database_url)
        self.sessions = session_factory(self.engine)
        self.clock = clock
        # The organizer's actions go to the services that own them as that organizer: each call
        # carries a short-lived token of theirs (auth.acting_token), never the admin token. A 403
        # there is their role's answer, shown to them as it is.
        self.badge = Upstream("badge", settings.badge_url, _acting_token, unavailable_on=(401,))
        self.followup = Upstream("followup", settings.followup_url, _acting_token, unavailable_on=(401,))
        self.match = MatchInsights(Upstream("match", settings.match_url, _acting_token))


def create_app(settings: Settings | None = None, *, bus=None, run_migrations: bool = True) -> Flask:
    """Build the dashboard. Its read model is fed by `python -m services.dashboard.consumer`,
    never from a request: `bus` is accepted for symmetry and unused."""
    from services.dashboard import (
        accountpages,
        adminpages,
        api,
        attendeepages,
        auth,
        eventpages,
        openapi,
        pages,
    )

    settings = settings or Settings.from_env()
    service = DashboardService(settings)
    if run_migrations:
        migrate(service.engine, MIGRATIONS)
    # The largest upload is an attendee CSV; the badge service refuses more than 5 MB itself.
    app = service_app(
        __name__,
        "dashboard",
        settings,
        openapi.document,
        checks=lambda: database_check(service.engine),
        max_upload_bytes=6 * 2**20,
    )
    app.extensions["dashboard"] = service
    # Event pages show when the event's personal data is (or was) erased: its close plus this.
    app.jinja_env.globals.update(retention=timedelta(days=settings.retention_days), utc_now=utc_now)
    auth.init_app(app)
    app.register_blueprint(api.bp)
    app.register_blueprint(pages.bp)
    app.register_blueprint(eventpages.bp)
    app.register_blueprint(accountpages.bp)
    app.register_blueprint(attendeepages.bp)
    app.register_blueprint(adminpages.bp)
    return app
