"""Accounts that resist attack, in Debian's Chromium at a phone's and a laptop's width, in English
and Arabic: the throttled login page, my account (sessions on each device, password change), and
the event's audit log with its filter; axe-core finds nothing serious on any of them. The
dashboard is really served on PostgreSQL."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect

from services.dashboard import accounts, audit
from services.dashboard import create_app as dashboard_app
from services.dashboard.consumer import GROUP
from services.dashboard.handlers import apply_event
from services.dashboard.models import Organizer
from shared.consumer import applied_once
from shared.envelope import utc_now
from shared.events import to_envelope
from tests.e2e import test_scan_pages
from tests.e2e.test_accessibility import AXE, RUN_AXE
from tests.integration.dashboard.conftest import NOW, World
from tests.integration.dashboard.running import Served

playwright, browser = test_scan_pages.playwright, test_scan_pages.browser
SHOTS = Path("/tmp/shots-issue-16-roles-ui")
PASSWORD = "a long organizer passphrase"
PHONE_UA = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148 Safari/604.1"
)


@pytest.fixture
def running(settings, new_database):
    app = dashboard_app(replace(settings, dashboard_database_url=new_database()))
    clock = [utc_now()]
    app.extensions["dashboard"].clock = lambda: clock[0]
    served = Served(app)
    yield app, served, clock
    served.stop()


def organizer_with_event(app, language: str) -> tuple[str, str]:
    """An organizer who owns an event with a few entries in its audit log already."""
    sessions = app.extensions["dashboard"].sessions
    handle = applied_once(sessions, GROUP, apply_event)
    world = World(lambda *events: [handle(e, to_envelope(e)) for e in events]).created("Riyadh Design Week")
    with sessions() as session:
        made = accounts.create_organizer(
            session,
            accounts.NewOrganizer(f"huda-{language}@example.org", "هدى Saleh", PASSWORD, language),
            NOW,
        )
        me = session.get(Organizer, made.id)
        accounts.grant(session, me, world.event_id, NOW)
        audit.record(
            session, me, world.event_id, "imported", "people.csv", {"created": 36, "rejected": 1}, now=NOW
        )
        audit.record(session, me, world.event_id, "granted", "omar@example.org", now=NOW)
        audit.record(session, me, world.event_id, "exported", "attendees.csv", now=NOW)
        session.commit()
        return made.email, world.event_id


def shot(page, name: str) -> None:
    """A screenshot to look at, and axe-core's serious and critical findings: none."""
    page.evaluate("document.fonts.ready")
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
    page.evaluate(AXE.read_text())  # through the debugger, not a <script>: the pages' CSP stays strict
    assert page.evaluate(RUN_AXE) == [], name


def log_in(page, email: str, password: str) -> None:
    page.goto("/login")
    page.fill("#email", email)
    page.fill("#password", password)
    page.click("#login button[type=submit]")


@pytest.mark.parametrize("language", ["en", "ar"])
@pytest.mark.parametrize("width", [390, 1280])
def test_an_organizer_is_throttled_sees_their_sessions_changes_password_and_reads_the_audit_log(
    browser, running, language, width
):
    app, served, clock = running
    email, event_id = organizer_with_event(app, language)
    viewport = {"width": width, "height": 900}
    other = browser.new_context(base_url=served.url, viewport=viewport, user_agent=PHONE_UA)
    log_in(other.new_page(), email, PASSWORD)  # a second device, to see on the sessions page

    context = browser.new_context(base_url=served.url, viewport=viewport, locale=language)
    page = context.new_page()
    for _ in range(10):
        log_in(page, email, "not my password at all")
    log_in(page, email, PASSWORD)  # the right one, too late: throttled
    expect(page.locator(".error")).to_contain_text(
        "Too many failed logins" if language == "en" else "محاولات دخول فاشلة كثيرة"
    )
    assert page.evaluate("document.documentElement.dir") == ("rtl" if language == "ar" else "ltr")
    shot(page, f"login-throttled-{language}-{width}")

    clock[0] += timedelta(minutes=16)  # the failures leave the 15-minute window
    log_in(page, email, PASSWORD)
    page.click("#my-account")
    sessions = page.locator("#sessions li")
    expect(sessions).to_have_count(2)
    phone = page.locator("#sessions .device", has_text="iPhone")
    expect(phone).to_have_text("Safari on iPhone" if language == "en" else "Safari على iPhone")
    expect(phone).to_have_attribute("title", PHONE_UA)  # the raw string is kept, on hover
    expect(page.locator("#sessions li.current .device")).to_have_text(
        "Chrome on Linux" if language == "en" else "Chrome على Linux"
    )
    shot(page, f"account-{language}-{width}")

    page.fill("#password", PASSWORD)
    page.fill("#new_password", "an even longer passphrase")
    page.fill("#repeat_password", "an even longer passphrase")
    page.click("#change-password button[type=submit]")
    expect(page.locator(".done")).to_be_visible()
    expect(sessions).to_have_count(1)  # the phone is logged out
    shot(page, f"account-changed-{language}-{width}")

    page.goto(f"/events/{event_id}/audit")
    expect(page.locator("#audit tbody tr")).to_have_count(3)
    shot(page, f"audit-{language}-{width}")
    page.select_option("#action", "granted")
    page.click("#audit-filter button[type=submit]")
    expect(page.locator("#audit tbody tr")).to_have_count(1)
    expect(page.locator("#audit")).to_contain_text("omar@example.org")
    context.close()
    other.close()
