"""The organizers' side of the match service, on PostgreSQL with the real model: each lonely
attendee's best match to introduce, and how many suggested pairs met after the suggestion."""

from __future__ import annotations

from datetime import timedelta

import pytest

from shared import events as ev
from shared.envelope import iso, utc_now
from tests.integration.match.test_suggestions import crowd

pytestmark = pytest.mark.postgres
ADMIN = {"Authorization": "Bearer test-admin-token"}


def scan(event_id: str, a, b, when) -> ev.ScanRecorded:
    return ev.ScanRecorded(
        event_id=event_id,
        meeting_id=f"m-{a.id}-{b.id}",
        scanner=a.id,
        scanned=b.id,
        scanned_at=iso(when),
        client_scan_id=f"{a.id}:{b.id}",
    )


def test_best_matches_name_each_ones_best_person_with_the_reason(client, person, event_id):
    layla = person("Layla", language="ar", looking_for="أبحث عن مستثمر في شركات تقنيات التعليم الناشئة")
    crowd(person)
    sam = person("Sam", can_help_with="I invest in early-stage edtech startups")
    elsewhere = person("Elsewhere", event="aaaaaaaa")
    answer = client.get(
        f"/v1/events/{event_id}/best-matches?attendee={layla.id}&attendee={elsewhere.id}"
        "&attendee=unknown&lang=en",
        headers=ADMIN,
    )
    assert answer.status_code == 200, answer.get_json()
    first, other_event, unknown = answer.get_json()["best_matches"]
    assert first["attendee_id"] == layla.id and first["best_match"]["attendee_id"] == sam.id
    assert "«" not in first["best_match"]["reason"]  # ?lang=en
    assert "I invest in early-stage edtech" in first["best_match"]["reason"]
    assert other_event["best_match"] is None and unknown["best_match"] is None and unknown["matches"] == []
    few = client.get(
        f"/v1/events/{event_id}/best-matches?attendee={layla.id}&top=3", headers=ADMIN
    ).get_json()
    [mine] = few["best_matches"]
    assert len(mine["matches"]) == 3 and mine["matches"][0] == mine["best_match"]
    assert (
        "«I invest in early-stage edtech startups»" in mine["best_match"]["reason"]
    )  # in Layla's own Arabic
    assert mine["best_match"]["reason_kind"] == "they_help"


def test_conversion_counts_pairs_that_met_after_the_suggestion_was_shown(client, person, apply, event_id):
    me = person("Nadia", looking_for="a designer for my app")
    crowd(person)
    shown = [
        s["attendee_id"]
        for s in client.get("/v1/me/suggestions", headers=me.auth()).get_json()["suggestions"]
    ]
    figures = client.get(f"/v1/events/{event_id}/conversion", headers=ADMIN).get_json()
    assert (figures["suggested_pairs"], figures["met_after_suggestion"]) == (5, 0)
    client.get("/v1/me/suggestions", headers=me.auth())  # shown again: still the same five pairs
    met_after, met_before = (type("P", (), {"id": i}) for i in shown[:2])
    apply(
        scan(event_id, met_after, me, utc_now() + timedelta(minutes=5)),
        scan(event_id, me, met_before, utc_now() - timedelta(days=1)),
    )  # a scan from before it was shown
    figures = client.get(f"/v1/events/{event_id}/conversion", headers=ADMIN).get_json()
    assert (figures["suggested_pairs"], figures["met_after_suggestion"], figures["share"]) == (5, 1, 0.2)


@pytest.mark.parametrize(
    "path, headers, status, code",
    [
        ("/v1/events/e/conversion", {}, 401, "missing_token"),
        ("/v1/events/e/conversion", {"Authorization": "Bearer not-the-admin"}, 401, "bad_token"),
        ("/v1/events/e/best-matches", ADMIN, 422, "invalid_input"),
        ("/v1/events/e/best-matches?" + "&".join(["attendee=a"] * 101), ADMIN, 422, "invalid_input"),
        ("/v1/events/e/best-matches?attendee=a&lang=fr", ADMIN, 422, "invalid_input"),
        ("/v1/events/e/best-matches?attendee=a&top=6", ADMIN, 422, "invalid_input"),
        ("/v1/events/e/best-matches?attendee=a&top=x", ADMIN, 422, "invalid_input"),
    ],
)
def test_organizer_endpoints_refuse_as_problems(client, path, headers, status, code):
    answer = client.get(path, headers=headers)
    assert answer.status_code == status and answer.mimetype == "application/problem+json"
    assert answer.get_json()["code"] == code
