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
    assert (
        f"/i/{layla['scanner_token']}?next=/me/people" in html
        and f"/i/{layla['scanner_token']}?next=/me/qr" in html
    )
    assert "<style" not in html and "style=" not in html  # the styles are a file: a strict CSP keeps them
    assert client.get("/static/self/self.css").status_code == 200
    assert 'lang="en" dir="ltr"' in client.get(f"/me/{layla['scanner_token']}?lang=en").get_data(as_text=True)
    badge = client.get(f"/me/{layla['scanner_token']}/badge.png")
    assert {r.text for r in zxingcpp.read_barcodes(Image.open(io.BytesIO(badge.data)))} == {
        layla["badge_url"]
    }


def test_editing_the_headline_and_consent_saves_and_announces_it(client, register, published):
    lina = register()
    saved = client.post(
        f"/me/{lina['scanner_token']}",
        data={
            "headline": "helping small roasters sell online",
            "interests": "coffee, retail",
            "followup": "on",
        },
    )
    assert saved.status_code == 303
    now = client.get(f"/v1/attendees/{lina['id']}", headers=ADMIN).json
    assert now["headline"] == "helping small roasters sell online" and now["interests"] == [
        "coffee",
        "retail",
    ]
    assert now["consent"] == {"followup": True, "share_contact": False, "suggest": False}  # unticked boxes
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


def test_the_page_coaches_and_saves_what_i_look_for_and_can_help_with(client, register):
    layla = register(name="ليلى حداد", email="layla@example.org")
    html = client.get(f"/me/{layla['scanner_token']}").get_data(as_text=True)
    assert "ما الذي تبحث عنه هنا" in html and "حاجة واحدة محددة" in html and 'name="suggest" checked' in html
    saved = client.post(
        f"/me/{layla['scanner_token']}",
        data={
            "headline": "",
            "interests": "",
            "looking_for": "مستثمر لتطبيق تعليمي",
            "can_help_with": "تصميم المدارس",
            "suggest": "on",
        },
    )
    assert saved.status_code == 303
    now = client.get(f"/v1/attendees/{layla['id']}", headers=ADMIN).json
    assert (now["looking_for"], now["can_help_with"], now["consent"]["suggest"]) == (
        "مستثمر لتطبيق تعليمي",
        "تصميم المدارس",
        True,
    )


def test_the_private_page_is_never_stored_framed_or_referred_on(client, register):
    layla = register(name="Layla")
    page = client.get(f"/me/{layla['scanner_token']}")
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]
    assert (
        page.headers["Referrer-Policy"] == "no-referrer"
        and page.headers["X-Content-Type-Options"] == "nosniff"
    )


def test_after_the_close_the_page_says_so_and_points_to_the_follow_up_not_the_scanner(
    client, register, event
):
    lina = register(language="en")
    token = lina["scanner_token"]
    assert "Meet people" in client.get(f"/me/{token}").get_data(as_text=True)
    client.patch(f"/v1/events/{event['id']}", json={"followup_at": "2026-12-04T07:00:00Z"}, headers=ADMIN)
    assert client.post(f"/v1/events/{event['id']}/close", headers=ADMIN).status_code == 200
    html = client.get(f"/me/{token}").get_data(as_text=True)
    assert (
        "This event has ended." in html
        and "your follow-up email" in html
        and "on \u20662026-12-04\u2069" in html
    )
    assert "Meet people" not in html and f'href="http://localhost:8002/i/{token}"' not in html
    assert f"/i/{token}?next=/me/people" in html and "ready for your follow-up" in html
    arabic = client.get(f"/me/{token}?lang=ar").get_data(as_text=True)
    assert "انتهت هذه الفعالية." in arabic and "رسالة المتابعة" in arabic
