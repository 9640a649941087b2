"""The live view's best matches and suggested-pairs figure in Chromium, in English and Arabic, at a
phone's and a laptop's width: the dashboard and the match service served over HTTP (the real
embedding model), fed as their consumers are. Screenshots land in /tmp/shots-issue-17-pages/."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from shared import identity
from shared.envelope import utc_now
from shared.identity import TokenClaims
from shared.tokens import TokenSigner
from tests.e2e.test_scan_pages import browser, playwright  # noqa: F401 (fixtures)
from tests.e2e.test_who_to_meet_pages import DESKTOP, shot
from tests.integration.dashboard.conftest import admin, alice, app, client, feed, grant, organizer  # noqa: F401
from tests.integration.dashboard.running import Served
from tests.integration.dashboard.test_match_insights import (  # noqa: F401
    Event,
    clock,
    dashboard_settings,
    match_app,
    match_served,
)
from tests.integration.match.test_suggestions import DISTRACTORS

pytestmark = pytest.mark.postgres


@pytest.fixture
def dashboard_url(app):
    served = Served(app)
    yield served.url
    served.stop()


def test_the_live_view_shows_best_matches_and_suggested_pairs_that_met(
    app, feed, match_app, alice, organizer, clock, browser, dashboard_url
):
    event = Event(app, feed, match_app)
    grant(app, alice, event.id)
    layla = event.person("ليلى حداد", "ar", looking_for="أبحث عن مستثمر في شركات تقنيات التعليم الناشئة")
    for i, (lang, give, seek) in enumerate(DISTRACTORS):
        event.person(f"Guest {i + 1}", lang, can_help_with=give, looking_for=seek, company=f"Company {i}")
    sam = event.person(
        "Sam Carter", can_help_with="I invest in early-stage edtech startups", company="Falcon"
    )
    signer = TokenSigner.from_settings(match_app.extensions["match"].settings)
    for someone in (layla, sam):  # two people opened Who to meet
        token = identity.issue_token(signer, identity.PRIVATE, TokenClaims(event.id, someone, 1))
        assert (
            match_app.test_client()
            .get("/v1/me/suggestions", headers={"Authorization": f"Bearer {token}"})
            .status_code
            == 200
        )
    event.scan(sam, layla, utc_now() + timedelta(minutes=1))
    guests = [
        p for p in match_app.extensions["match"].index.event_of(layla).profiles if p.name.startswith("Guest")
    ]
    event.scan(guests[0].id, guests[1].id, utc_now() + timedelta(minutes=1))

    huda = organizer("Huda", "ar")
    grant(app, huda, event.id)
    for who, lang in ((alice, "en"), (huda, "ar")):
        for width, viewport in (("390", {"width": 390, "height": 844}), ("1280", DESKTOP)):
            context = browser.new_context(base_url=dashboard_url, viewport=viewport)
            try:
                page = context.new_page()
                page.goto("/login")
                page.fill("#email", who.email)
                page.fill("#password", who.password)
                page.click("#login button[type=submit]")
                page.goto(f"/events/{event.id}")
                expect(page.locator("html")).to_have_attribute("lang", lang)
                expect(page.locator("#suggested-counter")).to_be_visible()
                expect(page.locator("#stat-suggested")).to_have_text("9", timeout=10_000)
                expect(page.locator("#unmet .best").first).to_be_visible()
                shot(page, f"dashboard-live-best-matches-{lang}-{width}")
            finally:
                context.close()
