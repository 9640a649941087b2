"""My people and My QR in a real browser (Debian's Chromium, phone viewport), in English and Arabic:
meetings saved from a badge's page, from the scanner and through the API all land on one list,
editing a note there changes it everywhere, and my own QR reads back as my badge.

Screenshots (phone and desktop) land in /tmp/wt15-shots/ for a person to look at.
"""

from __future__ import annotations

import io
import uuid
from pathlib import Path

import zxingcpp
from PIL import Image
from playwright.sync_api import expect

from shared import events as ev
from shared import identity
from shared.identity import TokenClaims
from shared.tokens import TokenSigner
from tests.e2e.test_scan_pages import Person, apply, base_url, browser, people, phone, playwright, scan_app  # noqa: F401 (fixtures)

SHOTS = Path("/tmp/wt15-shots")
DESKTOP = {"width": 1280, "height": 900}


def shot(page, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.evaluate("document.fonts.ready")
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def another(scan_app, event_id: str, name: str, language: str = "en", **profile) -> Person:
    signer = TokenSigner.from_settings(scan_app.extensions["scan"].settings)
    attendee_id, code = identity.new_attendee_id(), identity.new_short_code()
    apply(
        scan_app,
        ev.AttendeeRegistered(
            event_id=event_id,
            attendee_id=attendee_id,
            name=name,
            email=f"{code}@x.org",
            language=language,
            short_code=code,
            **profile,
        ),
        ev.BadgeIssued(
            event_id=event_id, attendee_id=attendee_id, token_id=f"{attendee_id}.1", short_code=code
        ),
    )
    claims = TokenClaims(event_id, attendee_id, 1)
    return Person(
        event_id,
        attendee_id,
        name,
        code,
        identity.issue_token(signer, identity.BADGE, claims),
        identity.issue_token(signer, identity.PRIVATE, claims),
    )


def test_meetings_from_the_badge_page_the_scanner_and_the_api_all_appear_in_my_people(
    phone, people, scan_app, browser, base_url
):
    lina, omar, sara = people["lina"], people["omar"], people["sara"]
    nour = another(
        scan_app,
        lina.event_id,
        "Nour Khalil",
        headline="Teaching kids to code",
        company="Byte Club",
        consent_share_contact=True,
    )
    page = phone.new_page()
    page.goto(f"/i/{lina.private}?next=/c/{omar.badge}")  # the badge page
    page.fill("#note", "his teachers' app")
    page.click("#meeting button[type=submit]")
    expect(page.locator("h1")).to_have_text("Saved")
    page.goto("/scan")  # the scanner, with a typed code
    page.fill("#code", sara.short_code)
    page.click("#manual button[type=submit]")
    page.fill("#sheet-note", "shipping data")
    page.locator("#sheet .chip", has_text="send a link").click()
    page.click("#sheet-save")
    expect(page.locator("#saved li[data-state=saved]")).to_contain_text(sara.name)
    api = scan_app.test_client().post(
        "/v1/scans",
        headers={"Authorization": f"Bearer {lina.private}"},
        json={
            "scanned": nour.short_code,
            "note": "after-school robotics",
            "client_scan_id": uuid.uuid4().hex,
        },
    )
    assert api.status_code == 201  # the API, as another app or device would

    page.click("nav.mine a[href^='/me/people']")
    expect(page.locator("h1")).to_have_text("My people")
    expect(page.locator("li.person h2")).to_have_count(3)
    names = [h.inner_text() for h in page.locator("li.person h2 bdi").all()]
    assert names == [nour.name, sara.name, omar.name]  # newest first
    sara_card = page.locator(f"#p-{sara.id}")
    expect(sara_card).to_contain_text("shipping data")
    expect(sara_card.locator(".chip")).to_have_text("send a link")
    expect(page.locator(f"#p-{nour.id} .email")).to_contain_text("@x.org")  # Nour shares her contact
    expect(page.locator(f"#p-{omar.id} .email")).to_have_count(0)
    shot(page, "people-en-390")

    omar_card = page.locator(f"#p-{omar.id}")
    omar_card.locator("summary").click()
    omar_card.locator("textarea").first.fill("his teachers' app: send him the pilot school's contact")
    omar_card.locator("input[name=tags]").fill("intro someone، follow up")
    shot(page, "people-edit-en-390")
    omar_card.locator("button[type=submit]:not([name])").click()
    expect(page.locator(".saved")).to_contain_text(omar.name)
    expect(page.locator(f"#p-{omar.id} blockquote")).to_have_text(
        "his teachers' app: send him the pilot school's contact"
    )
    expect(page.locator(f"#p-{omar.id} .chip")).to_have_text(["intro someone", "follow up"])

    page.fill("#q", "robotics")  # filtered as typed, on the phone
    expect(page.locator("li.person:visible")).to_have_count(1)
    expect(page.locator("li.person:visible h2")).to_contain_text(nour.name)
    page.fill("#q", "nobody at all")
    expect(page.locator("#no-match")).to_be_visible()

    desktop = browser.new_context(base_url=base_url, viewport=DESKTOP)
    try:
        wide = desktop.new_page()
        wide.goto(f"/i/{lina.private}?next=/me/people")
        expect(wide.locator("li.person")).to_have_count(3)
        shot(wide, "people-en-desktop")
    finally:
        desktop.close()


def test_arabic_my_people_runs_right_to_left_and_shows_who_saved_me(
    phone, people, scan_app, browser, base_url
):
    lina, omar = people["lina"], people["omar"]
    nour = another(
        scan_app,
        lina.event_id,
        "نور خليل",
        language="ar",
        headline="أعلّم الأطفال البرمجة",
        company="نادي البايت",
        consent_share_contact=True,
    )
    client = scan_app.test_client()
    for scanner, scanned, note in (
        (omar, lina, "تحدثنا عن أول عملاء Souk Labs"),
        (lina, omar, "teachers"),
        (nour, omar, ""),
    ):
        assert (
            client.post(
                "/v1/scans",
                headers={"Authorization": f"Bearer {scanner.private}"},
                json={"scanned": scanned.short_code, "note": note, "client_scan_id": uuid.uuid4().hex},
            ).status_code
            == 201
        )
    page = phone.new_page()
    page.goto(f"/i/{omar.private}?next=/me/people")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("h1")).to_have_text("أشخاصي")
    expect(page.locator(f"#p-{lina.id} .mark")).to_have_text("تبادلتما المسح")
    expect(page.locator(f"#p-{nour.id} .saved-you")).to_have_text("حفظك")
    expect(page.locator(f"#p-{lina.id} blockquote")).to_have_text("تحدثنا عن أول عملاء Souk Labs")
    shot(page, "people-ar-390")
    desktop = browser.new_context(base_url=base_url, viewport=DESKTOP)
    try:
        wide = desktop.new_page()
        wide.goto(f"/i/{omar.private}?next=/me/people")
        shot(wide, "people-ar-desktop")
    finally:
        desktop.close()


def test_my_qr_is_one_tap_away_and_reads_back_as_my_badge(phone, people, scan_app, browser, base_url):
    lina, omar = people["lina"], people["omar"]
    public_url = scan_app.extensions["scan"].settings.public_url
    for who, lang in ((lina, "en"), (omar, "ar")):
        page = phone.new_page()
        page.goto(f"/i/{who.private}")
        page.click("nav.mine a[href^='/me/qr']")
        expect(page.locator(".myqr h1")).to_have_text(who.name)
        expect(page.locator(".myqr .code")).to_have_text(who.short_code)
        expect(page.locator("html")).to_have_attribute("lang", lang)
        shot(page, f"qr-{lang}-390")
        picture = Image.open(io.BytesIO(page.locator(".myqr .qr").screenshot()))
        assert [r.text for r in zxingcpp.read_barcodes(picture)] == [f"{public_url}/c/{who.badge}"]
        page.close()
    desktop = browser.new_context(base_url=base_url, viewport=DESKTOP)
    try:
        wide = desktop.new_page()
        wide.goto(f"/i/{omar.private}?next=/me/qr")
        shot(wide, "qr-ar-desktop")
    finally:
        desktop.close()


# The scanner that knows who it read ----------------------------------------------------------


def test_the_scanner_shows_who_it_read_before_the_note_and_what_i_noted_before(phone, people, scan_app):
    lina, omar = people["lina"], people["omar"]
    page = phone.new_page()
    page.goto(f"/i/{lina.private}")
    page.fill("#code", omar.short_code)
    page.click("#manual button[type=submit]")
    expect(page.locator("#sheet-title")).to_have_text(omar.name)
    expect(page.locator("#sheet-headline")).to_contain_text("أبني أدوات")
    expect(page.locator("#sheet-work")).to_contain_text("مدرسة المستقبل")
    assert page.locator("#sheet-title").bounding_box()["y"] < page.locator("#sheet-note").bounding_box()["y"]
    page.fill("#sheet-note", "his teachers' app")
    shot(page, "scanner-knows-en-390")
    page.click("#sheet-save")
    expect(page.locator("#saved li[data-state=saved]")).to_contain_text(omar.name)

    page.goto(f"/c/{omar.badge}")  # his badge again: when we met, what I noted, and room to add
    expect(page.locator(".met-before h2")).to_contain_text("You met at")
    expect(page.locator(".met-before blockquote")).to_have_text("his teachers' app")
    page.fill("#note", "and the pilot school in Irbid")
    shot(page, "meet-again-en-390")
    page.click("#meeting button[type=submit]")
    page.goto("/scan")
    page.fill("#code", omar.short_code)
    page.click("#manual button[type=submit]")
    expect(page.locator("#sheet-met blockquote")).to_have_text(
        ["his teachers' app", "and the pilot school in Irbid"]
    )
    expect(page.locator("#sheet-note-label")).to_have_text("Anything to add to your notes?")


def test_a_refusal_is_in_the_pages_language_keeps_the_note_and_offers_to_fix_the_code(
    phone, people, scan_app
):
    lina, omar = people["lina"], people["omar"]
    page = phone.new_page()
    page.goto(f"/i/{omar.private}?next=/scan")  # Omar reads Arabic
    phone.set_offline(True)
    page.fill("#code", "ZZZZZZ")  # a mistyped code, offline: nobody can say whose it is yet
    page.click("#manual button[type=submit]")
    expect(page.locator("#sheet-status")).to_contain_text("سيظهر اسمه حين يعود الاتصال")
    page.fill("#sheet-note", "ناقشنا أول عملاء Souk Labs")
    page.click("#sheet-save")
    phone.set_offline(False)
    failed = page.locator("#saved li[data-state=failed]")
    expect(failed).to_contain_text("لا يحمل أي مشارك في هذه الفعالية هذا الرمز")
    expect(failed).to_contain_text("ناقشنا أول عملاء Souk Labs")
    shot(page, "scanner-refused-ar-390")
    failed.get_by_role("button", name="صحّح الرمز").click()
    expect(page.locator("#code")).to_be_focused()
    page.fill("#code", lina.short_code)
    page.click("#manual button[type=submit]")
    expect(page.locator("#sheet-title")).to_have_text(lina.name)
    expect(page.locator("#sheet-note")).to_have_value("ناقشنا أول عملاء Souk Labs")
    page.click("#sheet-save")
    expect(page.locator("#saved li[data-state=saved]")).to_contain_text(lina.name)
    page.fill("#code", omar.short_code)  # online, his own code is refused at once, in Arabic, note kept
    page.click("#manual button[type=submit]")
    page.fill("#sheet-note", "ملاحظة")
    expect(page.locator("#sheet-refusal")).to_have_text("هذه بطاقتك أنت: امسح بطاقة من قابلته.")
    expect(page.locator("#sheet-note")).to_have_value("ملاحظة")
    shot(page, "scanner-refusal-sheet-ar-390")
