"""The scan pages as an installable offline web app, in Chromium: the scanner, My people and My QR
reload with the browser offline (from the service worker's cache), a scan made then waits in the
queue and syncs once back online, and Chromium finds nothing that stops "Add to Home Screen"."""

from __future__ import annotations

import uuid

from playwright.sync_api import expect

from tests.e2e.test_my_people_pages import shot
from tests.e2e.test_scan_pages import base_url, browser, people, phone, playwright, saved_scans, scan_app  # noqa: F401

CACHED = """async (urls) => {
  const cache = await caches.open("rapport-scan-v1");
  const found = await Promise.all(urls.map((url) => cache.match(url, { ignoreSearch: url.includes("qr.svg") })));
  return found.every(Boolean);
}"""


def test_the_scanner_my_people_and_my_qr_open_offline_and_the_queue_syncs_later(phone, people, scan_app):
    lina, omar, sara = people["lina"], people["omar"], people["sara"]
    saved = scan_app.test_client().post(
        "/v1/scans",
        headers={"Authorization": f"Bearer {lina.private}"},
        json={"scanned": omar.short_code, "note": "his teachers' app", "client_scan_id": uuid.uuid4().hex},
    )
    assert saved.status_code == 201
    page = phone.new_page()
    page.goto(f"/i/{lina.private}")
    page.wait_for_function("navigator.serviceWorker.ready.then(() => true)")
    page.wait_for_function(
        CACHED,
        arg=[
            "/scan",
            "/me/people",
            "/me/qr",
            "/me/qr.svg",
            "/static/scan/scanner.js",
            "/static/vendor/jsQR.js",
        ],
    )

    phone.set_offline(True)
    page.reload()
    expect(page.locator("h1")).to_have_text("Scan a badge")
    expect(page.locator("#net")).to_have_attribute("data-online", "false")
    page.fill("#code", sara.short_code)
    page.click("#manual button[type=submit]")
    expect(page.locator("#sheet-status")).to_contain_text("their name appears once this phone is back online")
    page.fill("#sheet-note", "shipping data")
    page.click("#sheet-save")
    expect(page.locator("#queued li[data-state=queued]")).to_have_count(1)
    shot(page, "offline-scanner-en-390")

    page.click("nav.mine a[href^='/me/people']")
    expect(page.locator(f"#p-{omar.id}")).to_contain_text("his teachers' app")
    page.fill("#q", "teachers")  # search works offline: the list filters on the phone
    expect(page.locator("li.person:visible")).to_have_count(1)
    card = page.locator(f"#p-{omar.id}")
    card.locator("summary").click()
    card.locator("textarea").first.fill("edited offline")
    card.locator("button[type=submit]:not([name])").click()  # no connection: said, not a browser error page
    expect(card.locator(".offline-note")).to_contain_text("You are offline")
    shot(page, "offline-people-en-390")
    page.click("nav.mine a[href^='/me/qr']")
    expect(page.locator(".myqr .code")).to_have_text(lina.short_code)
    page.wait_for_function("document.querySelector('.myqr .qr').complete")
    assert (
        page.evaluate("document.querySelector('.myqr .qr').naturalWidth") > 0
    )  # the QR itself, from the cache
    assert saved_scans(scan_app)[-1].scanned_id == omar.id  # nothing left the phone while offline

    phone.set_offline(False)
    page.goto("/scan")
    expect(page.locator("#saved li[data-state=saved]")).to_contain_text(sara.name, timeout=10_000)
    assert {s.note for s in saved_scans(scan_app)} == {"his teachers' app", "shipping data"}


def test_a_sheet_opened_offline_names_the_person_once_the_phone_is_back_online(phone, people):
    lina, sara = people["lina"], people["sara"]
    page = phone.new_page()
    page.goto(f"/i/{lina.private}")
    page.goto("/scan")
    phone.set_offline(True)
    page.fill("#code", sara.short_code)
    page.click("#manual button[type=submit]")
    expect(page.locator("#sheet-status")).to_contain_text("their name appears once this phone is back online")
    expect(page.locator("#sheet-title")).not_to_have_text(sara.name)
    page.fill("#sheet-note", "shipping data")
    phone.set_offline(False)  # the sheet is still open, the note half written
    expect(page.locator("#sheet-title")).to_have_text(sara.name)
    expect(page.locator("#sheet-status")).to_have_text("")
    expect(page.locator("#sheet-note")).to_have_value("shipping data")


def test_chromium_finds_the_app_installable(phone, people):
    page = phone.new_page()
    page.goto(f"/i/{people['lina'].private}")
    page.wait_for_function("navigator.serviceWorker.ready.then(() => true)")
    page.reload()
    cdp = phone.new_cdp_session(page)
    manifest = cdp.send("Page.getAppManifest")
    assert manifest["errors"] == [], manifest["errors"]
    errors = {e["errorId"] for e in cdp.send("Page.getInstallabilityErrors")["installabilityErrors"]}
    # A Playwright context is a private window, where Chromium never offers to install anything.
    assert errors <= {"in-incognito"}, errors
