"""The badge service over HTTP on PostgreSQL, publishing through its outbox."""

from __future__ import annotations

from collections import Counter
from datetime import UTC

import pytest

from tests.integration.badge.conftest import ADMIN, EVENT

PROBLEM = "application/problem+json"


def test_an_event_is_created_and_announced(client, event, published):
    assert event["status"] == "open" and event["timezone"] == "Asia/Riyadh"
    assert client.get(f"/v1/events/{event['id']}", headers=ADMIN).json["name"] == EVENT["name"]
    [message] = published()
    assert (message.type, message.event_id, message.data["name"]) == (
        "event.created",
        event["id"],
        EVENT["name"],
    )


def test_a_registered_attendee_gets_a_public_badge_and_a_private_token(client, event, register, published):
    lina = register(
        name="ليلى حداد",
        headline="أساعد المقاهي الصغيرة على البيع عبر الإنترنت",
        interests=["قهوة", "design"],
        consent={"followup": True, "share_contact": False},
    )
    assert lina["badge_url"].endswith("/c/" + lina["badge_token"])
    assert lina["scanner_token"] != lina["badge_token"] and lina["private_url"].endswith(
        lina["scanner_token"]
    )
    assert len(lina["short_code"]) == 6 and lina["language"] == "ar"  # the event's language by default
    assert lina["consent"] == {
        "followup": True,
        "share_contact": False,
        "suggest": True,
    }  # suggest: on by default
    types = Counter(m.type for m in published())
    assert types == {"event.created": 1, "attendee.registered": 1, "badge.issued": 1}
    verified = client.post(
        f"/v1/events/{event['id']}/badges/verify", json={"token": lina["badge_url"]}, headers=ADMIN
    )
    assert verified.status_code == 200 and verified.json["id"] == lina["id"]


def test_the_same_email_twice_in_one_event_is_a_conflict(client, event, register):
    first = register(email="omar@example.org")
    again = client.post(
        f"/v1/events/{event['id']}/attendees",
        json={"name": "Omar", "email": "OMAR@example.org"},
        headers=ADMIN,
    )
    assert again.status_code == 409 and again.mimetype == PROBLEM
    assert again.json["code"] == "duplicate_email" and again.json["attendee_id"] == first["id"]


@pytest.mark.parametrize(
    "body, status, code",
    [
        ({"email": "x@example.org"}, 422, "invalid_input"),
        ({"name": "X", "email": "nope"}, 422, "invalid_input"),
        ("not json at all", 415, "unsupported_media_type"),
    ],
)
def test_bad_attendee_input_says_what_to_fix(client, event, body, status, code):
    kwargs = {"json": body} if isinstance(body, dict) else {"data": body}
    response = client.post(f"/v1/events/{event['id']}/attendees", headers=ADMIN, **kwargs)
    assert response.status_code == status and response.mimetype == PROBLEM
    assert response.json["code"] == code and response.json["detail"]


def test_malformed_json_is_a_400(client, event):
    response = client.post(
        f"/v1/events/{event['id']}/attendees",
        data="{broken",
        headers={**ADMIN, "Content-Type": "application/json"},
    )
    assert response.status_code == 400 and response.mimetype == PROBLEM


@pytest.mark.parametrize(
    "headers, code",
    [
        ({}, "missing_token"),
        ({"Authorization": "Bearer guess"}, "bad_token"),
        ({"Authorization": "Basic dGVzdA=="}, "missing_token"),
    ],
)
def test_organizer_endpoints_need_the_organizer_token(client, headers, code):
    response = client.post("/v1/events", json=EVENT, headers=headers)
    assert response.status_code == 401 and response.json["code"] == code
    assert response.headers["WWW-Authenticate"] == "Bearer"


def test_unknown_and_wrong_event_ids_are_404s_with_a_code(client, event, register):
    lina = register()
    other = client.post("/v1/events", json={**EVENT, "name": "Other"}, headers=ADMIN).json
    assert client.get("/v1/events/nosuchid", headers=ADMIN).json["code"] == "unknown_event"
    assert client.get("/v1/attendees/nosuchid", headers=ADMIN).json["code"] == "unknown_attendee"
    wrong = client.get(f"/v1/events/{other['id']}/attendees/{lina['id']}", headers=ADMIN)
    assert wrong.status_code == 404 and wrong.json["code"] == "wrong_event"


def test_a_reissued_badge_refuses_the_old_token_and_short_code(client, event, register, published):
    lina = register()
    reissued = client.post(f"/v1/attendees/{lina['id']}/reissue", headers=ADMIN).json
    assert reissued["badge_token"] != lina["badge_token"] and reissued["short_code"] != lina["short_code"]
    verify = f"/v1/events/{event['id']}/badges/verify"
    old = client.post(verify, json={"token": lina["badge_token"]}, headers=ADMIN)
    assert old.status_code == 410 and old.json["code"] == "revoked"
    assert client.post(verify, json={"token": reissued["badge_token"]}, headers=ADMIN).status_code == 200
    revoked = [m for m in published() if m.type == "badge.revoked"]
    assert [m.data["token_id"] for m in revoked] == [f"{lina['id']}.1"]


def test_forged_tampered_and_other_event_badges_are_refused(client, event, register):
    lina = register()
    other = client.post("/v1/events", json={**EVENT, "name": "Other"}, headers=ADMIN).json
    verify = f"/v1/events/{event['id']}/badges/verify"
    token = lina["badge_token"]
    tampered = token[:20] + ("A" if token[20] != "A" else "B") + token[21:]
    for candidate, code in [
        (tampered, {"bad_signature", "malformed"}),
        ("ABCDEFGH" * 6, {"bad_signature", "malformed", "unknown_version"}),
    ]:
        refused = client.post(verify, json={"token": candidate}, headers=ADMIN)
        assert refused.status_code == 422 and refused.json["code"] in code
    elsewhere = client.post(f"/v1/events/{other['id']}/badges/verify", json={"token": token}, headers=ADMIN)
    assert elsewhere.json["code"] == "other_event"


def test_closing_an_event_announces_it_and_stops_registration(client, event, published):
    closed = client.post(f"/v1/events/{event['id']}/close", headers=ADMIN)
    assert closed.json["status"] == "closed"
    assert client.post(f"/v1/events/{event['id']}/close", headers=ADMIN).status_code == 200  # idempotent
    late = client.post(
        f"/v1/events/{event['id']}/attendees", json={"name": "Late", "email": "l@example.org"}, headers=ADMIN
    )
    assert late.status_code == 409 and late.json["code"] == "event_closed"
    assert Counter(m.type for m in published())["event.closed"] == 1


def test_events_close_by_themselves_when_their_end_passes(app, client, event, published):
    from datetime import datetime

    from services.badge import handlers

    with app.extensions["badge"].sessions() as session:
        before_end = datetime(2026, 12, 3, 14, 0, tzinfo=UTC)
        assert handlers.close_ended_events(session, before_end) == []
        assert handlers.close_ended_events(session, datetime(2026, 12, 3, 16, 0, tzinfo=UTC)) == [event["id"]]
        session.commit()
    assert client.get(f"/v1/events/{event['id']}", headers=ADMIN).json["status"] == "closed"


def test_an_erased_attendee_is_gone_and_everyone_is_told(client, register, published):
    lina = register()
    assert client.delete(f"/v1/attendees/{lina['id']}", headers=ADMIN).status_code == 204
    assert client.get(f"/v1/attendees/{lina['id']}", headers=ADMIN).status_code == 404
    assert [m.data["attendee_id"] for m in published() if m.type == "attendee.erased"] == [lina["id"]]


def test_an_event_update_is_validated_and_announced(client, event, published):
    bad = client.patch(f"/v1/events/{event['id']}", json={"ends_at": "2026-11-30T00:00:00Z"}, headers=ADMIN)
    assert bad.status_code == 422 and "ends_at" in bad.json["errors"]
    good = client.patch(f"/v1/events/{event['id']}", json={"venue": "Diriyah"}, headers=ADMIN)
    assert good.json["venue"] == "Diriyah" and good.json["name"] == EVENT["name"]
    assert [m.data["venue"] for m in published() if m.type == "event.updated"] == ["Diriyah"]


def test_what_an_attendee_gives_and_seeks_is_saved_and_announced(client, register, published):
    sara = register(
        looking_for="مستثمر في مرحلة التأسيس لتطبيق تعليمي",
        can_help_with="pricing a first SaaS product",
        consent={"suggest": False},
    )
    assert (sara["looking_for"], sara["can_help_with"]) == (
        "مستثمر في مرحلة التأسيس لتطبيق تعليمي",
        "pricing a first SaaS product",
    )
    assert sara["consent"]["suggest"] is False
    [registered] = [m for m in published() if m.type == "attendee.registered"]
    assert (
        registered.data["looking_for"] == sara["looking_for"] and registered.data["consent_suggest"] is False
    )
    client.patch(f"/v1/attendees/{sara['id']}", json={"consent": {"suggest": True}}, headers=ADMIN)
    [updated] = [m for m in published() if m.type == "attendee.updated"]
    assert updated.data["consent_suggest"] is True and updated.data["can_help_with"] == sara["can_help_with"]


def test_give_and_seek_longer_than_200_characters_are_refused_with_the_field_named(client, event):
    response = client.post(
        f"/v1/events/{event['id']}/attendees",
        headers=ADMIN,
        json={"name": "Omar", "email": "omar@example.org", "looking_for": "x" * 201, "can_help_with": 5},
    )
    assert response.status_code == 422 and response.mimetype == PROBLEM
    assert set(response.json["errors"]) == {"looking_for", "can_help_with"}


def test_badges_whose_qr_no_phone_can_open_are_not_printed_unless_forced(app, client, event, register):
    register()
    assert app.extensions["badge"].settings.public_url == "http://localhost:8002"  # the local run's default
    refused = client.get(f"/v1/events/{event['id']}/badges.pdf", headers=ADMIN)
    assert refused.status_code == 409 and refused.mimetype == PROBLEM
    assert refused.json["code"] == "public_url_unreachable" and "RAPPORT_PUBLIC_URL" in refused.json["detail"]
    assert "--lan" in refused.json["detail"] and "force=1" in refused.json["detail"]
    printed = client.get(f"/v1/events/{event['id']}/badges.pdf?force=1", headers=ADMIN)
    assert printed.status_code == 200 and printed.mimetype == "application/pdf"


def test_badges_for_a_public_url_phones_reach_print_at_once(settings, database_url):
    from dataclasses import replace

    from services.badge import create_app

    client = create_app(
        replace(settings, badge_database_url=database_url, public_url="https://meet.example.org")
    ).test_client()
    event = client.post("/v1/events", json=EVENT, headers=ADMIN).json
    client.post(
        f"/v1/events/{event['id']}/attendees", json={"name": "Lina", "email": "l@example.org"}, headers=ADMIN
    )
    assert client.get(f"/v1/events/{event['id']}/badges.pdf", headers=ADMIN).status_code == 200
