"""When the badge or follow-up service does not answer, the organizer reads why, in a page or a
problem; never a 500."""

from __future__ import annotations

from dataclasses import replace

import pytest

from deploy.rig.ports import free_port
from tests.integration.dashboard.conftest import HTML, csrf_of, log_in


@pytest.fixture
def dashboard_settings(settings, database_url):
    nobody = f"http://127.0.0.1:{free_port()}"  # nothing listens here
    return replace(settings, dashboard_database_url=database_url, badge_url=nobody, followup_url=nobody)


@pytest.fixture
def browser(client, alice):
    log_in(client, alice)
    return client


def test_creating_an_event_while_the_badge_service_is_down(browser):
    page = browser.get("/events", headers=HTML).text
    answer = browser.post(
        "/events",
        headers=HTML,
        data={
            "csrf_token": csrf_of(page),
            "name": "Riyadh Design Week",
            "starts_at": "2026-12-01T09:00",
            "ends_at": "2026-12-01T18:00",
            "timezone": "Asia/Riyadh",
            "language": "ar",
        },
    )
    assert answer.status_code == 503 and answer.mimetype == "text/html"
    assert "the badge service is not answering" in answer.text


@pytest.mark.parametrize(
    "path, service",
    [
        ("/events/{event}/badges.pdf", "badge"),
        ("/events/{event}/attendees/{person}/badge.png", "badge"),
        ("/events/{event}/attendees/{person}/followup", "followup"),
        ("/events/{event}/attendees/{person}/followup?format=text", "followup"),
    ],
)
def test_what_comes_from_a_service_that_is_down_is_a_clear_refusal(browser, world, path, service):
    person = world.attendee("Lina")
    url = path.format(event=world.event_id, person=person)
    page = browser.get(url, headers=HTML)
    assert page.status_code == 503 and f"the {service} service is not answering" in page.text
    problem = browser.get(url, headers={"Accept": "application/json"})
    assert problem.status_code == 503 and problem.json["code"] == f"{service}_unavailable"


def test_closing_while_the_badge_service_is_down_keeps_the_event_open(browser, world):
    page = browser.get(f"/events/{world.event_id}", headers=HTML).text
    answer = browser.post(f"/events/{world.event_id}/close", data={"csrf_token": csrf_of(page)}, headers=HTML)
    assert answer.status_code == 503
    assert browser.get(f"/v1/events/{world.event_id}/stats").json["status"] == "open"
