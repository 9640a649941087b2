"""Each viewer reads the pages in their own language, with a switch on every page; and after the
close the attendee's scanner says so and points to My people (and the follow-up) instead."""

from __future__ import annotations

from datetime import timedelta

import pytest

from services.scan.pages import COOKIE
from shared import events as ev
from shared.envelope import iso, utc_now


def lang_of(html: str) -> str:
    return html.split('<html lang="', 1)[1][:2]


@pytest.mark.parametrize(
    "accept, expected",
    [
        ("ar-SA,en;q=0.5", "ar"),
        ("en-US,en;q=0.9", "en"),
        ("fr-FR,fr;q=0.9", "ar"),  # neither: the event's (Arabic)
        ("", "ar"),
    ],
)
def test_a_fresh_phone_reads_the_badge_page_in_its_own_language_not_the_owners(
    client, person, accept, expected
):
    omar = person("Omar")  # his language is English; the event's is Arabic
    page = client.get(f"/c/{omar.badge}", headers={"Accept": "text/html", "Accept-Language": accept})
    assert page.status_code == 200 and lang_of(page.text) == expected


def test_the_viewers_own_language_comes_before_the_browsers(client, person, apply, event_id):
    lina, omar = person("Lina"), person("Omar")
    apply(
        ev.AttendeeUpdated(
            event_id=event_id,
            attendee_id=omar.id,
            name="Omar",
            email=f"{omar.id}@x.org",
            language="ar",
            short_code=omar.short_code,
        )
    )
    client.set_cookie(COOKIE, lina.private)  # Lina reads English on a phone set to Arabic
    arabic_phone = {"Accept": "text/html", "Accept-Language": "ar"}
    assert lang_of(client.get(f"/c/{omar.badge}", headers=arabic_phone).text) == "en"
    client.set_cookie(COOKIE, omar.private)
    assert (
        lang_of(client.get("/me/people", headers={"Accept": "text/html", "Accept-Language": "en"}).text)
        == "ar"
    )


def test_every_page_has_a_language_switch_and_the_choice_sticks(client, person):
    lina, omar = person("Lina"), person("Omar")
    english = {"Accept": "text/html", "Accept-Language": "en"}
    for path in (f"/c/{omar.badge}", "/scan", "/signin", "/me/people", "/me/qr"):
        html = client.get(path, headers=english).text
        assert 'hreflang="ar"' in html and ">العربية</a>" in html, path
    switched = client.get(f"/c/{omar.badge}?lang=ar", headers=english)
    assert lang_of(switched.text) == "ar"
    assert lang_of(client.get("/signin", headers=english).text) == "ar"  # the phone keeps the choice
    client.set_cookie(COOKIE, lina.private)
    for path in ("/scan", "/me/people", "/me/qr", f"/c/{omar.badge}"):
        html = client.get(path, headers=english).text
        assert lang_of(html) == "ar" and 'hreflang="en"' in html, path
    assert lang_of(client.get("/scan?lang=en", headers=english).text) == "en"


def test_after_the_close_the_scanner_points_to_my_people_and_the_follow_up(
    app, client, person, apply, event_id
):
    lina = person("Lina")
    client.set_cookie(COOKIE, lina.private)
    english = {"Accept": "text/html", "Accept-Language": "en"}
    assert "This event has ended" not in client.get("/scan", headers=english).text
    apply(ev.EventClosed(event_id=event_id, closed_at=iso(utc_now())))
    during_grace = client.get("/scan", headers=english).text
    assert "This event has ended" in during_grace and "follow-up email" in during_grace
    assert 'class="button" href="/me/people"' in during_grace
    assert 'id="scan-config"' in during_grace  # what this phone queued offline still syncs
    long_ago = iso(utc_now() - timedelta(seconds=app.extensions["scan"].settings.scan_grace + 60))
    apply(ev.EventClosed(event_id=event_id, closed_at=long_ago))
    after = client.get("/scan?lang=ar", headers=english).text
    assert "انتهت هذه الفعالية" in after and 'href="/me/people' in after and "scan-config" not in after
