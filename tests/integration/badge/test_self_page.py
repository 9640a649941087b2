"""The attendee's own page, reached by their private link."""

from __future__ import annotations

import io

import zxingcpp
from PIL import Image

from tests.integration.badge.conftest import ADMIN

BROWSER = {"Accept": "text/html"}


def test_the_page_shows_the_badge_in_the_attendees_language_and_links_to_the_scanner(client, register):
    layla = register(name="ليلى حداد", email="layla@example.org")  # the event's language is Arabic
    page = client.get(f"/me/{layla['scanner_token']}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and '<html lang="ar" dir="rtl">' in html and "ليلى حداد" in html
    assert f"/i/{layla['scanner_token']}" in html
    # My people and My QR, on the scan service, one tap away (its private link remembers the phone first)
    assert f"/i/{layla['scanner_token']}?next=/me/people" in html and f"/i/{layla['scanner_token']}?next=/me/qr" in html
    assert "<style" not in html and "style=" not in html  # the styles are a file: a strict CSP keeps them
    assert client.get("/static/self/self.css").status_code == 200
    assert 'lang="en" dir="ltr"' in client.get(f"/me/{layla['scanner_token']}?lang=en").get_data(as_text=True)
    badge = client.get(f"/me/{layla['scanner_token']}/badge.png")
    assert {r.text for r in zxingcpp.read_barcodes(Image.open(io.BytesIO(badge.data)))} == {layla["badge_url"]}


def test_editing_the_headline_and_consent_saves_and_announces_it(client, register, published):
    lina = register()
    saved = client.post(f"/me/{lina['scanner_token']}", data={
        "headline": "helping small roasters sell online", "interests": "coffee, retail", "followup": "on"})
    assert saved.status_code == 303
    now = client.get(f"/v1/attendees/{lina['id']}", headers=ADMIN).json
    assert now["headline"] == "helping small roasters sell online" and now["interests"] == ["coffee", "retail"]
    assert now["consent"] == {"followup": True, "share_contact": False}
    assert [m.data["headline"] for m in published() if m.type == "attendee.updated"] == [now["headline"]]


def test_an_invalid_edit_is_shown_back_with_the_reason(client, register):
    lina = register()
    page = client.post(f"/me/{lina['scanner_token']}", data={"headline": "x" * 200, "interests": ""})
    assert page.status_code == 422 and "at most 140" in page.get_data(as_text=True)


def test_a_wrong_or_public_token_is_not_a_private_link(client, register):
    lina = register()
    for token in ("NOTATOKEN", lina["badge_token"]):
        page = client.get(f"/me/{token}", headers=BROWSER)
        assert page.status_code == 404 and page.mimetype == "text/html"
