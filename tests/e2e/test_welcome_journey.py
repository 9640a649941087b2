"""The welcome email as an organizer and an attendee meet it, in a real browser (Debian's Chromium),
with the product around it running: dashboard, badge and follow-up services over HTTP on
PostgreSQL, their relays and consumers on a real bus (the embedded log) and the follow-up sender
delivering to a real SMTP server, in threads.

The organizer imports a CSV; each attendee's welcome email arrives; the attendee list says it was
sent; the organizer sends Lina hers again and a second one arrives. The email as received is
opened in Chromium at a phone's and a laptop's width, in English and Arabic; its button opens the
person's own page. Screenshots land in test-artifacts/ (welcome-*)."""

from __future__ import annotations

import base64
import re
import threading
import time
from dataclasses import replace
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from deploy.rig.smtp import SmtpSink
from services.badge import create_app as badge_app
from services.dashboard import create_app as dashboard_app
from services.dashboard.consumer import GROUP
from services.dashboard.handlers import READ_MODEL_TYPES, apply_event
from services.followup import create_app as followup_app
from services.followup import readmodel
from services.followup.sender import Sender
from shared.bus import DEAD_LETTER_TOPIC, bus_from_url
from shared.events import ALL_TOPICS, ATTENDEES_TOPIC, EVENTS_TOPIC, SCANS_TOPIC
from shared.smtp import SmtpSettings
from tests.datakeys import keyring_for
from tests.e2e import test_scan_pages
from tests.e2e.test_accessibility import violations
from tests.integration.dashboard.running import BusThreads, Served

playwright, browser, screenshot = (
    test_scan_pages.playwright,
    test_scan_pages.browser,
    test_scan_pages.screenshot,
)
PHONE, LAPTOP = {"width": 390, "height": 844}, {"width": 1280, "height": 900}
ADMIN_TOKEN = "test-admin-token"
CSV = """name,email,company,language
Lina Haddad,lina@example.org,Souk Labs,en
ليلى حداد,layla@example.org,مدرسة المستقبل,ar
"""
LINK = re.compile(r"https?://[^\s\"<>]+/me/[A-Z2-7]+")


class Product(BusThreads):
    """Dashboard, badge and follow-up, served; relays, consumers and the sender running until stop()."""

    def __init__(self, settings, new_database, smtp: SmtpSink):
        base = replace(
            settings,
            smtp_url=smtp.url,
            **{f"{name}_database_url": new_database() for name in ("badge", "followup", "dashboard")},
        )
        self.badge_app = badge_app(base)
        self.badge = Served(self.badge_app)
        self.keys = keyring_for(self.badge_app)
        base = replace(base, badge_url=self.badge.url)
        self.followup_app = followup_app(base)
        self.followup = Served(self.followup_app)
        self.dashboard_app = dashboard_app(replace(base, followup_url=self.followup.url))
        self.dashboard = Served(self.dashboard_app)
        self.bus = bus_from_url(settings.bus_url, partitions=2)
        self.bus.ensure_topics([*ALL_TOPICS, DEAD_LETTER_TOPIC], 2)
        self.stop_event = threading.Event()
        followup = self.followup_app.extensions["followup"]
        self.sender = Sender(
            followup.sessions,
            followup.composer,
            SmtpSettings.from_url(smtp.url),
            "Rapport <rapport@example.org>",
            settle=timedelta(0),
            connections=2,
        )
        self.threads = [
            self._thread(self._relay, self.badge_app.extensions["badge"].sessions),
            self._thread(self._relay, followup.sessions),
            self._thread(
                self._consume,
                "followup",
                [EVENTS_TOPIC, ATTENDEES_TOPIC, SCANS_TOPIC],
                readmodel.READ_MODEL_TYPES,
                followup.sessions,
                readmodel.apply_event,
            ),
            self._thread(
                self._consume,
                GROUP,
                ALL_TOPICS,
                READ_MODEL_TYPES,
                self.dashboard_app.extensions["dashboard"].sessions,
                apply_event,
            ),
            self._thread(self._send),
        ]

    def _send(self) -> None:
        while not self.stop_event.is_set():
            if not self.sender.run_once():
                self.stop_event.wait(0.2)

    def stop(self) -> None:
        self.stop_event.set()
        for thread in self.threads:
            thread.join(10)
        self.sender.close()
        for served in (self.dashboard, self.followup, self.badge):
            served.stop()


@pytest.fixture
def smtp():
    with SmtpSink() as sink:
        yield sink


@pytest.fixture
def product(settings, new_database, smtp):
    running = Product(replace(settings, admin_token=ADMIN_TOKEN), new_database, smtp)
    yield running
    running.stop()


def log_in(browser, product, viewport):
    import json
    import urllib.request

    request = urllib.request.Request(
        f"{product.dashboard.url}/v1/organizers",
        data=json.dumps(
            {"email": "noura@example.org", "name": "Noura", "password": "a long organizer passphrase"}
        ).encode(),
        headers={"Authorization": f"Bearer {ADMIN_TOKEN}", "Content-Type": "application/json"},
    )
    urllib.request.urlopen(request, timeout=10).close()
    context = browser.new_context(base_url=product.dashboard.url, viewport=viewport)
    page = context.new_page()
    page.goto("/")
    page.fill("#email", "noura@example.org")
    page.fill("#password", "a long organizer passphrase")
    page.click("#login button[type=submit]")
    expect(page.locator("h1")).to_have_text("Your events")
    return context, page


def as_received(mail) -> str:
    """The HTML part as a mail client shows it: the inline badge (cid:) in place."""
    html = mail.message.get_body(("html",)).get_content()
    for part in mail.message.walk():
        if part.get_content_type() == "image/png":
            cid = part["Content-ID"].strip("<>")
            data = base64.b64encode(part.get_content()).decode()
            html = html.replace(f"cid:{cid}", f"data:image/png;base64,{data}")
    return html


def test_an_organizer_imports_attendees_each_gets_a_welcome_and_one_is_sent_again(
    browser, product, smtp, tmp_path
):
    context, page = log_in(browser, product, LAPTOP)
    page.fill("#name", "Riyadh Design Week")
    page.fill("#starts_at", "2026-12-01T09:00")
    page.fill("#ends_at", "2026-12-03T18:00")
    page.select_option("#event-language", "en")
    expect(page.locator("#event-welcome")).to_have_value(
        "on_registration"
    )  # welcomed unless the organizer says
    screenshot(page, "welcome-dashboard-new-event-en-1280")
    page.click("#new-event button[type=submit]")
    expect(page.locator(".event-head h1")).to_have_text("Riyadh Design Week")
    page.click("nav.tabs >> text=Attendees")
    people_csv = tmp_path / "people.csv"
    people_csv.write_text(CSV, encoding="utf-8")
    page.set_input_files("#file", str(people_csv))
    page.click("#import button[type=submit]")
    expect(page.locator("#import-result")).to_contain_text("2 added")

    mails = {m.recipients[0]: m for m in smtp.wait_for(2, timeout=60)}  # welcomed as they were registered
    assert set(mails) == {"lina@example.org", "layla@example.org"}
    deadline = time.monotonic() + 30
    while page.locator("td.welcome-status", has_text="sent").count() < 2:  # the outcome, over the bus
        assert time.monotonic() < deadline, page.locator("table.attendees").inner_text()
        page.reload()
    screenshot(page, "welcome-dashboard-attendees-en-1280")

    page.click("table.attendees >> text=Lina Haddad")
    expect(page.locator("#welcome .welcome-status")).to_have_text("sent")
    expect(page.locator("#welcome button")).to_have_text("Send it again")
    page.click("#welcome button")
    expect(page.locator("#welcome [role=status]")).to_have_text("The welcome email is on its way.")
    screenshot(page, "welcome-dashboard-attendee-en-1280")
    again = [m for m in smtp.wait_for(3, timeout=60) if m.recipients[0] == "lina@example.org"]
    assert len(again) == 2 and again[0].message["Message-ID"] != again[1].message["Message-ID"]

    page.click("#switch-language")  # the organizer's language: the same pages right to left
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    screenshot(page, "welcome-dashboard-attendee-ar-1280")
    page.set_viewport_size(PHONE)
    page.click("nav.tabs >> text=المشاركون")
    screenshot(page, "welcome-dashboard-attendees-ar-390")
    page.click("text=الفعاليات")
    screenshot(page, "welcome-dashboard-new-event-ar-390")
    context.close()

    for address, lang in (("lina@example.org", "en"), ("layla@example.org", "ar")):
        mail = mails[address]
        assert mail.message["X-Rapport-Campaign"] == "welcome" and mail.message["Content-Language"] == lang
        html = as_received(mail)
        for viewport in (PHONE, LAPTOP):
            reader = browser.new_context(viewport=viewport)
            email_page = reader.new_page()
            email_page.set_content(html)
            expect(email_page.locator("html")).to_have_attribute("dir", "rtl" if lang == "ar" else "ltr")
            badge = email_page.locator("img")
            expect(badge).to_be_visible()
            assert badge.evaluate("img => img.naturalWidth") > 0  # the inline badge really shows
            screenshot(email_page, f"welcome-email-{lang}-{viewport['width']}")
            assert violations(email_page, "welcome email") == []  # axe-core: nothing serious or critical
            reader.close()
        [link] = set(LINK.findall(mail.message.get_body(("plain",)).get_content()))
        phone = browser.new_context(viewport=PHONE)
        own = phone.new_page()
        own.goto(link)  # the button's link: their own page on the badge service
        expect(own.locator("body")).to_contain_text("ليلى حداد" if lang == "ar" else "Lina Haddad")
        screenshot(own, f"welcome-link-opens-{lang}-390")
        phone.close()
