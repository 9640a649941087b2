"""Organizers with a role that is not owner, in Debian's Chromium, with the dashboard, badge and
scan services really running over HTTP and the bus. The owner imports the attendees and gives
access through the API; then:

- staff reissue a lost badge from the person page and print it (the downloaded PDF holds exactly
  the new badge's QR, read back by zxing-cpp), and are refused the owner's audit log and the
  giving of access with a page in their own language;
- a viewer sees no attendee email on the list, the person page or the attendee export they
  download, is offered no button to change anyone, and a reissue they post anyway is a 403 that
  changes nothing.

Each page is shown in English and Arabic at a phone's and a laptop's width, for the screenshots.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from markupsafe import escape
from playwright.sync_api import expect

from services.dashboard.pagetext import TEXT
from tests.e2e.test_dashboard_attendees import CSV, PHONE, WIDE, qr_texts
from tests.e2e.test_dashboard_attendees import log_in as owner_with_attendees
from tests.e2e.test_dashboard_pages import ADMIN_TOKEN, call, product  # noqa: F401 (a fixture)
from tests.e2e.test_scan_pages import browser, playwright  # noqa: F401 (fixtures)

SHOTS = Path("/tmp/shots-issue-16-roles-ui")
PASSWORD = "a long organizer passphrase"
EMAILS = re.findall(r"[\w.]+@example\.org", CSV)
VIEWPORTS = pytest.mark.parametrize("viewport", [PHONE, WIDE], ids=["390", "1280"])
LANGUAGES = pytest.mark.parametrize("language", ["en", "ar"])


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.evaluate("document.fonts.ready")
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def with_role(browser, product, event_id: str, role: str, language: str, viewport):  # noqa: F811
    """A new organizer given `role` on the event by the admin (through the API), logged in."""
    email = f"{role}-{language}-{viewport['width']}@example.net"
    status, _ = call(
        f"{product.dashboard.url}/v1/organizers",
        ADMIN_TOKEN,
        {"email": email, "name": "كريم Haddad", "password": PASSWORD, "language": language},
    )
    assert status == 201
    status, granted = call(
        f"{product.dashboard.url}/v1/events/{event_id}/organizers",
        ADMIN_TOKEN,
        {"email": email, "role": role},
    )
    assert status == 201 and granted["role"] == role, granted
    context = browser.new_context(base_url=product.dashboard.url, viewport=viewport, accept_downloads=True)
    page = context.new_page()
    page.goto("/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("#login button[type=submit]")
    expect(page.locator(".events")).to_contain_text("Riyadh Design Week")
    return context, page


def sara_of(product, event_id: str) -> dict:  # noqa: F811
    _, listed = call(f"{product.badge.url}/v1/events/{event_id}/attendees", ADMIN_TOKEN)
    return next(a for a in listed["attendees"] if a["name"] == "Sara Nasser")


@VIEWPORTS
@LANGUAGES
def test_staff_reissue_and_print_a_badge_and_are_refused_the_owners_pages_in_their_language(
    browser,  # noqa: F811
    product,  # noqa: F811
    tmp_path,
    language,
    viewport,
):
    owner, _, event_id = owner_with_attendees(browser, product, tmp_path, "en", viewport)
    owner.close()
    context, page = with_role(browser, product, event_id, "staff", language, viewport)
    t, name = TEXT[language], f"{language}-{viewport['width']}"
    old = sara_of(product, event_id)

    page.goto(f"/events/{event_id}/attendees")
    expect(page.locator("table.attendees")).to_contain_text("sara@example.org")  # staff hold contacts
    page.click("table.attendees >> text=Sara Nasser")
    expect(page.locator("#short-code")).to_have_text(old["short_code"])
    page.click("#reissue button[type=submit]")
    expect(page.locator("p.done")).to_be_visible()
    new_code = page.locator("#short-code").inner_text()
    assert new_code != old["short_code"]
    shot(page, f"staff-person-reissued-{name}")
    page.check("#print-one input[name=force]")  # the test's public URL is localhost: a test print
    with page.expect_download() as downloading:
        page.click("#print-one button[type=submit]")
    pdf = downloading.value.path().read_bytes()
    now = sara_of(product, event_id)
    assert now["short_code"] == new_code and now["badge_url"] != old["badge_url"]
    assert qr_texts(pdf) == {now["badge_url"]}  # the new badge's QR, and nothing else

    # The owner's pages: no audit tab, no form to give access, and a clear refusal if asked anyway.
    expect(page.locator("nav.tabs")).not_to_contain_text(t["audit"])
    expect(page.locator("nav.tabs")).not_to_contain_text(t["settings"])  # the event is the owners'
    assert page.goto(f"/events/{event_id}/settings").status == 403
    answer = page.goto(f"/events/{event_id}/audit")
    assert answer.status == 403
    expect(page.locator("main")).to_contain_text(
        "only this event's owners and admins" if language == "en" else "لا يفعل هذا إلا مالك الفعالية"
    )
    assert page.evaluate("document.documentElement.dir") == ("rtl" if language == "ar" else "ltr")
    shot(page, f"staff-audit-refused-{name}")
    page.goto(f"/events/{event_id}/after")
    expect(page.locator("#grants")).to_be_visible()
    expect(page.locator("form[action$='/organizers']")).to_have_count(0)
    shot(page, f"staff-after-{name}")
    csrf = page.locator("input[name=csrf_token]").first.get_attribute("value")
    refused = page.request.post(
        f"/events/{event_id}/organizers",
        form={"csrf_token": csrf, "email": "friend@example.net"},
        headers={"Accept": "text/html"},
    )
    assert refused.status == 403
    assert str(escape(t["refused_forbidden"])) in refused.text()
    _, grants = call(f"{product.dashboard.url}/v1/events/{event_id}/organizers", ADMIN_TOKEN)
    assert "friend@example.net" not in {g["email"] for g in grants["organizers"]}
    context.close()


@VIEWPORTS
@LANGUAGES
def test_a_viewer_sees_no_email_anywhere_and_is_offered_no_change(
    browser,  # noqa: F811
    product,  # noqa: F811
    tmp_path,
    language,
    viewport,
):
    owner, _, event_id = owner_with_attendees(browser, product, tmp_path, "en", viewport)
    owner.close()
    context, page = with_role(browser, product, event_id, "viewer", language, viewport)
    name = f"{language}-{viewport['width']}"
    sara = sara_of(product, event_id)

    page.goto(f"/events/{event_id}/attendees")
    expect(page.locator("table.attendees tbody tr")).to_have_count(3)
    for hidden in ("#import", "#print", "#add-attendee", "#welcome", "#print-chosen", "input[name=id]"):
        expect(page.locator(hidden)).to_have_count(0)
    expect(page.locator("table.attendees td.row-actions")).to_have_count(0)  # no edit, erase or badge
    assert not [e for e in EMAILS if e in page.content()]
    shot(page, f"viewer-attendees-{name}")
    page.fill("input[name=q]", "sara@example")  # searching by a guessed email finds nobody
    page.click("form[role=search] button[type=submit]")
    expect(page.locator("table.attendees")).to_have_count(0)

    page.goto(f"/events/{event_id}/attendees/{sara['id']}")
    expect(page.locator("#short-code")).to_have_text(sara["short_code"])
    for hidden in (
        "#actions",
        "#edit",
        "#reissue",
        "#erase",
        "#print-one",
        "#renew-link",
        "#welcome",
        "#record",
    ):
        expect(page.locator(hidden)).to_have_count(0)
    expect(page.locator("img.badge")).to_have_count(0)  # rendering badges is staff's: not a broken image
    assert page.request.get(f"/events/{event_id}/attendees/{sara['id']}/badge.png").status == 403
    assert not [e for e in EMAILS if e in page.content()]
    shot(page, f"viewer-person-{name}")

    csrf = page.locator("input[name=csrf_token]").first.get_attribute("value")
    for action in ("reissue", "erase", "private-link"):  # posted anyway: refused, nothing changes
        refused = page.request.post(
            f"/events/{event_id}/attendees/{sara['id']}/{action}",
            form={"csrf_token": csrf},
            headers={"Accept": "text/html"},
        )
        assert refused.status == 403, action
        assert str(escape(TEXT[language]["refused_forbidden"])) in refused.text()
    assert sara_of(product, event_id)["short_code"] == sara["short_code"]

    page.goto(f"/events/{event_id}/after")
    with page.expect_download() as downloading:
        page.click("a[href$='/exports/attendees.csv']")
    exported = downloading.value.path().read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(exported)))
    assert {r["name"] for r in rows} == {"Lina Haddad", "عمر الفاروق", "Sara Nasser"}
    assert "@" not in exported and not any(r.get("email") for r in rows)
    shot(page, f"viewer-after-{name}")
    context.close()
