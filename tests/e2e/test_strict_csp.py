"""The attendee pages under a strict Content-Security-Policy, in Chromium: nothing they need is
inline (scripts, styles), so a CSP of 'self' only blocks nothing and every page still works."""

from __future__ import annotations

import uuid

from playwright.sync_api import expect

from tests.e2e.test_scan_pages import PHONE, base_url, browser, people, playwright, scan_app  # noqa: F401

STRICT = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; font-src 'self'; "
    "connect-src 'self'; worker-src 'self'; manifest-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
WATCH = """document.addEventListener("securitypolicyviolation", (e) => {
  (window.__blocked ||= []).push(`${e.violatedDirective} ${e.blockedURI} ${e.sample}`);
});"""


def test_the_attendee_pages_need_nothing_a_strict_csp_blocks(browser, base_url, people, scan_app):
    lina, omar = people["lina"], people["omar"]
    assert (
        scan_app.test_client()
        .post(
            "/v1/scans",
            headers={"Authorization": f"Bearer {lina.private}"},
            json={
                "scanned": omar.short_code,
                "note": "his teachers' app",
                "client_scan_id": uuid.uuid4().hex,
            },
        )
        .status_code
        == 201
    )
    # Requests are routed through the test to add the header; a service worker would bypass that.
    context = browser.new_context(base_url=base_url, viewport=PHONE, service_workers="block")

    def with_csp(route):
        response = route.fetch()
        route.fulfill(response=response, headers={**response.headers, "content-security-policy": STRICT})

    context.route("**/*", with_csp)
    context.add_init_script(WATCH)
    try:
        page = context.new_page()
        blocked = {}
        page.goto(f"/i/{lina.private}?next=/c/{omar.badge}")
        expect(page.locator(".met-before")).to_be_visible()
        blocked["badge page"] = page.evaluate("window.__blocked || []")
        page.goto("/scan")
        page.fill("#code", omar.short_code)
        page.click("#manual button[type=submit]")
        expect(page.locator("#sheet-title")).to_have_text(omar.name)  # the script ran, and its lookup
        blocked["scanner"] = page.evaluate("window.__blocked || []")
        for path in ("/me/people", "/me/qr"):
            page.goto(path)
            blocked[path] = page.evaluate("window.__blocked || []")
        assert page.evaluate("document.querySelector('.myqr .qr').naturalWidth") > 0
        assert page.evaluate("getComputedStyle(document.querySelector('nav.mine a')).minHeight") == "44px"
        assert {k: v for k, v in blocked.items() if v} == {}
    finally:
        context.close()
