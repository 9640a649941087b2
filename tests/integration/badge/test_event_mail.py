"""An event's contact address (Reply-To of its emails) and follow-up time, set over the badge API
and announced to the follow-up service."""

from __future__ import annotations

import pytest

from tests.integration.badge.conftest import ADMIN, EVENT


def test_the_contact_address_and_follow_up_time_are_kept_and_announced(client, published):
    body = {**EVENT, "contact_email": "team@summit.example", "followup_at": "2026-12-04T10:00:00+03:00"}
    created = client.post("/v1/events", json=body, headers=ADMIN)
    assert created.status_code == 201, created.json
    event = created.json
    assert (event["contact_email"], event["followup_at"]) == (
        "team@summit.example",
        "2026-12-04T07:00:00.000Z",
    )
    [message] = published()
    assert (message.data["contact_email"], message.data["followup_at"]) == (
        "team@summit.example",
        "2026-12-04T07:00:00.000Z",
    )
    changed = client.patch(f"/v1/events/{event['id']}", json={"followup_at": ""}, headers=ADMIN).json
    assert changed["followup_at"] is None and changed["contact_email"] == "team@summit.example"
    [update] = [m for m in published() if m.type == "event.updated"]
    assert update.data["followup_at"] == "" and update.data["contact_email"] == "team@summit.example"


def test_without_them_an_event_has_no_reply_to_and_the_default_time(client, event):
    assert (event["contact_email"], event["followup_at"]) == ("", None)


@pytest.mark.parametrize(
    "field, value",
    [
        ("contact_email", "team@summit.example\r\nBcc: x@example.org"),
        ("contact_email", "not an address"),
        ("contact_email", 7),
        ("followup_at", "tomorrow morning"),
        ("followup_at", "2026-12-04T10:00:00"),
    ],
)
def test_a_bad_contact_address_or_time_is_a_422_naming_the_field(client, event, field, value):
    answer = client.patch(f"/v1/events/{event['id']}", json={field: value}, headers=ADMIN)
    assert answer.status_code == 422 and field in answer.json["errors"]
    created = client.post("/v1/events", json={**EVENT, field: value}, headers=ADMIN)
    assert created.status_code == 422 and field in created.json["errors"]


def test_the_welcome_setting_is_kept_and_announced(client, published, register):
    body = {**EVENT, "welcome": "scheduled", "welcome_at": "2026-11-30T18:00:00+03:00"}
    event = client.post("/v1/events", json=body, headers=ADMIN).json
    assert (event["welcome"], event["welcome_at"]) == ("scheduled", "2026-11-30T15:00:00.000Z")
    [created] = [m for m in published() if m.type == "event.created" and m.event_id == event["id"]]
    assert (created.data["welcome"], created.data["welcome_at"]) == ("scheduled", "2026-11-30T15:00:00.000Z")
    off = client.patch(f"/v1/events/{event['id']}", json={"welcome": "off"}, headers=ADMIN).json
    assert (off["welcome"], off["welcome_at"]) == ("off", None)  # a time means nothing once it is off
    [update] = [m for m in published() if m.type == "event.updated"]
    assert (update.data["welcome"], update.data["welcome_at"]) == ("off", "")


def test_by_default_every_attendee_is_welcomed_at_registration(client, event):
    assert (event["welcome"], event["welcome_at"]) == ("on_registration", None)


def test_the_registration_tells_which_issue_of_the_tokens_is_current(client, published, register):
    attendee = register()
    [registered] = [m for m in published() if m.type == "attendee.registered"]
    assert (registered.data["badge_serial"], registered.data["private_serial"]) == (1, 1)
    client.post(f"/v1/attendees/{attendee['id']}/reissue", headers=ADMIN)
    issued = [m for m in published() if m.type == "badge.issued"]
    assert [m.data["serial"] for m in issued] == [1, 2]


@pytest.mark.parametrize(
    "doc, field",
    [
        ({"welcome": "sometimes"}, "welcome"),
        ({"welcome": ["off"]}, "welcome"),
        ({"welcome": "scheduled"}, "welcome_at"),
        ({"welcome": "scheduled", "welcome_at": "soon"}, "welcome_at"),
        ({"welcome": "scheduled", "welcome_at": "2026-12-01T09:00:00"}, "welcome_at"),
        ({"welcome": "scheduled", "welcome_at": "0001-01-01T00:00:00+14:00"}, "welcome_at"),
    ],
)
def test_a_bad_welcome_setting_is_a_422_naming_the_field(client, event, doc, field):
    answer = client.patch(f"/v1/events/{event['id']}", json=doc, headers=ADMIN)
    assert answer.status_code == 422 and field in answer.json["errors"], answer.json
    assert answer.content_type == "application/problem+json"
    created = client.post("/v1/events", json={**EVENT, **doc}, headers=ADMIN)
    assert created.status_code == 422 and field in created.json["errors"]
