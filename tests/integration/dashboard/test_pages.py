"""The organizer's pages as a browser gets them, before any script runs: figures, attendees, and what
the event produced afterwards, in the organizer's language."""

from __future__ import annotations

import pytest

from shared import events as ev
from shared.envelope import iso
from tests.integration.dashboard.conftest import HTML, NOW, log_in


@pytest.fixture
def browser(client, alice):
    log_in(client, alice)
    return client


def test_the_live_page_carries_the_figures_before_its_script_runs(browser, world):
    lina, omar = world.attendee("Lina", interests=("coffee",)), world.attendee("Omar", interests=("coffee",))
    world.attendee("Sara", interests=("coffee",))
    world.met(lina, omar)
    page = browser.get(f"/events/{world.event_id}", headers=HTML).text
    assert 'id="stat-meetings">1<' in page and 'id="stat-met">2<' in page and 'id="stat-unmet">1<' in page
    assert "Introduce to " in page and "shares “coffee”" in page
    assert '<script type="application/json" id="live-config">' in page
    assert "/static/vendor/force-graph.min.js" in page and "/static/vendor/chart.umd.min.js" in page


def test_the_front_end_libraries_come_from_the_projects_node_modules(client):
    from pathlib import Path

    root = Path(__file__).resolve().parents[3]
    graph = client.get("/static/vendor/force-graph.min.js")
    assert graph.status_code == 200 and graph.mimetype == "text/javascript"
    assert graph.data == (root / "node_modules/force-graph/dist/force-graph.min.js").read_bytes()
    assert client.get("/static/vendor/chart.umd.min.js").status_code == 200
    assert client.get("/static/vendor/..%2Fpackage.json").status_code == 404


def test_attendees_are_listed_and_found_by_name(browser, world):
    for name in ("Lina Haddad", "عمر الفاروق", "Sara Nasser"):
        world.attendee(name)
    page = browser.get(f"/events/{world.event_id}/attendees", headers=HTML).text
    assert "(3)" in page and "عمر الفاروق" in page
    found = browser.get(
        f"/events/{world.event_id}/attendees", query_string={"q": "haddad"}, headers=HTML
    ).text
    assert "Lina Haddad" in found and "Sara Nasser" not in found
    assert (
        "(0)" in browser.get(f"/events/{world.event_id}/attendees?q=%25", headers=HTML).text
    )  # % is a letter here


def test_after_the_event_delivery_and_nudges_per_campaign_in_arabic(browser, client, world, feed, alice):
    a, b = world.attendee("A"), world.attendee("B")
    feed(
        ev.FollowupSent(event_id=world.event_id, attendee_id=a, campaign="followup", sent_at=iso(NOW)),
        ev.FollowupFailed(event_id=world.event_id, attendee_id=b, campaign="followup", reason="mailbox full"),
        ev.FollowupSent(event_id=world.event_id, attendee_id=a, campaign="nudge-7", sent_at=iso(NOW)),
        ev.FollowupFollowedUp(event_id=world.event_id, attendee_id=a, campaign="nudge-7", contact=b),
        ev.FollowupUnsubscribed(event_id=world.event_id, attendee_id=b, campaign="all"),
    )
    page = browser.get(f"/events/{world.event_id}/after", headers=HTML).text
    assert (
        '<th scope="row">Follow-up</th><td>0</td><td>0</td><td>1</td><td>1</td>' in page
    )  # queued, deferred, ...
    assert (
        '<th scope="row">Nudge, day 7</th><td>0</td><td>0</td><td>1</td><td>0</td><td>0</td>\n'
        "        <td>1</td><td>1</td>"
    ) in page
    assert "Unsubscribed, no more email to them: 1" in page
    assert f"/v1/events/{world.event_id}/exports/meetings.csv" in page
    from tests.integration.dashboard.conftest import csrf_of

    browser.post("/language", data={"language": "ar", "csrf_token": csrf_of(page)}, headers=HTML)
    page = browser.get(f"/events/{world.event_id}/after", headers=HTML).text
    assert 'dir="rtl"' in page and "تذكير، اليوم 7" in page and "تسليم رسائل المتابعة" in page


def test_the_api_is_documented(client):
    spec = client.get("/openapi.json").json
    assert {"/v1/events/{event_id}/stats", "/v1/events/{event_id}/live", "/v1/organizers"} <= set(
        spec["paths"]
    )
    assert client.get("/docs").status_code == 200
    assert client.get("/healthz").json["status"] == "ok"
