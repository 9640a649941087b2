"""An event created on the dashboard has the creating organizer's address as its contact address
(the Reply-To of its emails), unless the organizer gives another."""

from __future__ import annotations

import re

from tests.integration.dashboard.test_run_event import browser, create_event, dashboard_settings, others  # noqa: F401

ADMIN = {"Authorization": "Bearer test-admin-token"}


def badge_side(others, location: str) -> dict:
    event_id = re.fullmatch(r"/events/(\w+)", location).group(1)
    return others.badge_app.test_client().get(f"/v1/events/{event_id}", headers=ADMIN).json


def test_the_creating_organizers_email_is_the_default_contact_address(browser, others, alice):
    status, location = create_event(browser)
    assert status == 303
    assert badge_side(others, location)["contact_email"] == alice.email


def test_an_api_caller_may_name_another_contact_address(client, others, alice):
    from tests.integration.dashboard.conftest import token_for

    answer = client.post(
        "/v1/events",
        headers=token_for(client.application, alice),
        json={
            "name": "Gulf Product Summit",
            "starts_at": "2026-12-01T09:00:00+04:00",
            "ends_at": "2026-12-01T18:00:00+04:00",
            "timezone": "Asia/Dubai",
            "language": "en",
            "contact_email": "hello@gulfsummit.example",
        },
    )
    assert answer.status_code == 201, answer.json
    assert badge_side(others, f"/events/{answer.json['id']}")["contact_email"] == "hello@gulfsummit.example"
