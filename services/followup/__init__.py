"""Follow-up service: after the event, one personal great-to-meet-you email per attendee, and gentle nudges;
before it, each attendee's welcome email (their badge and private link), and the sign-in links people ask
for on the scan pages. All through one mail outbox (delivery.py).

Processes: the web app (status API, previews, the unsubscribe / followed-up / vCard links in the
emails), `services.followup.consumer` (its read model from the bus), `services.followup.sender`
(plans and delivers the emails) and `services.followup.relay` (publishes outcomes on
rapport.followups).
"""

from __future__ import annotations

from functools import partial
from pathlib import Path

from flask import Flask

from services.followup import signin
from services.followup.bestmatches import BestMatches
from services.followup.compose import Composer
from services.followup.links import Links
from services.followup.welcome import BadgeParts
from shared.config import Settings
from shared.db import database_check, make_engine, migrate, session_factory
from shared.organizers import TableGrants
from shared.tokens import TokenSigner
from shared.upstream import Upstream
from shared.web import accept_organizers, service_app

PORT = 8003
MIGRATIONS = Path(__file__).with_name("migrations")


class FollowupService:
    """What the routes, the consumer, the sender and the relay need, built once per process."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.engine = make_engine(settings.followup_database_url)
        self.sessions = session_factory(self.engine)
        self.signer = TokenSigner.from_settings(settings)
        self.links = Links(settings.followup_url, self.signer)
        self.composer = Composer(
            self.links,
            BadgeParts(settings, self.signer),
            partial(signin.link_url, settings.public_url, self.signer),
        )
        self.best_matches = BestMatches(Upstream("match", settings.match_url, settings.admin_token))


def create_app(settings: Settings | None = None, *, bus=None, run_migrations: bool = True) -> Flask:
    """Build the follow-up web app. Outcomes reach the bus through the outbox relay; `bus` is unused."""
    from services.followup import api, openapi, pages

    settings = settings or Settings.from_env()
    service = FollowupService(settings)
    if run_migrations:
        migrate(service.engine, MIGRATIONS)
    app = service_app(
        __name__, "followup", settings, openapi.document, checks=lambda: database_check(service.engine)
    )
    app.extensions["followup"] = service
    accept_organizers(app, TableGrants(service.sessions))
    app.register_blueprint(api.bp)
    app.register_blueprint(pages.bp)
    return app
