"""The scan pages in a real browser: Debian's Chromium driven by Playwright, against the scan service
served over HTTP on a PostgreSQL database, its read model fed with real bus events. Only the phone's
camera is stood in for, by Chromium's fake capture device playing a video of a badge's QR code.

Screenshots land in test-artifacts/ (phone-sized) for a person to look at.
"""

from __future__ import annotations

import re
import threading
import time
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
import qrcode
import sqlalchemy as sa
from PIL import Image
from playwright.sync_api import expect, sync_playwright
from werkzeug.serving import make_server

from deploy.rig.ports import free_port
from services.scan import create_app
from services.scan.handlers import apply_event
from services.scan.models import Scan
from shared import events as ev
from shared import identity
from shared.envelope import parse_iso, utc_now
from shared.events import to_envelope
from shared.identity import TokenClaims
from shared.outbox import pending
from shared.tokens import TokenSigner

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
PHONE = {"width": 390, "height": 844}
HTML = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
READ_QUEUE = """() => new Promise((resolve, reject) => {
  const open = indexedDB.open("rapport-scan");
  open.onerror = () => reject(open.error);
  open.onsuccess = () => {
    const all = open.result.transaction("queue").objectStore("queue").getAll();
    all.onsuccess = () => resolve(all.result);
    all.onerror = () => reject(all.error);
  };
})"""


@dataclass
class Person:
    event_id: str
    id: str
    name: str
    short_code: str
    badge: str  # the public token in their QR
    private: str  # their own link's token


@pytest.fixture
def scan_app(settings, database_url):
    return create_app(replace(settings, scan_database_url=database_url))


def apply(app, *events) -> None:
    """Feed bus events to the read model, as the consumer does."""
    with app.extensions["scan"].sessions() as session:
        for event in events:
            apply_event(session, event, to_envelope(event))
        session.commit()
    app.extensions["scan"].directory.invalidate()


@pytest.fixture
def people(scan_app) -> dict[str, Person]:
    signer = TokenSigner.from_settings(scan_app.extensions["scan"].settings)
    event_id = identity.new_event_id()
    apply(
        scan_app,
        ev.EventCreated(
            event_id=event_id,
            name="Riyadh Design Week",
            venue="",
            language="en",
            starts_at="2026-12-01T06:00:00Z",
            ends_at="2026-12-03T15:00:00Z",
            timezone="Asia/Riyadh",
        ),
    )
    cast = {
        "lina": (
            "Lina Haddad",
            "en",
            "Helping new brands find their first customers",
            "Souk Labs",
            "Founder",
        ),
        "omar": (
            "عمر الفاروق",
            "ar",
            "أبني أدوات تساعد المعلمين على متابعة طلابهم",
            "مدرسة المستقبل",
            "مهندس",
        ),
        "sara": ("Sara Nasser", "en", "Making supply chains visible", "Dhow Logistics", "Analyst"),
    }
    found = {}
    for key, (name, language, headline, company, title) in cast.items():
        attendee_id, code = identity.new_attendee_id(), identity.new_short_code()
        apply(
            scan_app,
            ev.AttendeeRegistered(
                event_id=event_id,
                attendee_id=attendee_id,
                name=name,
                email=f"{key}@example.org",
                language=language,
                short_code=code,
                headline=headline,
                company=company,
                title=title,
            ),
            ev.BadgeIssued(
                event_id=event_id, attendee_id=attendee_id, token_id=f"{attendee_id}.1", short_code=code
            ),
        )
        claims = TokenClaims(event_id, attendee_id, 1)
        found[key] = Person(
            event_id,
            attendee_id,
            name,
            code,
            identity.issue_token(signer, identity.BADGE, claims),
            identity.issue_token(signer, identity.PRIVATE, claims),
        )
    return found


def saved_scans(app) -> list[Scan]:
    with app.extensions["scan"].sessions() as session:
        return list(session.scalars(sa.select(Scan).order_by(Scan.id)))


def outbox_size(app) -> int:
    with app.extensions["scan"].sessions() as session:
        return pending(session)


@pytest.fixture
def base_url(scan_app):
    server = make_server("127.0.0.1", free_port(), scan_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(10)


@pytest.fixture(scope="module")
def playwright():
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="module")
def browser(playwright):
    assert Path(CHROMIUM).is_file(), "the browser tests need Debian's chromium: ./rapport test installs it"
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def phone(browser, base_url):
    context = browser.new_context(
        base_url=base_url, viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True
    )
    yield context
    context.close()


def screenshot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.evaluate("document.fonts.ready")
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


# The QR landing page --------------------------------------------------------------------------


def test_the_landing_page_saves_a_meeting_once_however_often_it_is_sent(phone, people, scan_app):
    lina, omar = people["lina"], people["omar"]
    page = phone.new_page()
    page.goto(f"/i/{lina.private}?next=/c/{omar.badge}")
    [cookie] = [c for c in phone.cookies() if c["name"] == "rapport_me"]
    assert cookie["value"] == lina.private and cookie["httpOnly"] and cookie["sameSite"] == "Lax"
    expect(page.locator("h1")).to_have_text(omar.name)
    expect(page.locator(".headline")).to_contain_text("أبني أدوات")
    expect(page.locator("html")).to_have_attribute("dir", "ltr")  # Lina reads English
    page.fill("#note", "تحدثنا عن أدوات المعلمين، وقهوة بعد الجلسة")
    page.locator(".chip", has_text="coffee later").click()
    screenshot(page, "scan-landing-en")
    page.click("#meeting button[type=submit]")
    expect(page.locator("h1")).to_have_text("Saved")
    expect(page.locator(".done")).to_contain_text(omar.name)
    [scan] = saved_scans(scan_app)
    assert (scan.scanner_id, scan.scanned_id) == (lina.id, omar.id)
    assert scan.note == "تحدثنا عن أدوات المعلمين، وقهوة بعد الجلسة" and scan.tags == ["coffee later"]
    assert outbox_size(scan_app) == 1

    page.reload()  # the browser posts the same form again: same client_scan_id, same scan
    expect(page.locator(".done")).to_contain_text("already saved")
    assert len(saved_scans(scan_app)) == 1 and outbox_size(scan_app) == 1


def test_without_an_identity_the_page_asks_only_for_the_email_to_sign_in_with(phone, people, scan_app):
    omar = people["omar"]
    page = phone.new_page()
    page.goto(f"/c/{omar.badge}")  # a fresh phone in English meets Omar, who reads Arabic
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("h1")).to_have_text(omar.name)
    expect(page.locator("#signin input:not([type=hidden]), #signin textarea")).to_have_count(
        7
    )  # note, 5 tags, email
    expect(page.locator("#email")).to_have_attribute("type", "email")
    expect(page.locator("#private_link, #short_code")).to_have_count(0)
    assert not [c for c in phone.cookies() if c["name"] == "rapport_me"]
    assert saved_scans(scan_app) == []


# The scanner ----------------------------------------------------------------------------------


def test_the_scanner_queues_scans_offline_and_sends_them_when_back_online(phone, people, scan_app):
    lina, omar, sara = people["lina"], people["omar"], people["sara"]
    page = phone.new_page()
    page.goto(f"/i/{lina.private}")
    expect(page.locator("h1")).to_have_text("Scan a badge")
    expect(page.locator("#camera-status")).to_contain_text("No camera")  # headless: typing still works
    phone.set_offline(True)
    expect(page.locator("#net")).to_have_attribute("data-online", "false")
    for _person, typed, note in (
        (omar, omar.short_code, "his teachers' app"),
        (sara, f"{sara.short_code[:3]} {sara.short_code[3:].lower()}", "shipping data"),
    ):
        page.fill("#code", typed)
        page.click("#manual button[type=submit]")
        expect(page.locator("#sheet")).to_be_visible()
        page.fill("#sheet-note", note)
        page.locator("#sheet .chip", has_text="send a link").click()
        page.click("#sheet-save")
        expect(page.locator("#sheet")).to_be_hidden()
    expect(page.locator("#queued li[data-state=queued]")).to_have_count(2)
    expect(page.locator("#queued")).to_contain_text("shipping data")
    screenshot(page, "scan-scanner-offline-en")
    queue = {item["note"]: item for item in page.evaluate(READ_QUEUE)}
    assert set(queue) == {"his teachers' app", "shipping data"}
    assert {item["state"] for item in queue.values()} == {"queued"}
    assert queue["shipping data"]["scanned"] == sara.short_code and queue["shipping data"]["tags"] == [
        "send a link"
    ]
    time.sleep(4.5)  # longer than the sync loop's period: nothing leaks out while offline
    assert saved_scans(scan_app) == []

    back_online = utc_now()
    phone.set_offline(False)
    expect(page.locator("#saved li[data-state=saved]")).to_have_count(2, timeout=10_000)
    expect(page.locator("#saved")).to_contain_text(omar.name)
    expect(page.locator("#saved")).to_contain_text(sara.name)
    expect(page.locator("#queued li[data-state=queued]")).to_have_count(0)
    scans = {scan.note: scan for scan in saved_scans(scan_app)}
    assert set(scans) == set(queue)
    for note, scan in scans.items():
        assert scan.client_scan_id == queue[note]["client_scan_id"] and scan.tags == ["send a link"]
        assert scan.scanned_at == parse_iso(queue[note]["scanned_at"]) < back_online  # when it happened
        assert scan.received_at >= back_online
    assert {scan.scanned_id for scan in scans.values()} == {omar.id, sara.id}
    assert {item["state"] for item in page.evaluate(READ_QUEUE)} == {"saved"}
    screenshot(page, "scan-scanner-synced-en")


def test_a_refused_scan_is_marked_failed_not_retried(phone, people, scan_app):
    lina = people["lina"]
    page = phone.new_page()
    page.goto(f"/i/{lina.private}")
    page.fill("#code", lina.short_code)  # her own code: online, the sheet says so before anything is saved
    page.click("#manual button[type=submit]")
    expect(page.locator("#sheet-refusal")).to_contain_text("your own badge")
    expect(page.locator("#sheet-save")).to_be_disabled()
    phone.set_offline(True)  # offline nothing can say so yet: it is queued, and refused on sync
    page.click("#sheet-cancel")
    page.fill("#code", lina.short_code)
    page.click("#manual button[type=submit]")
    page.click("#sheet-save")
    phone.set_offline(False)
    expect(page.locator("#saved li[data-state=failed]")).to_contain_text("your own badge")
    expect(page.locator("#queued li[data-state=queued]")).to_have_count(0)
    page.fill("#code", "I0O")  # not a short code: refused before anything is queued
    page.click("#manual button[type=submit]")
    expect(page.locator("#code-error")).to_be_visible()
    expect(page.locator("#sheet")).to_be_hidden()
    assert saved_scans(scan_app) == []


def badge_video(path: Path, text: str) -> Path:
    """A few frames of a badge's QR code as Y4M, the raw format Chromium's fake camera plays."""
    width, height = 640, 480
    frame = Image.new("L", (width, height), 255)
    code = qrcode.make(text, box_size=6, border=4).get_image().convert("L")
    frame.paste(code, ((width - code.width) // 2, (height - code.height) // 2))
    chroma = bytes([128]) * (width * height // 2)  # both 4:2:0 colour planes, neutral: a grey picture
    path.write_bytes(
        f"YUV4MPEG2 W{width} H{height} F10:1 Ip A1:1 C420jpeg\n".encode()
        + (b"FRAME\n" + frame.tobytes() + chroma) * 5
    )
    return path


def test_the_camera_reads_a_badge_qr_and_saves_the_meeting(playwright, people, scan_app, base_url, tmp_path):
    lina, omar = people["lina"], people["omar"]
    video = badge_video(tmp_path / "badge.y4m", f"http://localhost:8002/c/{omar.badge}")
    browser = playwright.chromium.launch(
        executable_path=CHROMIUM,
        args=[
            *CHROMIUM_ARGS,
            "--use-fake-ui-for-media-stream",
            "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-video-capture={video}",
        ],
    )
    try:
        context = browser.new_context(base_url=base_url, viewport=PHONE, permissions=["camera"])
        page = context.new_page()
        page.goto(f"/i/{lina.private}")
        expect(page.locator("#camera-status")).to_contain_text("Point the camera")
        expect(page.locator("#sheet")).to_be_visible(timeout=10_000)
        expect(page.locator("#sheet-title")).to_have_text(omar.name)  # who was read, before the note
        expect(page.locator("#sheet-headline")).to_contain_text("أبني أدوات")
        page.fill("#sheet-note", "met at the coffee stand")
        page.click("#sheet-save")
        expect(page.locator("#saved li[data-state=saved]")).to_contain_text(omar.name, timeout=10_000)
        page.goto("/me/people")  # and My people has it, with the note
        expect(page.locator(f"#p-{omar.id}")).to_contain_text("met at the coffee stand")
    finally:
        browser.close()
    [scan] = saved_scans(scan_app)
    assert (scan.scanner_id, scan.scanned_id, scan.note) == (lina.id, omar.id, "met at the coffee stand")


# Arabic ---------------------------------------------------------------------------------------


def test_arabic_pages_run_right_to_left(phone, people, scan_app):
    lina, omar = people["lina"], people["omar"]
    page = phone.new_page()
    page.goto(f"/c/{omar.badge}?lang=ar")  # no identity yet: the asked language
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("html")).to_have_attribute("lang", "ar")
    expect(page.locator("label[for=email]")).to_have_text("البريد الذي سجّلت به")

    page.goto(f"/i/{omar.private}?next=/c/{lina.badge}")  # Omar reads Arabic: his pages are in Arabic
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("label[for=note]")).to_have_text("عمّ تحدثتما؟")
    page.fill("#note", "ناقشنا أول عملاء Souk Labs")
    page.locator(".chip", has_text="قهوة لاحقًا").click()
    screenshot(page, "scan-landing-ar")
    page.click("#meeting button[type=submit]")
    expect(page.locator("h1")).to_have_text("تم الحفظ")
    screenshot(page, "scan-saved-ar")
    [scan] = saved_scans(scan_app)
    assert scan.tags == ["قهوة لاحقًا"] and scan.note == "ناقشنا أول عملاء Souk Labs"

    page.goto("/scan")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("h1")).to_have_text("امسح بطاقة")
    expect(page.locator("#camera-status")).to_contain_text("لا تتوفر كاميرا")
    page.fill(
        "#code", lina.short_code.translate(str.maketrans("23456789", "٢٣٤٥٦٧٨٩"))
    )  # an Arabic keyboard's digits
    page.click("#manual button[type=submit]")
    page.fill("#sheet-note", "مرة أخرى، عن التسويق")
    screenshot(page, "scan-scanner-sheet-ar")
    page.click("#sheet-save")
    expect(page.locator("#saved li[data-state=saved]")).to_contain_text(lina.name)
    screenshot(page, "scan-scanner-ar")


# The pages' edges, through Flask's test client ------------------------------------------------


@pytest.fixture
def client(scan_app):
    return scan_app.test_client()


def forged_badge(people) -> str:
    other = TokenSigner("another key, not ours, 32 chars!")
    return identity.issue_token(
        other, identity.BADGE, TokenClaims(identity.new_event_id(), people["omar"].id, 1)
    )


@pytest.mark.parametrize("which", ["garbage", "forged", "a private token"])
def test_a_bad_badge_link_is_a_404_page_for_a_browser_and_a_problem_for_a_client(client, people, which):
    token = {
        "garbage": "NOTATOKEN",
        "forged": forged_badge(people),
        "a private token": people["omar"].private,
    }[which]
    page = client.get(f"/c/{token}", headers=HTML)
    assert page.status_code == 404 and page.mimetype == "text/html"
    assert "not a Rapport badge" in page.text
    answer = client.get(f"/c/{token}", headers={"Accept": "application/json"})
    assert answer.status_code == 404 and answer.mimetype == "application/problem+json"
    assert answer.json["code"] == "bad_badge"


def test_a_replaced_badge_is_gone(client, people, scan_app):
    omar = people["omar"]
    apply(
        scan_app,
        ev.BadgeIssued(
            event_id=omar.event_id, attendee_id=omar.id, token_id=f"{omar.id}.2", short_code=omar.short_code
        ),
    )
    page = client.get(f"/c/{omar.badge}", headers=HTML)
    assert page.status_code == 410 and "replaced by a newer one" in page.text


def test_a_bad_private_link_is_a_404_page_and_sets_no_cookie(client, people):
    page = client.get(f"/i/{people['omar'].badge}", headers=HTML)  # a badge token is not a private link
    assert (
        page.status_code == 404 and page.mimetype == "text/html" and "private link is not valid" in page.text
    )
    assert "Set-Cookie" not in page.headers


def test_the_private_link_sets_a_long_lived_httponly_cookie(client, people):
    answer = client.get(f"/i/{people['lina'].private}", base_url="https://scan.example.org")
    assert answer.status_code == 303 and answer.headers["Location"] == "/scan"
    cookie = answer.headers["Set-Cookie"]
    for part in (
        f"rapport_me={people['lina'].private}",
        "Max-Age=5184000",
        "HttpOnly",
        "Path=/",
        "SameSite=Lax",
        "Secure",
    ):
        assert part in cookie
    assert "Secure" not in client.get(f"/i/{people['lina'].private}").headers["Set-Cookie"]  # plain http


def test_cookies_are_secure_behind_a_tls_proxy_when_the_public_url_is_https(scan_app, people):
    """TLS ends at the proxy, the request reaches us over plain HTTP: the public URL decides."""
    service = scan_app.extensions["scan"]
    service.settings = replace(service.settings, public_url="https://meet.example.org")
    answer = scan_app.test_client().get(f"/i/{people['lina'].private}")
    assert answer.status_code == 303 and "Secure" in answer.headers["Set-Cookie"]


@pytest.mark.parametrize(
    "next_, location",
    [
        ("/c/ABC?lang=ar", "/c/ABC?lang=ar"),
        ("https://evil.example/c/x", "/scan"),
        ("//evil.example/c/x", "/scan"),
        ("/\\evil.example", "/scan"),
        ("javascript:alert(1)", "/scan"),
        ("c/x", "/scan"),
        ("/c/x\r\nX: y", "/scan"),
    ],
)
def test_next_must_be_a_path_on_this_site(client, people, next_, location):
    answer = client.get(f"/i/{people['lina'].private}", query_string={"next": next_})
    assert answer.status_code == 303 and answer.headers["Location"] == location


def test_cookie_authenticated_posts_need_their_csrf_token(client, people, scan_app):
    lina, omar = people["lina"], people["omar"]
    client.get(f"/i/{lina.private}")
    form = client.get(f"/c/{omar.badge}", headers=HTML).text
    csrf = re.search(r'name="csrf_token" value="([0-9a-f]+)"', form).group(1)
    client_scan_id = re.search(r'name="client_scan_id" value="([0-9a-f]+)"', form).group(1)
    fields = {"note": "n", "client_scan_id": client_scan_id}
    refused = client.post(f"/c/{omar.badge}", data=fields, headers=HTML)
    assert refused.status_code == 403 and refused.mimetype == "text/html" and "expired" in refused.text
    body = {"scanned": omar.short_code, "client_scan_id": "c-1"}
    for headers in ({}, {"X-CSRF-Token": "0" * 64}):
        answer = client.post("/scan/save", json=body, headers=headers)
        assert answer.status_code == 403 and answer.mimetype == "application/problem+json"
        assert answer.json["code"] == "csrf"
    assert saved_scans(scan_app) == []
    assert (
        client.post(f"/c/{omar.badge}", data={**fields, "csrf_token": csrf}, headers=HTML).status_code == 201
    )
    assert client.post("/scan/save", json=body, headers={"X-CSRF-Token": csrf}).status_code == 201
    client.delete_cookie("rapport_me")
    assert client.post("/scan/save", json=body, headers={"X-CSRF-Token": csrf}).json["code"] == "no_identity"


def test_the_public_badge_alone_never_identifies_anyone(client, people):
    omar = people["omar"]
    form = client.get(f"/c/{omar.badge}", headers=HTML).text
    csrf = re.search(r'name="csrf_token" value="([0-9a-f]+)"', form).group(1)
    # What his badge shows (its link, its token, his short code) signs nobody in: only the email's link does.
    for email in (f"http://localhost:8002/c/{omar.badge}", omar.badge, omar.short_code):
        answer = client.post(
            f"/c/{omar.badge}/signin?lang=en", headers=HTML, data={"csrf_token": csrf, "email": email}
        )
        assert answer.status_code == 422 and "whole email address" in answer.text
        assert "rapport_me=" not in answer.headers.get("Set-Cookie", "")
    assert client.post(f"/c/{omar.badge}/me", headers=HTML, data={"csrf_token": csrf}).status_code in (
        404,
        405,
    )
    without_form_cookie = client.application.test_client()
    answer = without_form_cookie.post(
        f"/c/{omar.badge}/signin", headers=HTML, data={"csrf_token": csrf, "email": "omar@example.org"}
    )
    assert answer.status_code == 403  # the form's own CSRF nonce is a cookie a cross-site post lacks


def test_scanning_your_own_badge_gets_a_friendly_refusal(client, people):
    client.get(f"/i/{people['omar'].private}")
    page = client.get(f"/c/{people['omar'].badge}", headers=HTML)
    assert page.status_code == 422 and 'dir="rtl"' in page.text and "هذه بطاقتك أنت" in page.text


def test_the_scanner_without_an_identity_asks_for_the_email_to_sign_in_with(client):
    page = client.get("/scan?lang=en", headers=HTML)
    assert page.status_code == 200 and "Email me a sign-in link" in page.text and 'name="email"' in page.text
    assert "scan-config" not in page.text


def test_the_qr_decoder_is_served_from_the_projects_node_modules(client):
    answer = client.get("/static/vendor/jsQR.js")
    assert answer.status_code == 200 and answer.mimetype == "text/javascript"
    assert answer.data == (REPO / "node_modules/jsqr/dist/jsQR.js").read_bytes()
    assert client.get("/static/vendor/..%2Fpackage.json").status_code == 404
    assert client.get("/static/vendor/plex-arabic-400.ttf").mimetype == "font/ttf"
