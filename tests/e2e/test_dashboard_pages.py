"""The organizer's dashboard in a real browser (Debian's Chromium, driven by Playwright), with the
product around it really running: the dashboard, badge and scan services over HTTP on PostgreSQL, their
outbox relays and the scan and dashboard consumers on a real bus (the embedded log), in threads.

An organizer logs in, creates an event, uploads a CSV, and watches the live view while attendees'
scans arrive through the scan API: the counter and the graph change without a reload. Then they
switch to Arabic and the page runs right to left. Screenshots land in test-artifacts/.
"""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.request
from dataclasses import replace

import pytest
from playwright.sync_api import expect

from services.badge import create_app as badge_app
from services.dashboard import create_app as dashboard_app
from services.dashboard.consumer import GROUP
from services.dashboard.handlers import READ_MODEL_TYPES, apply_event
from services.scan import create_app as scan_app
from services.scan.handlers import READ_MODEL_TYPES as SCAN_TYPES
from services.scan.handlers import apply_event as scan_apply
from shared.bus import DEAD_LETTER_TOPIC, bus_from_url
from shared.events import ALL_TOPICS, ATTENDEES_TOPIC, EVENTS_TOPIC
from tests.datakeys import keyring_for
from tests.e2e import test_scan_pages
from tests.integration.dashboard.running import BusThreads, Served

# Debian's Chromium, started once for this module, and its screenshots: as the scan pages' tests have them.
playwright, browser, screenshot = (
    test_scan_pages.playwright,
    test_scan_pages.browser,
    test_scan_pages.screenshot,
)

LAPTOP, TABLET = {"width": 1366, "height": 900}, {"width": 820, "height": 1180}
ADMIN_TOKEN = "test-admin-token"
CSV = """name,email,company,interests,language
Lina Haddad,lina@example.org,Souk Labs,coffee;design,en
عمر الفاروق,omar@example.org,مدرسة المستقبل,تعليم;قهوة,ar
Sara Nasser,sara@example.org,Dhow Logistics,logistics,en
Huda Saleh,huda@example.org,Palm Studio,design,en
Bad Row,not-an-email,,,en
Yusuf Amin,yusuf@example.org,Atlas Retail,coffee,en
"""


class Product(BusThreads):
    """Dashboard, badge and scan, served; relays and consumers running until stop()."""

    def __init__(self, settings, new_database):
        base = replace(
            settings, **{f"{name}_database_url": new_database() for name in ("badge", "scan", "dashboard")}
        )
        self.badge_app, self.scan_app = badge_app(base), scan_app(base)
        self.badge, self.scan = Served(self.badge_app), Served(self.scan_app)
        self.keys = keyring_for(self.badge_app)
        self.dashboard_app = dashboard_app(replace(base, badge_url=self.badge.url, scan_url=self.scan.url))
        self.dashboard = Served(self.dashboard_app)
        self.bus = bus_from_url(settings.bus_url, partitions=3)
        self.bus.ensure_topics([*ALL_TOPICS, DEAD_LETTER_TOPIC], 3)
        self.stop_event = threading.Event()
        self.threads = [
            self._thread(self._relay, self.badge_app.extensions["badge"].sessions),
            self._thread(self._relay, self.scan_app.extensions["scan"].sessions),
            self._thread(
                self._consume,
                "scan",
                [EVENTS_TOPIC, ATTENDEES_TOPIC],
                SCAN_TYPES,
                self.scan_app.extensions["scan"].sessions,
                scan_apply,
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

    def stop(self) -> None:
        self.stop_event.set()
        for thread in self.threads:
            thread.join(10)
        for served in (self.dashboard, self.badge, self.scan):
            served.stop()


def call(url: str, token: str, body: dict | None = None) -> tuple[int, dict]:
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode() if body is not None else None,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read())


def scan(product: Product, scanner: dict, scanned: dict, client_scan_id: str) -> dict:
    """One attendee scans another through the scan API, as their phone does; retried while the scan
    service has not yet heard of them from the bus (a 401 that says so)."""
    deadline = time.monotonic() + 20
    while True:
        status, answer = call(
            f"{product.scan.url}/v1/scans",
            scanner["scanner_token"],
            {"scanned": scanned["short_code"], "client_scan_id": client_scan_id},
        )
        if status in (200, 201):
            return answer
        assert status == 401 and answer["code"] == "unknown_scanner" and time.monotonic() < deadline, answer
        time.sleep(0.2)


@pytest.fixture
def product(settings, new_database):
    running = Product(replace(settings, admin_token=ADMIN_TOKEN), new_database)
    yield running
    running.stop()


def test_an_organizer_runs_an_event_and_watches_people_meet_live(browser, product, tmp_path):
    status, _ = call(
        f"{product.dashboard.url}/v1/organizers",
        ADMIN_TOKEN,
        {"email": "noura@example.org", "name": "Noura", "password": "a long organizer passphrase"},
    )
    assert status == 201
    context = browser.new_context(base_url=product.dashboard.url, viewport=LAPTOP)
    page = context.new_page()
    page.goto("/")
    page.fill("#email", "noura@example.org")
    page.fill("#password", "a long organizer passphrase")
    page.click("#login button[type=submit]")
    expect(page.locator("h1")).to_have_text("Your events")

    page.fill("#name", "Riyadh Design Week")
    page.fill("#venue", "Jax District")
    page.fill("#starts_at", "2026-12-01T09:00")
    page.fill("#ends_at", "2026-12-03T18:00")
    page.select_option("#event-language", "en")
    page.click("#new-event button[type=submit]")
    expect(page.locator(".event-head h1")).to_have_text("Riyadh Design Week")
    event_id = page.url.rsplit("/", 1)[1]

    page.click("nav.tabs >> text=Attendees")
    people_csv = tmp_path / "people.csv"
    people_csv.write_text(CSV, encoding="utf-8")
    page.set_input_files("#file", str(people_csv))
    page.click("#import button[type=submit]")
    expect(page.locator("#import-result")).to_contain_text("5 added")
    expect(page.locator("table.rejected")).to_contain_text("6")  # the line in the organizer's own file
    expect(page.locator("table.rejected")).to_contain_text("email")
    screenshot(page, "dashboard-import-en")

    page.click("nav.tabs >> text=Live")
    expect(page.locator("#graph canvas")).to_have_count(1)
    expect(page.locator("#stat-attendees")).to_have_text("5", timeout=15_000)  # registrations over the bus
    expect(page.locator("#graph")).to_have_attribute("data-nodes", "5")
    expect(page.locator("#stat-meetings")).to_have_text("0")
    expect(page.locator("#unmet li")).to_have_count(5)
    page.evaluate("window.stillTheSamePage = true")

    _, listed = call(f"{product.badge.url}/v1/events/{event_id}/attendees", ADMIN_TOKEN)
    people = {a["name"]: a for a in listed["attendees"]}
    lina, omar, sara = people["Lina Haddad"], people["عمر الفاروق"], people["Sara Nasser"]
    scan(product, lina, omar, "lina-1")
    expect(page.locator("#stat-meetings")).to_have_text("1", timeout=10_000)
    expect(page.locator("#graph")).to_have_attribute("data-edges", "1")
    expect(page.locator("#stat-met")).to_have_text("2")
    assert scan(product, omar, lina, "omar-1")["mutual"] is True
    scan(product, sara, lina, "sara-1")
    expect(page.locator("#stat-meetings")).to_have_text("2", timeout=10_000)
    expect(page.locator("#graph")).to_have_attribute("data-edges", "2")
    expect(page.locator("#stat-mutual")).to_have_text("50%")
    expect(page.locator("#stat-active")).to_have_text("3")
    expect(page.locator("#top li").first).to_contain_text("Lina Haddad")
    expect(page.locator("#unmet")).to_contain_text("Huda Saleh")
    expect(page.locator("#unmet")).to_contain_text("Introduce to Lina Haddad")  # they share design
    assert page.evaluate("window.stillTheSamePage") is True  # all of it without a reload
    screenshot(page, "dashboard-live-en")

    page.click("#switch-language")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("html")).to_have_attribute("lang", "ar")
    expect(page.locator(".counters .label").first).to_have_text("اللقاءات")
    expect(page.locator("#stat-meetings")).to_have_text("2")
    expect(page.locator("#graph")).to_have_attribute("data-edges", "2")
    direction = page.evaluate("getComputedStyle(document.querySelector('.counters')).direction")
    assert direction == "rtl"
    screenshot(page, "dashboard-live-ar")
    page.set_viewport_size(TABLET)
    expect(page.locator("#graph")).to_be_visible()
    screenshot(page, "dashboard-live-ar-tablet")

    page.click("nav.tabs >> text=بعد الفعالية")
    expect(page.locator("h2").first).to_have_text("تسليم رسائل المتابعة")
    context.close()


HOSTILE = '<img src=x onerror="window.pwned=1"><b>Lina</b>'
FIND_NODE = """() => {
  const canvas = document.querySelector('#graph canvas'), rect = canvas.getBoundingClientRect();
  const {width, height} = canvas, data = canvas.getContext('2d').getImageData(0, 0, width, height).data;
  for (let i = 0; i < data.length; i += 4) {
    if (Math.abs(data[i] - 0xe0) < 8 && Math.abs(data[i + 1] - 0x7b) < 8 && data[i + 2] < 16) {
      const px = (i / 4) % width, py = Math.floor(i / 4 / width);
      return {x: rect.left + (px + 2) * rect.width / width, y: rect.top + (py + 2) * rect.height / height};
    }
  }
  return null;
}"""


@pytest.mark.parametrize("viewport", [LAPTOP, {"width": 390, "height": 844}], ids=["laptop", "phone"])
@pytest.mark.parametrize("language", ["en", "ar"])
def test_a_name_in_the_graph_tooltip_is_shown_as_text_never_as_markup(
    browser, product, tmp_path, language, viewport
):
    status, _ = call(
        f"{product.dashboard.url}/v1/organizers",
        ADMIN_TOKEN,
        {
            "email": "noura@example.org",
            "name": "Noura",
            "password": "a long organizer passphrase",
            "language": language,
        },
    )
    assert status == 201
    context = browser.new_context(base_url=product.dashboard.url, viewport=viewport)
    page = context.new_page()
    page.goto("/")
    page.fill("#email", "noura@example.org")
    page.fill("#password", "a long organizer passphrase")
    page.click("#login button[type=submit]")
    page.fill("#name", "Riyadh Design Week")
    page.fill("#starts_at", "2026-12-01T09:00")
    page.fill("#ends_at", "2026-12-03T18:00")
    page.click("#new-event button[type=submit]")
    event_id = page.url.rsplit("/", 1)[1]
    people_csv = tmp_path / "people.csv"
    people_csv.write_text(
        f'name,email\n"{HOSTILE.replace(chr(34), chr(34) * 2)}",lina@example.org\n', encoding="utf-8"
    )
    page.goto(f"/events/{event_id}/attendees")
    page.set_input_files("#file", str(people_csv))
    page.click("#import button[type=submit]")
    expect(page.locator("#import-result")).to_be_visible()

    page.goto(f"/events/{event_id}")
    expect(page.locator("#graph")).to_have_attribute("data-nodes", "1", timeout=15_000)
    tooltip = page.locator(".float-tooltip-kap")
    page.locator("#graph").scroll_into_view_if_needed()  # below the fold on a phone: the mouse works in view
    deadline = time.monotonic() + 15
    while not tooltip.is_visible():  # hover the node: where the canvas shows its colour (#e07b00, met nobody)
        assert time.monotonic() < deadline, "no tooltip over the graph's only node"
        spot = page.evaluate(FIND_NODE)
        if spot:
            page.mouse.move(spot["x"] + 1, spot["y"] + 1)
            page.mouse.move(spot["x"], spot["y"])
        page.wait_for_timeout(100)  # the next animation frame draws it
    expect(tooltip).to_contain_text(HOSTILE)  # the characters, as typed
    assert tooltip.locator("img, b").count() == 0  # and no element made from them
    assert page.evaluate("window.pwned") is None
    screenshot(page, f"dashboard-tooltip-{language}-{viewport['width']}")
    context.close()
