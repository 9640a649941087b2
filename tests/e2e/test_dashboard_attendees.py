"""Staff running attendees in a real browser (Debian's Chromium, Playwright), with the dashboard,
badge and scan services really running over HTTP and the bus: a lost badge is reissued and
printed (the PDF the browser downloads is rasterised and its QR read by zxing-cpp: it is the new
badge, not the old one), and an attendee is erased after a confirmation that says what goes.
Every page is also shown in English and Arabic at phone and laptop widths, for the screenshots,
and checked by axe-core: no serious or critical violations.
"""

from __future__ import annotations

import re
import threading
import time
import urllib.error
import urllib.request
from dataclasses import replace

import pypdfium2
import pytest
import zxingcpp
from playwright.sync_api import expect

from services.badge import create_app as badge_app
from services.dashboard import create_app as dashboard_app
from services.dashboard.consumer import GROUP
from services.dashboard.handlers import READ_MODEL_TYPES, apply_event
from services.followup import create_app as followup_app
from services.followup import readmodel as followup_readmodel
from shared.bus import DEAD_LETTER_TOPIC, bus_from_url
from shared.events import ALL_TOPICS, ATTENDEES_TOPIC, EVENTS_TOPIC, SCANS_TOPIC
from tests.datakeys import keyring_for
from tests.e2e.test_accessibility import violations
from tests.e2e.test_dashboard_pages import ADMIN_TOKEN, LAPTOP, call, product  # noqa: F401 (a fixture)
from tests.e2e.test_scan_pages import browser, playwright, screenshot  # noqa: F401 (fixtures)
from tests.integration.dashboard.running import BusThreads, Served

PHONE = {"width": 390, "height": 844}
WIDE = {"width": 1280, "height": 900}
CSV = """name,email,company,headline,interests,language
Lina Haddad,lina@example.org,Souk Labs,Coffee supply chains that pay farmers fairly,coffee;design,en
عمر الفاروق,omar@example.org,مدرسة المستقبل,تعليم يبدأ من فضول الطفل,تعليم;قهوة,ar
Sara Nasser,sara@example.org,Dhow Logistics,Cold chains that waste nothing,logistics,en
"""


class WithMail(BusThreads):
    """Dashboard, badge and follow-up, served, with the badge relay and both consumers running:
    the person page's record of emails comes from the real follow-up service."""

    def __init__(self, settings, new_database):
        base = replace(
            settings,
            admin_token=ADMIN_TOKEN,
            **{f"{name}_database_url": new_database() for name in ("badge", "followup", "dashboard")},
        )
        self.badge_app, self.followup_app = badge_app(base), followup_app(base)
        self.badge, self.followup = Served(self.badge_app), Served(self.followup_app)
        self.keys = keyring_for(self.badge_app)  # the registrations' personal fields are sealed
        self.dashboard_app = dashboard_app(
            replace(base, badge_url=self.badge.url, followup_url=self.followup.url)
        )
        self.dashboard = Served(self.dashboard_app)
        self.bus = bus_from_url(settings.bus_url, partitions=2)
        self.bus.ensure_topics([*ALL_TOPICS, DEAD_LETTER_TOPIC], 2)
        self.stop_event = threading.Event()
        self.threads = [
            self._thread(self._relay, self.badge_app.extensions["badge"].sessions),
            self._thread(
                self._consume,
                "followup",
                [EVENTS_TOPIC, ATTENDEES_TOPIC, SCANS_TOPIC],
                followup_readmodel.READ_MODEL_TYPES,
                self.followup_app.extensions["followup"].sessions,
                followup_readmodel.apply_event,
            ),
            self._thread(
                self._consume,
                GROUP,
                ALL_TOPICS,
                READ_MODEL_TYPES,
                self.dashboard_app.extensions["dashboard"].sessions,
                apply_event,
            ),
        ]

    def knows(self, event_id: str, attendee_id: str) -> bool:
        """Has the follow-up service heard of this attendee from the bus yet?"""
        url = f"{self.followup.url}/v1/events/{event_id}/attendees/{attendee_id}/welcome/preview"
        request = urllib.request.Request(url, headers={"Authorization": f"Bearer {ADMIN_TOKEN}"})
        try:
            with urllib.request.urlopen(request, timeout=10):
                return True
        except urllib.error.HTTPError as err:
            assert err.code == 404, err.code
            return False

    def stop(self) -> None:
        self.stop_event.set()
        for thread in self.threads:
            thread.join(10)
        for served in (self.dashboard, self.badge, self.followup):
            served.stop()


@pytest.fixture
def with_mail(settings, new_database):
    running = WithMail(settings, new_database)
    yield running
    running.stop()


def log_in(browser, product, tmp_path, language: str, viewport=LAPTOP):
    """An organizer with an event and its three attendees imported; their logged-in page."""
    email = f"staff-{language}-{viewport['width']}@example.org"
    status, _ = call(
        f"{product.dashboard.url}/v1/organizers",
        ADMIN_TOKEN,
        {"email": email, "name": "Noura", "password": "a long organizer passphrase", "language": language},
    )
    assert status == 201
    context = browser.new_context(base_url=product.dashboard.url, viewport=viewport, accept_downloads=True)
    page = context.new_page()
    page.goto("/login")
    page.fill("#email", email)
    page.fill("#password", "a long organizer passphrase")
    page.click("#login button[type=submit]")
    page.fill("#name", "Riyadh Design Week")
    page.fill("#venue", "Jax District")
    page.fill("#starts_at", "2026-12-01T09:00")
    page.fill("#ends_at", "2026-12-03T18:00")
    page.click("#new-event button[type=submit]")
    event_id = page.url.rsplit("/", 1)[1]
    page.goto(f"/events/{event_id}/attendees")
    people = tmp_path / f"people-{language}-{viewport['width']}.csv"
    people.write_text(CSV, encoding="utf-8")
    page.set_input_files("#file", str(people))
    page.click("#import button[type=submit]")
    expect(page.locator("#import-result")).to_be_visible()
    return context, page, event_id


def qr_texts(pdf: bytes) -> set[str]:
    document = pypdfium2.PdfDocument(pdf)
    return {
        result.text
        for page in document
        for result in zxingcpp.read_barcodes(page.render(scale=200 / 72).to_pil())
    }


def test_staff_reissue_a_lost_badge_and_print_the_new_one(browser, product, tmp_path):  # noqa: F811
    context, page, event_id = log_in(browser, product, tmp_path, "en")
    _, listed = call(f"{product.badge.url}/v1/events/{event_id}/attendees", ADMIN_TOKEN)
    old = next(a for a in listed["attendees"] if a["name"] == "Sara Nasser")
    expect(page.locator("table.attendees")).to_contain_text("Sara Nasser")  # right after the import
    page.click("table.attendees >> text=Sara Nasser")
    expect(page.locator("#short-code")).to_have_text(old["short_code"])

    page.click("#reissue button[type=submit]")
    expect(page.locator("p.done")).to_contain_text("A new badge was issued")
    new_code = page.locator("#short-code").inner_text()
    assert new_code != old["short_code"]
    page.check("#print-one input[name=force]")  # the test's public URL is localhost: a test print
    with page.expect_download() as downloading:
        page.click("#print-one button[type=submit]")
    pdf = downloading.value.path().read_bytes()
    _, now = call(f"{product.badge.url}/v1/attendees/{old['id']}", ADMIN_TOKEN)
    assert now["short_code"] == new_code
    assert qr_texts(pdf) == {now["badge_url"]}  # the new badge's QR, one badge
    assert old["badge_url"] != now["badge_url"]
    context.close()


def test_an_attendee_is_erased_only_after_a_confirmation_that_says_what_goes(browser, product, tmp_path):  # noqa: F811
    context, page, event_id = log_in(browser, product, tmp_path, "en")
    row = page.locator("table.attendees tr", has_text="Lina Haddad")
    row.locator("text=Erase").click()
    expect(page.locator("#erase-confirm h2")).to_have_text("Erase Lina Haddad?")
    expect(page.locator("#erase-confirm")).to_contain_text("This cannot be undone")
    expect(page.locator(".erase-what li")).to_have_count(4)
    page.click("#erase-confirm >> text=Cancel")  # changing one's mind erases nothing
    expect(page.locator("#actions")).to_be_visible()
    page.click("#erase")
    page.click("#erase-for-good")
    expect(page.locator("p.done")).to_have_text("The attendee was erased everywhere.")
    expect(page.locator("table.attendees")).not_to_contain_text("Lina Haddad")
    status, _ = call(f"{product.badge.url}/v1/events/{event_id}/attendees", ADMIN_TOKEN)
    _, listed = call(f"{product.badge.url}/v1/events/{event_id}/attendees", ADMIN_TOKEN)
    assert status == 200 and "Lina Haddad" not in {a["name"] for a in listed["attendees"]}
    context.close()


@pytest.mark.parametrize("viewport", [PHONE, WIDE], ids=["390", "1280"])
@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_attendee_and_settings_pages_in_both_languages(browser, with_mail, tmp_path, language, viewport):  # noqa: F811
    context, page, event_id = log_in(browser, with_mail, tmp_path, language, viewport)
    name, found = f"{language}-{viewport['width']}", {}
    expect(page.locator("html")).to_have_attribute("dir", "rtl" if language == "ar" else "ltr")
    screenshot(page, f"attendees-list-{name}")
    found["list"] = violations(page, "dashboard attendees")
    omar = re.search(r"/attendees/(\w+)\"[^>]*>عمر الفاروق<", page.content()).group(1)
    deadline = time.monotonic() + 20  # the follow-up service learns of him from the bus
    while not with_mail.knows(event_id, omar):
        assert time.monotonic() < deadline, "the follow-up service never heard of the attendee"
        time.sleep(0.2)
    page.goto(f"/events/{event_id}/attendees/{omar}")
    page.click("#welcome button[type=submit]")  # one more welcome email, queued
    expect(page.locator("#record table.record tbody tr").first).to_be_visible()
    expect(page.locator("#record")).to_contain_text(
        "waiting to be sent" if language == "en" else "في انتظار الإرسال"
    )
    screenshot(page, f"attendee-person-{name}")
    found["person"] = violations(page, "dashboard person")
    page.goto(f"/events/{event_id}/attendees/new")
    page.fill("#email", "not an email")
    page.click("#attendee-form button[type=submit]")
    expect(page.locator("#email-error")).to_be_visible()
    screenshot(page, f"attendee-form-errors-{name}")
    found["form"] = violations(page, "dashboard attendee form")
    page.goto(f"/events/{event_id}/attendees/{omar}/erase")
    screenshot(page, f"attendee-erase-{name}")
    found["erase"] = violations(page, "dashboard erase")
    page.goto(f"/events/{event_id}/settings")
    expect(page.locator("#starts_at")).to_have_value("2026-12-01T09:00")  # Riyadh time, not UTC
    screenshot(page, f"event-settings-{name}")
    found["settings"] = violations(page, "dashboard settings")
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, "the settings page scrolls sideways"
    assert not any(found.values()), found
    context.close()
