"""Staff running attendees in a real browser (Debian's Chromium, Playwright), with the dashboard,
badge and scan services really running over HTTP and the bus: a lost badge is reissued and
printed (the PDF the browser downloads is rasterised and its QR read by zxing-cpp: it is the new
badge, not the old one), and an attendee is erased after a confirmation that says what goes.
Every page is also shown in English and Arabic at phone and laptop widths, for the screenshots,
and checked by axe-core: no serious or critical violations.
"""

from __future__ import annotations

import re

import pypdfium2
import pytest
import zxingcpp
from playwright.sync_api import expect

from tests.e2e.test_accessibility import violations
from tests.e2e.test_dashboard_pages import ADMIN_TOKEN, LAPTOP, call, product  # noqa: F401 (a fixture)
from tests.e2e.test_scan_pages import browser, playwright, screenshot  # noqa: F401 (fixtures)

PHONE = {"width": 390, "height": 844}
WIDE = {"width": 1280, "height": 900}
CSV = """name,email,company,headline,interests,language
Lina Haddad,lina@example.org,Souk Labs,Coffee supply chains that pay farmers fairly,coffee;design,en
عمر الفاروق,omar@example.org,مدرسة المستقبل,تعليم يبدأ من فضول الطفل,تعليم;قهوة,ar
Sara Nasser,sara@example.org,Dhow Logistics,Cold chains that waste nothing,logistics,en
"""


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
def test_the_attendee_and_settings_pages_in_both_languages(browser, product, tmp_path, language, viewport):  # noqa: F811
    context, page, event_id = log_in(browser, product, tmp_path, language, viewport)
    name, found = f"{language}-{viewport['width']}", {}
    expect(page.locator("html")).to_have_attribute("dir", "rtl" if language == "ar" else "ltr")
    screenshot(page, f"attendees-list-{name}")
    found["list"] = violations(page, "dashboard attendees")
    omar = re.search(r"/attendees/(\w+)\"[^>]*>عمر الفاروق<", page.content()).group(1)
    page.goto(f"/events/{event_id}/attendees/{omar}")
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
