"""An event's meeting point (where two attendees who agreed to meet find each other), set over the
badge API and announced in event.created / event.updated."""

from __future__ import annotations

import pytest

from tests.integration.badge.conftest import ADMIN, EVENT


def test_the_meeting_point_is_kept_announced_changed_and_cleared(client, published):
    created = client.post(
        "/v1/events", json={**EVENT, "meeting_point": "  ركن القهوة قرب القاعة B  "}, headers=ADMIN
    )
    assert created.status_code == 201, created.json
    event = created.json
    assert event["meeting_point"] == "ركن القهوة قرب القاعة B"
    [message] = published()
    assert message.data["meeting_point"] == "ركن القهوة قرب القاعة B"
    changed = client.patch(f"/v1/events/{event['id']}", json={"name": "Renamed"}, headers=ADMIN).json
    assert changed["meeting_point"] == "ركن القهوة قرب القاعة B"  # a PATCH without it keeps it
    changed = client.patch(
        f"/v1/events/{event['id']}", json={"meeting_point": "The coffee bar, hall B"}, headers=ADMIN
    ).json
    assert changed["meeting_point"] == "The coffee bar, hall B"
    assert (
        client.get(f"/v1/events/{event['id']}", headers=ADMIN).json["meeting_point"]
        == "The coffee bar, hall B"
    )
    cleared = client.patch(f"/v1/events/{event['id']}", json={"meeting_point": None}, headers=ADMIN).json
    assert cleared["meeting_point"] == ""
    updates = [m.data["meeting_point"] for m in published() if m.type == "event.updated"]
    assert updates == ["ركن القهوة قرب القاعة B", "The coffee bar, hall B", ""]


def test_an_event_without_one_has_none(client, event):
    assert event["meeting_point"] == ""


@pytest.mark.parametrize(
    "value, says",
    [
        (7, "must be text"),
        (["hall B"], "must be text"),
        ("x" * 201, "at most 200 characters"),
        ("Hall B\nthen left", "control character"),
        ("Hall \u202eB", "direction control"),
    ],
)
def test_a_bad_meeting_point_is_a_422_naming_the_field(client, event, value, says):
    answer = client.patch(f"/v1/events/{event['id']}", json={"meeting_point": value}, headers=ADMIN)
    assert answer.status_code == 422 and answer.mimetype == "application/problem+json"
    assert says in answer.json["errors"]["meeting_point"]
    created = client.post("/v1/events", json={**EVENT, "meeting_point": value}, headers=ADMIN)
    assert created.status_code == 422 and "meeting_point" in created.json["errors"]


def test_the_openapi_document_names_it(client):
    schema = client.get("/openapi.json").json["paths"]["/v1/events"]["post"]["requestBody"]["content"]
    assert "meeting_point" in str(schema)
