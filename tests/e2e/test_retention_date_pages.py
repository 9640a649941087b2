"""The erase date on a closed event's pages, in Chromium at phone and laptop width, in English
and Arabic (right to left, the date kept left to right). Screenshots land in
/tmp/shots-issue-14-erasure/."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect

from services.dashboard import create_app as dashboard_app
from shared import events as ev
from shared.envelope import iso, utc_now
from tests.e2e import test_scan_pages
from tests.integration.dashboard.conftest import ADMIN, World
from tests.integration.dashboard.running import Served

playwright, browser = test_scan_pages.playwright, test_scan_pages.browser
SHOTS = Path("/tmp/shots-issue-14-erasure")


@pytest.fixture
def dashboard(settings, database_url):
    from dataclasses import replace

    from services.dashboard.consumer import GROUP
    from services.dashboard.handlers import apply_event
    from shared.consumer import applied_once
    from shared.events import to_envelope

    app = dashboard_app(
        replace(settings, dashboard_database_url=database_url, admin_token="test-admin-token")
    )
    handle = applied_once(app.extensions["dashboard"].sessions, GROUP, apply_event)
    served = Served(app)
    yield app, served, lambda *events: [handle(e, to_envelope(e)) for e in events]
    served.stop()


@pytest.mark.parametrize("language", ["en", "ar"])
def test_a_closed_events_page_shows_when_its_personal_data_is_erased(browser, dashboard, language):
    app, served, feed = dashboard
    client = app.test_client()
    email, password = f"nour-{language}@example.org", "Nour has a long passphrase"
    made = client.post(
        "/v1/organizers",
        headers=ADMIN,
        json={"email": email, "name": "Nour", "password": password, "language": language},
    )
    assert made.status_code == 201, made.text
    world = World(feed).created("Riyadh Design Week" if language == "en" else "أسبوع الرياض للتصميم")
    for name in ("Lina Haddad", "عمر الفاروق", "Sara Nasser"):
        world.attendee(name)
    closed = utc_now() - timedelta(days=3)
    feed(ev.EventClosed(event_id=world.event_id, closed_at=iso(closed)))
    # Nour is the first organizer, so an admin: she sees every event.
    erase_on = (closed + timedelta(days=365)).strftime("%Y-%m-%d")
    SHOTS.mkdir(exist_ok=True)
    for width, height in ((390, 844), (1280, 800)):
        context = browser.new_context(base_url=served.url, viewport={"width": width, "height": height})
        page = context.new_page()
        page.goto("/login")
        page.fill("input[name=email]", email)
        page.fill("input[name=password]", password)
        page.click("button[type=submit]")
        page.goto(f"/events/{world.event_id}")
        line = page.locator("p.retention")
        expect(line).to_contain_text(erase_on)
        expect(line).to_contain_text("will be erased on" if language == "en" else "ستُحذف البيانات الشخصية في")
        assert page.evaluate("getComputedStyle(document.querySelector('p.retention')).direction") == (
            "ltr" if language == "en" else "rtl"
        )
        box = line.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= width  # on the page, not cut off
        page.evaluate("document.fonts.ready")
        page.screenshot(path=str(SHOTS / f"event-erase-date-{language}-{width}.png"), full_page=False)
        context.close()
