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
    assert (event["contact_email"], event["followup_at"]) == ("team@summit.example", "2026-12-04T07:00:00.000Z")
    [message] = published()
    assert (message.data["contact_email"], message.data["followup_at"]) == ("team@summit.example",
                                                                            "2026-12-04T07:00:00.000Z")
    changed = client.patch(f"/v1/events/{event['id']}", json={"followup_at": ""}, headers=ADMIN).json
    assert changed["followup_at"] is None and changed["contact_email"] == "team@summit.example"
    [update] = [m for m in published() if m.type == "event.updated"]
    assert update.data["followup_at"] == "" and update.data["contact_email"] == "team@summit.example"


def test_without_them_an_event_has_no_reply_to_and_the_default_time(client, event):
    assert (event["contact_email"], event["followup_at"]) == ("", None)


@pytest.mark.parametrize("field, value", [
    ("contact_email", "team@summit.example\r\nBcc: x@example.org"), ("contact_email", "not an address"),
    ("contact_email", 7), ("followup_at", "tomorrow morning"), ("followup_at", "2026-12-04T10:00:00"),
])
def test_a_bad_contact_address_or_time_is_a_422_naming_the_field(client, event, field, value):
    answer = client.patch(f"/v1/events/{event['id']}", json={field: value}, headers=ADMIN)
    assert answer.status_code == 422 and field in answer.json["errors"]
    created = client.post("/v1/events", json={**EVENT, field: value}, headers=ADMIN)
    assert created.status_code == 422 and field in created.json["errors"]
