"""An admin brings a co-organizer in, in a real browser (Debian's Chromium, driven by Playwright):
the dashboard and badge services over HTTP on PostgreSQL, their relays and consumers on a real bus
(the embedded log), mail to a real SMTP server on loopback.

The admin gives an email with no account staff access to an event, then invites it; the invitee
opens the link from the email the SMTP server received, sets a password, signs in, and imports a
CSV of attendees, which the badge service accepts from the dashboard acting as the invitee.
Screenshots of the pages and the email, at phone and laptop widths in both languages, land in
/tmp/shots-issue-16-tokens (or $RAPPORT_SHOTS).
"""

from __future__ import annotations

import os
import re
import threading
from dataclasses import replace
from pathlib import Path

import pytest
from playwright.sync_api import expect

from services.badge import consumer as badge_consumer
from services.badge import create_app as badge_app
from services.dashboard import create_app as dashboard_app
from services.dashboard.consumer import GROUP
from services.dashboard.handlers import READ_MODEL_TYPES, apply_event
from shared.bus import DEAD_LETTER_TOPIC, bus_from_url
from shared.events import ALL_TOPICS
from tests.e2e import test_scan_pages
from tests.e2e.test_dashboard_pages import call
from tests.integration.dashboard.running import BusThreads, Served

playwright, browser = test_scan_pages.playwright, test_scan_pages.browser
ADMIN_TOKEN = "test-admin-token"
SHOTS = Path(os.environ.get("RAPPORT_SHOTS", "/tmp/shots-issue-16-tokens"))
PHONE, LAPTOP = {"width": 390, "height": 844}, {"width": 1280, "height": 900}
CSV = """name,email,company,interests,language
Lina Haddad,lina@example.org,Souk Labs,coffee;design,en
عمر الفاروق,omar@example.org,مدرسة المستقبل,تعليم,ar
"""


class Product(BusThreads):
    def __init__(self, settings, new_database):
        base = replace(settings, **{f"{n}_database_url": new_database() for n in ("badge", "dashboard")})
        self.badge_app = badge_app(base)
        self.badge = Served(self.badge_app)
        self.dashboard_app = dashboard_app(replace(base, badge_url=self.badge.url))
        self.dashboard = Served(self.dashboard_app)
        self.dashboard_app.extensions["dashboard"].settings = replace(base, dashboard_url=self.dashboard.url)
        self.bus = bus_from_url(settings.bus_url, partitions=2)
        self.bus.ensure_topics([*ALL_TOPICS, DEAD_LETTER_TOPIC], 2)
        self.stop_event = threading.Event()
        dashboard_sessions = self.dashboard_app.extensions["dashboard"].sessions
        badge_sessions = self.badge_app.extensions["badge"].sessions
        self.threads = [
            self._thread(self._relay, badge_sessions),
            self._thread(self._relay, dashboard_sessions),
            self._thread(self._consume, GROUP, ALL_TOPICS, READ_MODEL_TYPES, dashboard_sessions, apply_event),
            self._thread(
                self._consume,
                "badge",
                badge_consumer.TOPICS,
                badge_consumer.TYPES,
                badge_sessions,
                badge_consumer.APPLY,
            ),
        ]

    def stop(self) -> None:
        self.stop_event.set()
        for thread in self.threads:
            thread.join(10)
        self.dashboard.stop()
        self.badge.stop()


@pytest.fixture
def product(settings, new_database, smtp_server):
    running = Product(replace(settings, admin_token=ADMIN_TOKEN, smtp_url=smtp_server.url), new_database)
    yield running
    running.stop()


def shoot(browser, url: str, name: str, cookies=None) -> None:
    """`url` at phone and laptop width, as it is; one PNG per width."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    for label, viewport in (("390", PHONE), ("1280", LAPTOP)):
        context = browser.new_context(viewport=viewport)
        if cookies:
            context.add_cookies(cookies)
        page = context.new_page()
        page.goto(url)
        page.evaluate("document.fonts.ready")
        page.screenshot(path=str(SHOTS / f"{name}-{label}.png"), full_page=True)
        context.close()


def the_invitation(smtp_server, to: str):
    """The invitation the SMTP server received for `to` (sent while the admin's request ran)."""
    [mail] = [m.message for m in smtp_server.wait_for(1) if m.recipients == (to,)]
    assert mail["X-Rapport-Campaign"] == "invitation"
    return mail


def test_an_admin_invites_a_co_organizer_who_sets_a_password_and_imports_attendees(
    browser, product, smtp_server, tmp_path
):
    status, _ = call(
        f"{product.dashboard.url}/v1/organizers",
        ADMIN_TOKEN,
        {"email": "noura@example.org", "name": "Noura", "password": "a long organizer passphrase"},
    )
    assert status == 201
    context = browser.new_context(base_url=product.dashboard.url, viewport=LAPTOP)
    page = context.new_page()
    page.goto("/login")
    page.fill("#email", "noura@example.org")
    page.fill("#password", "a long organizer passphrase")
    page.click("#login button[type=submit]")
    page.fill("#name", "Riyadh Design Week")
    page.fill("#starts_at", "2027-03-01T09:00")
    page.fill("#ends_at", "2027-03-01T18:00")
    page.click("#new-event button[type=submit]")
    expect(page.locator(".event-head h1")).to_have_text("Riyadh Design Week")
    event_id = page.url.rsplit("/", 1)[1]

    # Access first, to an email with no account yet; then the invitation.
    page.click("nav >> text=Organizers")
    page.fill("#grant-email", "karim@example.org")
    page.select_option("#grant-event", event_id)
    page.select_option("#grant-role", "staff")
    page.click("#give-access button[type=submit]")
    expect(page.locator(f"#event-{event_id} + .table-wrap")).to_contain_text("karim@example.org")
    page.fill("#invite input[name=email]", "karim@example.org")
    page.click("#invite button[type=submit]")
    expect(page.locator("p.done[role=status]")).to_contain_text("karim@example.org")
    expect(page.locator("#organizers tr.invited")).to_contain_text("karim@example.org")
    # A token for a script that syncs this one event, as staff, for 30 days.
    page.click("nav >> text=API tokens")
    page.fill("#token-name", "مزامنة pretix")
    page.select_option("#token-role", "staff")
    page.select_option("#token-event", event_id)
    page.select_option("#token-expiry", "30")
    page.click("#make-token button[type=submit]")
    token = page.locator("#new-token").inner_text()
    assert token.startswith("rap_org_")
    expect(page.locator("table.tokens")).to_contain_text("Riyadh Design Week")
    status, answer = call(f"{product.badge.url}/v1/events/{event_id}/attendees", token)
    assert status == 200, answer
    status, answer = call(f"{product.badge.url}/v1/events/{event_id}/close", token, {})
    assert (status, answer["code"]) == (403, "forbidden")  # staff does not close the event
    for lang in ("en", "ar"):
        if lang == "ar":
            page.click("#switch-language")
            expect(page.locator("html")).to_have_attribute("dir", "rtl")
        shoot(browser, f"{product.dashboard.url}/organizers", f"organizers-{lang}", context.cookies())
        shoot(browser, f"{product.dashboard.url}/tokens", f"tokens-{lang}", context.cookies())
    context.close()

    message = the_invitation(smtp_server, "karim@example.org")
    html = message.get_body(("html",)).get_content()
    link = re.search(r'href="(http://[^"]+/invite/[^"]+)"', html).group(1)
    assert link in message.get_body(("plain",)).get_content()
    (tmp_path / "invitation.html").write_text(html, encoding="utf-8")
    shoot(browser, (tmp_path / "invitation.html").as_uri(), "invitation-email")

    # The invitee: from the email's link to their own password, then signed in.
    invitee = browser.new_context(viewport=PHONE)
    page = invitee.new_page()
    page.goto(link + "?lang=ar")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator(".tip bdi")).to_have_text("karim@example.org")
    shoot(browser, link + "?lang=ar", "invite-ar")
    shoot(browser, link + "?lang=en", "invite-en")
    page.fill("#name", "كريم")
    page.fill("#password", "karim's own long passphrase")
    page.select_option("#language", "en")
    page.click("#accept-invitation button[type=submit]")
    expect(page.locator("h1")).to_have_text("Your events")
    page.click("#log-out")
    page.goto(f"{product.dashboard.url}/login")
    page.fill("#email", "karim@example.org")
    page.fill("#password", "karim's own long passphrase")
    page.click("#login button[type=submit]")
    expect(page.locator(".events")).to_contain_text("Riyadh Design Week")

    # Staff runs an import: the dashboard asks the badge service as Karim.
    page.goto(f"{product.dashboard.url}/events/{event_id}")
    page.click("nav.tabs >> text=Attendees")
    people_csv = tmp_path / "people.csv"
    people_csv.write_text(CSV, encoding="utf-8")
    page.set_input_files("#file", str(people_csv))
    page.click("#import button[type=submit]")
    expect(page.locator("#import-result")).to_contain_text("2 added")
    # Closing the event is the owner's: the badge service refuses Karim, and he reads why, in his language.
    for lang in ("en", "ar"):
        if lang == "ar":
            page.click("#switch-language")
        page.goto(f"{product.dashboard.url}/events/{event_id}")
        page.once("dialog", lambda dialog: dialog.accept())  # the close form asks to confirm
        page.click("form.danger-zone button[type=submit]")
        expect(page.locator("main")).to_contain_text("دورك" if lang == "ar" else "Your role on this event")
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"staff-refused-{lang}-390.png"), full_page=True)
    status, answer = call(f"{product.badge.url}/v1/events/{event_id}", ADMIN_TOKEN)
    assert answer["status"] == "open"
    # The invitation worked once: the link is spent.

    page.goto(link)
    expect(page.locator("p.error")).to_be_visible()
    invitee.close()
