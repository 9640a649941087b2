"""Query parameters that once made the follow-up API answer 500 (issue 14): Unicode digits pass
str.isdigit() but not int(). Each is now a 4xx problem naming the parameter."""

from __future__ import annotations

import pytest

from tests.integration.followup.conftest import ADMIN

PROBLEM = "application/problem+json"


@pytest.mark.parametrize(
    "query, parameter",
    [
        ("limit=²", "limit"),
        ("limit=٣", "limit"),
        ("limit=12345678901234567890123", "limit"),
        ("after=²", "after"),
        ("after=12345678901234567890123", "after"),
    ],
)
def test_the_status_refuses_a_count_that_is_no_whole_number(world, client, query, parameter):
    answer = client.get(f"/v1/events/{world.event_id}/followups?{query}", headers=ADMIN)
    assert (answer.status_code, answer.mimetype) == (422, PROBLEM)
    assert list(answer.json["errors"]) == [parameter]


@pytest.mark.parametrize("campaign", ["nudge-²", "nudge-٣", "nudge-123456789012345678901234"])
def test_a_nudge_campaign_whose_days_are_no_number_is_refused(world, client, campaign):
    reader = world.attendee("Amal")
    for path in (
        f"/v1/events/{world.event_id}/followups",
        f"/v1/events/{world.event_id}/attendees/{reader}/followup/preview",
    ):
        answer = client.get(path, query_string={"campaign": campaign}, headers=ADMIN)
        assert (answer.status_code, answer.mimetype) == (400, PROBLEM), path
        assert answer.json["detail"] == 'campaign is "welcome", "followup" or "nudge-<days>"'
