"""Who to meet in a real browser (Debian's Chromium, phone viewport), in Arabic and English: the scan
service's page asks the match service over HTTP (both served for real, each on its own port and
PostgreSQL database, the real embedding model), A asks to meet B, B accepts, and both see the
meeting point and each other's short code. Without a connection the page says so.

Screenshots (phone and desktop, ar and en) land in /tmp/shots-issue-17-pages/.
"""

from __future__ import annotations

import threading
from dataclasses import replace
from pathlib import Path

import pytest
from playwright.sync_api import expect
from werkzeug.serving import make_server

from deploy.rig.ports import free_port
from services.match import create_app as create_match
from services.scan import create_app as create_scan
from shared import events as ev
from shared import identity
from shared.identity import TokenClaims
from shared.tokens import TokenSigner
from tests.e2e.test_scan_pages import Person, apply, base_url, browser, phone, playwright  # noqa: F401 (fixtures)
from tests.integration.match.test_suggestions import DISTRACTORS
from tests.matchfeed import feed_match

SHOTS = Path("/tmp/shots-issue-17-pages")
DESKTOP = {"width": 1280, "height": 900}
MEETING_POINT = "ركن القهوة قرب القاعة B"


def shot(page, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.evaluate("document.fonts.ready")
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def serve(app):
    server = make_server("127.0.0.1", free_port(), app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return server, thread


@pytest.fixture
def match_app(settings, new_database):
    return create_match(replace(settings, match_database_url=new_database()))


@pytest.fixture
def match_url(match_app):
    server, thread = serve(match_app)
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(10)


@pytest.fixture
def scan_app(settings, database_url, match_url):
    return create_scan(replace(settings, scan_database_url=database_url, match_url=match_url))


class World:
    """One event known to both services, as their consumers would have it from the bus."""

    def __init__(self, scan_app, match_app):
        self.scan_app, self.match_app, self.match = scan_app, match_app, match_app.extensions["match"]
        self.signer = TokenSigner.from_settings(self.match.settings)
        self.event_id = identity.new_event_id()
        self.feed(
            ev.EventCreated(
                event_id=self.event_id,
                name="Riyadh Tech Week",
                venue="",
                language="ar",
                starts_at="2026-12-01T06:00:00Z",
                ends_at="2026-12-03T15:00:00Z",
                timezone="Asia/Riyadh",
                meeting_point=MEETING_POINT,
            )
        )

    def feed(self, *events, scan: bool = True) -> None:
        if scan:
            apply(self.scan_app, *events)
        feed_match(self.match, *events)

    def person(self, name: str, language: str = "en", **profile) -> Person:
        attendee_id, code = identity.new_attendee_id(), identity.new_short_code()
        self.feed(
            ev.AttendeeRegistered(
                event_id=self.event_id,
                attendee_id=attendee_id,
                name=name,
                email=f"{code}@x.org",
                language=language,
                short_code=code,
                **profile,
            ),
            ev.BadgeIssued(
                event_id=self.event_id, attendee_id=attendee_id, token_id=f"{attendee_id}.1", short_code=code
            ),
        )
        claims = TokenClaims(self.event_id, attendee_id, 1)
        return Person(
            self.event_id,
            attendee_id,
            name,
            code,
            identity.issue_token(self.signer, identity.BADGE, claims),
            identity.issue_token(self.signer, identity.PRIVATE, claims),
        )

    def match_client(self):
        return self.match_app.test_client()

    def crowd(self) -> None:
        for i, (lang, give, seek) in enumerate(DISTRACTORS):
            self.person(f"Guest {i + 1}", lang, can_help_with=give, looking_for=seek, company=f"Company {i}")


@pytest.fixture
def world(scan_app, match_app) -> World:
    return World(scan_app, match_app)


def test_a_asks_to_meet_b_b_accepts_and_both_see_the_meeting_point_and_codes(world, phone, browser, base_url):
    layla = world.person(
        "ليلى حداد",
        "ar",
        looking_for="أبحث عن مستثمر في شركات تقنيات التعليم الناشئة",
        can_help_with="أساعد في كتابة المحتوى التعليمي بالعربية",
        headline="أبني منصة تعليمية",
        company="منصة درب",
    )
    world.crowd()
    sam = world.person(
        "Sam Carter",
        can_help_with="I invest in early-stage edtech startups",
        looking_for="someone who writes Arabic learning content",
        headline="Edtech investor",
        company="Falcon Ventures",
    )

    a = phone.new_page()
    a.goto(f"/i/{layla.private}?next=/me/meet")
    expect(a.locator("html")).to_have_attribute("dir", "rtl")
    expect(a.locator("h1")).to_have_text("من تقابل")
    expect(a.locator("nav.mine a[aria-current=page]")).to_have_text("من تقابل")
    cards = a.locator("li.suggestion")
    expect(cards).to_have_count(5)
    expect(cards.first.locator("h3")).to_have_text(sam.name)
    expect(cards.first.locator(".reason bdi").first).to_have_text("I invest in early-stage edtech startups")
    shot(a, "who-to-meet-ar-390")

    cards.nth(4).locator("button.secondary").click()  # "Not now" on the fifth
    expect(a.locator(".saved")).to_contain_text("لن نعيد اقتراح")
    cards.first.locator("button:not(.secondary)").click()  # "I'd like to meet" Sam
    expect(a.locator(".saved")).to_contain_text(sam.name)
    expect(a.locator(f"li.suggestion#s-{sam.id}")).to_have_count(0)
    waiting = a.locator("section[aria-labelledby=sent-title] li.request")
    expect(waiting).to_contain_text(sam.name)
    expect(waiting.locator(".waiting")).to_be_visible()
    shot(a, "who-to-meet-sent-ar-390")

    b_context = browser.new_context(
        base_url=base_url,
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
        device_scale_factor=2,
    )
    try:
        b = b_context.new_page()
        b.goto(f"/i/{sam.private}?next=/me/meet")
        expect(b.locator("html")).to_have_attribute("dir", "ltr")
        request = b.locator("section[aria-labelledby=received-title] li.request")
        expect(request).to_have_count(1)
        expect(request.locator("h3")).to_have_text(layla.name)
        shot(b, "who-to-meet-request-en-390")
        request.locator("button", has_text="Accept").click()
        expect(b.locator(".saved")).to_contain_text(
            f"you and \u2068{layla.name}\u2069 can now see where to meet"
        )
        agreed = b.locator("section[aria-labelledby=received-title] .agreed")
        expect(agreed.locator(".point bdi")).to_have_text(MEETING_POINT)
        expect(agreed.locator(".code")).to_have_text(layla.short_code)
        shot(b, "who-to-meet-accepted-en-390")
    finally:
        b_context.close()

    a.reload()
    agreed = a.locator("section[aria-labelledby=sent-title] .agreed")
    expect(agreed.locator(".point bdi")).to_have_text(MEETING_POINT)
    expect(agreed.locator(".code")).to_have_text(sam.short_code)
    shot(a, "who-to-meet-accepted-ar-390")

    for lang, who in (("ar", layla), ("en", sam)):
        desktop = browser.new_context(base_url=base_url, viewport=DESKTOP)
        try:
            wide = desktop.new_page()
            wide.goto(f"/i/{who.private}?next=/me/meet%3Flang%3D{lang}")
            expect(wide.locator(".agreed")).to_have_count(1)
            shot(wide, f"who-to-meet-{lang}-1280")
        finally:
            desktop.close()


def test_not_now_on_a_request_takes_it_off_the_page_and_the_asker_is_not_told(world, phone, match_url):
    omar = world.person("Omar Farouk", looking_for="a mentor in product management", company="Souk Labs")
    world.crowd()
    hana = world.person(
        "هناء سالم",
        "ar",
        can_help_with="أرشد مديري المنتجات الجدد",
        headline="مديرة منتجات",
        company="تقنية الخليج",
    )
    asked = world.match_client().post(
        "/v1/me/requests", headers={"Authorization": f"Bearer {hana.private}"}, json={"to": omar.id}
    )  # from Hana's other device, through the API
    assert asked.status_code == 201
    page = phone.new_page()
    page.goto(f"/i/{omar.private}?next=/me/meet")
    expect(page.locator("h1")).to_have_text("Who to meet")
    request = page.locator("section[aria-labelledby=received-title] li.request")
    expect(request.locator("h3 bdi")).to_have_text(hana.name)
    expect(page.locator("li.suggestion")).to_have_count(5)
    shot(page, "who-to-meet-en-390")
    request.locator("button.secondary").click()
    expect(page.locator(".saved")).to_contain_text("is not told")
    expect(page.locator("section[aria-labelledby=received-title]")).to_have_count(0)
    page.goto(f"/i/{hana.private}?next=/me/meet")
    expect(page.locator("section[aria-labelledby=sent-title] .waiting")).to_be_visible()  # still just "sent"


def test_offline_the_page_says_who_to_meet_needs_a_connection(world, phone):
    me = world.person("Nadia Aziz", looking_for="a designer for my app")
    world.crowd()
    page = phone.new_page()
    page.goto(f"/i/{me.private}?next=/me/meet")
    expect(page.locator("li.suggestion")).to_have_count(5)
    page.wait_for_function("navigator.serviceWorker.ready.then(() => true)")
    page.wait_for_function(
        """async () => !!(await (await caches.open("rapport-scan-v1")).match("/me/meet"))"""
    )
    phone.set_offline(True)
    page.reload()
    expect(page.locator("#meet-offline")).to_be_visible()
    expect(page.locator("#meet-offline")).to_contain_text("You are offline")
    page.locator("li.suggestion").first.locator("button:not(.secondary)").click()
    expect(page.locator("#meet-offline")).to_be_visible()  # the tap is explained, no browser error page
    expect(page.locator("h1")).to_have_text("Who to meet")
    shot(page, "who-to-meet-offline-en-390")


def test_with_the_match_service_down_the_page_says_so(world, phone, match_url, scan_app):
    me = world.person("Rami Saad", "ar")
    scan_app.extensions["scan"].settings = replace(
        scan_app.extensions["scan"].settings, match_url=f"http://127.0.0.1:{free_port()}"
    )
    page = phone.new_page()
    answer = page.goto(f"/i/{me.private}?next=/me/meet")
    assert answer.status == 503
    expect(page.locator("main")).to_contain_text("غير متاحة الآن")
    expect(page.locator("nav.mine")).to_be_visible()
    shot(page, "who-to-meet-unavailable-ar-390")


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_who_to_meet_has_no_serious_accessibility_violations_and_44_px_targets(world, phone, match_url, lang):
    from tests.e2e.test_accessibility import small_targets, violations

    me = world.person(
        "Nadia Aziz", lang, looking_for="a designer for my app", can_help_with="I build Flutter apps"
    )
    world.crowd()
    asker, agreed = world.person("Karim Odeh"), world.person("سلمى ناصر", "ar")
    client = world.match_client()
    for who in (asker, agreed):
        assert (
            client.post(
                "/v1/me/requests", headers={"Authorization": f"Bearer {who.private}"}, json={"to": me.id}
            ).status_code
            == 201
        )
    request_id = client.get("/v1/me/requests", headers={"Authorization": f"Bearer {me.private}"}).get_json()
    accepted = next(r["id"] for r in request_id["received"] if r["person"]["attendee_id"] == agreed.id)
    assert (
        client.post(
            f"/v1/me/requests/{accepted}/accept", headers={"Authorization": f"Bearer {me.private}"}
        ).status_code
        == 200
    )
    page = phone.new_page()
    page.goto(f"/i/{me.private}?next=/me/meet%3Flang%3D{lang}")
    expect(page.locator("section[aria-labelledby=received-title] li.request")).to_have_count(2)
    expect(page.locator(".agreed")).to_have_count(1)
    assert violations(page, "who to meet") == []
    assert small_targets(page) == []


def test_the_forms_refuse_a_missing_csrf_token_a_bad_id_and_a_refusal_of_the_match_service(world, scan_app):
    from services.scan.pages import csrf_token

    me, shy = world.person("Nadia Aziz"), world.person("Shy", consent_suggest=False)
    client = scan_app.test_client()
    client.get(f"/i/{me.private}")
    json = {"Accept": "application/json"}
    answer = client.post("/me/meet/ask", data={"to": shy.id}, headers=json)
    assert answer.status_code == 403 and answer.get_json()["code"] == "csrf"
    with scan_app.test_request_context():
        token = csrf_token(me.private)
    for to, status, code in (
        ("../../v1/me/requests", 422, "invalid_input"),
        (shy.id, 403, "opted_out"),
        (me.id, 422, "self_request"),
    ):
        answer = client.post("/me/meet/ask", data={"to": to, "csrf_token": token}, headers=json)
        assert answer.status_code == status and answer.get_json()["code"] == code, answer.get_json()
    page = client.post(
        "/me/meet/ask", data={"to": shy.id, "csrf_token": token}, headers={"Accept": "text/html"}
    )
    assert page.status_code == 403 and "does not take meeting requests" in page.text
    answer = client.post("/me/meet/requests/nope/accept", data={"csrf_token": token}, headers=json)
    assert answer.status_code == 404 and answer.get_json()["code"] == "unknown_request"
