"""axe-core (from the project's npm packages) in Chromium on every attendee page of the scan service,
in English and Arabic at a phone's size: no serious or critical violations."""

from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import expect

from tests.e2e.test_my_people_pages import shot
from tests.e2e.test_scan_pages import REPO, base_url, browser, people, phone, playwright, scan_app  # noqa: F401

AXE = REPO / "node_modules/axe-core/axe.min.js"
RUN_AXE = """async () => {
  const result = await axe.run(document, { resultTypes: ["violations"] });
  return result.violations.filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.target.join(" ")) }));
}"""


SMALL_TARGETS = """() => [...document.querySelectorAll(
    "a, button, input:not([type=hidden]), textarea, summary, label.chip, label.check")]
  .filter((el) => el.offsetParent !== null && (el.matches("label") || !el.closest("p, label.chip, label.check")))
  .filter((el) => !(el.matches("input") && el.closest("label.chip")))  // the chip is the target
  .map((el) => [el.outerHTML.slice(0, 80), Math.round(el.getBoundingClientRect().height)])
  .filter(([, height]) => height < 44)"""


def small_targets(page) -> list:
    """Tap targets under 44 px high (links inside a sentence are text, not targets)."""
    return page.evaluate(SMALL_TARGETS)


def violations(page, name: str) -> list[dict]:
    """axe's serious and critical findings on the page as it is now (and a screenshot of it to look at)."""
    assert AXE.is_file(), "axe-core is an npm dev dependency: ./rapport test installs it (npm ci)"
    page.evaluate("document.fonts.ready")
    lang, width = page.evaluate("document.documentElement.lang"), page.viewport_size["width"]
    shot(page, f"a11y-{name.replace(' ', '-').replace(',', '')}-{lang}-{width}")
    page.evaluate(AXE.read_text())  # through the debugger, not a <script>: the pages' CSP stays strict
    return page.evaluate(RUN_AXE)


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_attendee_pages_have_no_serious_or_critical_accessibility_violations(
    phone, people, scan_app, browser, base_url, lang
):
    lina, omar = people["lina"], people["omar"]
    client = scan_app.test_client()
    assert (
        client.post(
            "/v1/scans",
            headers={"Authorization": f"Bearer {lina.private}"},
            json={
                "scanned": omar.short_code,
                "note": "his teachers' app",
                "tags": ["coffee later"],
                "client_scan_id": uuid.uuid4().hex,
            },
        ).status_code
        == 201
    )
    page = phone.new_page()
    found: dict[str, list] = {}

    page.goto(f"/c/{omar.badge}?lang={lang}")  # no identity yet: who are you?
    found["identify"] = violations(page, "identify")
    page.fill("#email", "nobody@example.org")
    page.click("#signin button[type=submit]")
    found["sign-in sent"] = violations(page, "signin sent")
    page.goto(f"/s/{'A' * 55}?lang={lang}")  # not one of ours: a refusal page
    found["bad sign-in link"] = violations(page, "bad signin link")
    page.goto(f"/scan?lang={lang}")
    found["scanner without identity"] = violations(page, "scanner without identity")
    page.goto(f"/i/{lina.private}?next=/c/{omar.badge}?lang={lang}")  # met before: "you met at"
    expect(page.locator(".met-before")).to_be_visible()
    found["badge page"] = violations(page, "badge page")
    page.fill("#note", "and the pilot school")
    page.click("#meeting button[type=submit]")
    found["saved"] = violations(page, "saved")
    page.goto(f"/scan?lang={lang}")
    found["scanner"] = violations(page, "scanner")
    page.fill("#code", omar.short_code)
    page.click("#manual button[type=submit]")
    expect(page.locator("#sheet-met")).to_be_visible()
    found["scanner sheet"] = violations(page, "scanner sheet")
    page.goto(f"/me/people?lang={lang}")
    page.locator("details.edit summary").first.click()
    found["my people"] = violations(page, "my people")
    page.goto(f"/me/people?lang={lang}&q=nobody")
    found["my people, no match"] = violations(page, "my people, no match")
    page.goto(f"/me/qr?lang={lang}")
    found["my qr"] = violations(page, "my qr")
    page.goto(f"/c/{lina.badge}?lang={lang}")  # her own badge: a refusal page
    found["refusal"] = violations(page, "refusal")
    desktop = browser.new_context(base_url=base_url, viewport={"width": 1280, "height": 900})
    try:
        wide = desktop.new_page()
        wide.goto(f"/i/{lina.private}?next=/scan?lang={lang}")
        found["scanner, desktop"] = violations(wide, "scanner desktop")
        for name, path in (("badge page, desktop", f"/c/{omar.badge}"), ("my qr, desktop", "/me/qr")):
            wide.goto(f"{path}?lang={lang}")
            found[name] = violations(wide, name)
    finally:
        desktop.close()
    assert {name: v for name, v in found.items() if v} == {}
    for path in ("/scan", "/me/people", "/me/qr", f"/c/{omar.badge}"):
        page.goto(f"{path}{'&' if '?' in path else '?'}lang={lang}")
        assert small_targets(page) == [], path
    fresh = browser.new_context(base_url=base_url, viewport=page.viewport_size)
    try:
        signin = fresh.new_page()
        for path in ("/signin", f"/c/{omar.badge}"):  # the sign-in forms, for a phone nobody signed in on
            signin.goto(f"{path}?lang={lang}")
            assert small_targets(signin) == [], path
        assert violations(signin, "badge signin") == []
    finally:
        fresh.close()


@pytest.fixture
def badge_url(settings, new_database):
    """The badge service over HTTP, with one attendee: their own page is an attendee page too."""
    import threading
    from dataclasses import replace

    from werkzeug.serving import make_server

    from deploy.rig.ports import free_port
    from services.badge import create_app

    app = create_app(replace(settings, badge_database_url=new_database(), admin_token="test-admin-token"))
    admin = {"Authorization": "Bearer test-admin-token"}
    client = app.test_client()
    event = client.post(
        "/v1/events",
        headers=admin,
        json={
            "name": "Riyadh Design Week",
            "venue": "JAX",
            "starts_at": "2026-12-01T09:00:00+03:00",
            "ends_at": "2026-12-03T18:00:00+03:00",
            "timezone": "Asia/Riyadh",
            "language": "ar",
        },
    ).json
    attendee = client.post(
        f"/v1/events/{event['id']}/attendees",
        headers=admin,
        json={
            "name": "ليلى حداد",
            "email": "layla@example.org",
            "headline": "أصمم مدارس صديقة للأطفال",
            "interests": ["تعليم", "تصميم"],
        },
    ).json
    server = make_server("127.0.0.1", free_port(), app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/me/{attendee['scanner_token']}"
    server.shutdown()
    thread.join(10)


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_the_badge_services_own_page_has_no_serious_or_critical_violations(browser, badge_url, lang):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    try:
        page = context.new_page()
        page.goto(f"{badge_url}?lang={lang}")
        expect(page.locator("nav.yours a")).to_have_count(3)
        assert violations(page, "badge-self-page") == []
        assert small_targets(page) == []
    finally:
        context.close()


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_the_follow_up_links_pages_have_no_serious_or_critical_violations(
    browser, settings, new_database, lang
):
    """The pages an attendee opens from their follow-up email: unsubscribe, and "followed up"."""
    import threading
    from dataclasses import replace

    from werkzeug.serving import make_server

    from deploy.rig.ports import free_port
    from services.followup import create_app
    from tests.integration.followup.conftest import World

    app = create_app(
        replace(settings, followup_database_url=new_database(), followup_url="https://followup.example")
    )
    service = app.extensions["followup"]
    world = World(service, language=lang)
    reader, contact = world.attendee("Huda", language=lang), world.attendee("Omar")
    world.scan(reader, contact, note="coffee")
    server = make_server("127.0.0.1", free_port(), app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    try:
        page = context.new_page()
        found = {}
        for name, link in (
            ("unsubscribe", service.links.unsubscribe(reader)),
            ("followed up", service.links.followed_up(reader, contact)),
        ):
            page.goto(link.replace("https://followup.example", f"http://127.0.0.1:{server.server_port}"))
            found[f"follow-up {name}"] = violations(page, f"follow-up {name}")
        assert {name: v for name, v in found.items() if v} == {}
    finally:
        context.close()
        server.shutdown()
        thread.join(10)
