"""POST /v1/scans on PostgreSQL: idempotency, merge, mutual, and every refusal."""

from __future__ import annotations

import json
import uuid

import pytest
import sqlalchemy as sa

from services.scan.models import Meeting, Scan
from shared import events as ev
from shared.db import outbox

PROBLEM = "application/problem+json"


def scan(client, who, scanned: str, **fields):
    body = {"scanned": scanned, "client_scan_id": fields.pop("client_scan_id", uuid.uuid4().hex), **fields}
    return client.post("/v1/scans", json=body, headers=who.auth())


def queued(app) -> list[dict]:
    with app.extensions["scan"].sessions() as session:
        return [json.loads(v) for v in session.scalars(sa.select(outbox.c.value).order_by(outbox.c.id))]


def test_a_scan_records_a_meeting_and_queues_it_for_the_bus(app, client, person):
    lina, omar = person("Lina"), person("Omar")
    answer = scan(
        client,
        lina,
        f"https://meet.example.org/c/{omar.badge}",
        note="talked about سلاسل الإمداد",
        tags=["coffee later"],
        scanned_at="2026-11-28T10:15:00+03:00",
    )
    assert answer.status_code == 201, answer.json
    assert answer.json["duplicate"] is False and answer.json["mutual"] is False
    assert (
        answer.json["scanned"]["name"] == "Omar" and answer.json["scanned_at"] == "2026-11-28T07:15:00.000Z"
    )
    [message] = queued(app)
    assert message["type"] == "scan.recorded" and message["data"]["meeting_id"] == answer.json["meeting_id"]
    assert message["data"]["note"] == "talked about سلاسل الإمداد" and message["data"]["scanner"] == lina.id


def test_a_retry_with_the_same_client_scan_id_is_recognised_not_doubled(app, client, person):
    lina, omar = person("Lina"), person("Omar")
    first = scan(client, lina, omar.badge, client_scan_id="phone-1:42", note="first")
    again = scan(client, lina, omar.badge, client_scan_id="phone-1:42", note="first")
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json["duplicate"] is True and again.json["scan_id"] == first.json["scan_id"]
    assert len(queued(app)) == 1


def test_the_same_pair_scanned_again_merges_into_one_meeting_and_keeps_both_notes(app, client, person):
    lina, omar = person("Lina"), person("Omar")
    first = scan(client, lina, omar.badge, note="design systems")
    second = scan(client, lina, omar.short_code, note="and his daughter's school")
    assert first.json["meeting_id"] == second.json["meeting_id"]
    with app.extensions["scan"].sessions() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(Meeting)) == 1
        assert sorted(session.scalars(sa.select(Scan.note))) == [
            "and his daughter's school",
            "design systems",
        ]


def test_when_the_other_person_scans_back_the_meeting_is_mutual(app, client, person):
    lina, omar = person("Lina"), person("Omar")
    assert scan(client, lina, omar.badge).json["mutual"] is False
    back = scan(client, omar, lina.short_code.lower())
    assert back.json["mutual"] is True
    assert [m["data"]["mutual"] for m in queued(app)] == [False, True]
    assert len({m["data"]["meeting_id"] for m in queued(app)}) == 1


@pytest.mark.parametrize(
    "case, status, code",
    [
        ("self", 422, "self_scan"),
        ("other_event", 422, "other_event"),
        ("revoked", 410, "revoked"),
        ("forged", 422, "forged"),
        ("unknown_code", 404, "unknown_short_code"),
        ("gibberish", 422, "unreadable"),
        ("no_client_id", 422, "invalid_input"),
        ("future", 422, "invalid_input"),
    ],
)
def test_refusals_say_why_with_a_code(client, person, apply, event_id, case, status, code):
    from shared import identity

    lina, omar = person("Lina"), person("Omar")
    elsewhere = person("Sara", event=identity.new_event_id())
    forged = omar.badge[:-4] + ("AAAA" if omar.badge[-4:] != "AAAA" else "BBBB")
    bodies = {
        "self": {"scanned": lina.badge},
        "other_event": {"scanned": elsewhere.badge},
        "revoked": {"scanned": omar.badge},
        "forged": {"scanned": forged},
        "unknown_code": {"scanned": "ZZZ-ZZZ"},
        "gibberish": {"scanned": "hello!"},
        "no_client_id": {"scanned": omar.badge, "client_scan_id": None},
        "future": {"scanned": omar.badge, "scanned_at": "2099-01-01T00:00:00Z"},
    }
    if case == "revoked":  # Omar lost his badge and got a new one
        apply(ev.BadgeRevoked(event_id=event_id, attendee_id=omar.id, token_id=f"{omar.id}.1"))
    body = {"client_scan_id": uuid.uuid4().hex, **bodies[case]}
    body = {k: v for k, v in body.items() if v is not None}
    answer = client.post("/v1/scans", json=body, headers=lina.auth())
    assert answer.status_code == status and answer.mimetype == PROBLEM, answer.json
    assert answer.json["code"] == code and answer.json["detail"]


@pytest.mark.parametrize(
    "headers, code", [({}, "missing_token"), ({"Authorization": "Bearer nonsense"}, "bad_scanner_token")]
)
def test_a_missing_or_bad_scanner_token_is_a_401(client, person, headers, code):
    omar = person("Omar")
    answer = client.post("/v1/scans", json={"scanned": omar.badge, "client_scan_id": "x"}, headers=headers)
    assert answer.status_code == 401 and answer.json["code"] == code


def test_a_public_badge_token_is_not_a_scanner_token(client, person):
    lina, omar = person("Lina"), person("Omar")
    answer = client.post(
        "/v1/scans",
        json={"scanned": omar.badge, "client_scan_id": "x"},
        headers={"Authorization": f"Bearer {lina.badge}"},
    )
    assert answer.status_code == 401


def test_scans_count_during_the_grace_period_then_the_event_refuses_them(
    app, client, person, apply, event_id
):
    from datetime import timedelta

    from shared.envelope import iso, utc_now

    lina, omar, sara = person("Lina"), person("Omar"), person("Sara")
    apply(ev.EventClosed(event_id=event_id, closed_at=iso(utc_now() - timedelta(hours=1))))
    assert scan(client, lina, omar.badge).status_code == 201  # a phone syncing its offline queue
    apply(ev.EventClosed(event_id=event_id, closed_at=iso(utc_now() - timedelta(days=3))))
    late = scan(client, lina, sara.badge)
    assert late.status_code == 409 and late.json["code"] == "event_closed"


def test_too_many_scans_a_minute_get_429_with_retry_after(client, person):
    lina = person("Lina")
    others = [person(f"Guest {i}") for i in range(21)]
    statuses = [scan(client, lina, other.short_code).status_code for other in others[:20]]
    assert statuses == [201] * 20
    limited = scan(client, lina, others[20].short_code)
    assert limited.status_code == 429 and limited.json["code"] == "rate_limited"
    assert 1 <= int(limited.headers["Retry-After"]) <= 61


def test_an_erased_attendee_leaves_no_meetings_behind(app, client, person, apply, event_id):
    lina, omar = person("Lina"), person("Omar")
    scan(client, lina, omar.badge, note="about omar")
    apply(ev.AttendeeErased(event_id=event_id, attendee_id=omar.id))
    with app.extensions["scan"].sessions() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(Scan)) == 0
    assert scan(client, lina, omar.badge).status_code == 404


def test_the_scanner_sees_their_own_saved_meetings(client, person):
    lina, omar = person("Lina"), person("Omar")
    scan(client, lina, omar.badge, note="coffee at 4")
    mine = client.get("/v1/me/scans", headers=lina.auth()).json["scans"]
    assert [(s["scanned"]["name"], s["note"]) for s in mine] == [("Omar", "coffee at 4")]


def test_tags_typed_with_any_separator_are_split_trimmed_and_kept_once(app, client, person):
    lina, omar = person("Lina"), person("Omar")
    answer = scan(client, lina, omar.badge, tags=["قهوة، تصميم", "Coffee; coffee ؛ hiring"])
    assert answer.status_code == 201 and answer.json["tags"] == ["قهوة", "تصميم", "Coffee", "hiring"]
    assert queued(app)[0]["data"]["tags"] == ["قهوة", "تصميم", "Coffee", "hiring"]


def test_a_retried_saved_scan_gets_its_duplicate_answer_even_while_rate_limited(app, client, person):
    lina = person("Lina")
    others = [person(f"Guest {i}") for i in range(21)]
    first = scan(client, lina, others[0].short_code, client_scan_id="phone-1:0")
    assert [
        scan(client, lina, o.short_code, client_scan_id=f"phone-1:{i}").status_code
        for i, o in enumerate(others[1:20], start=1)
    ] == [201] * 19
    assert scan(client, lina, others[20].short_code, client_scan_id="phone-1:20").status_code == 429
    again = scan(client, lina, others[0].short_code, client_scan_id="phone-1:0")  # its answer was lost
    assert (again.status_code, again.json["duplicate"], again.json["scan_id"]) == (
        200,
        True,
        first.json["scan_id"],
    )
    assert len(queued(app)) == 20  # saved once, nothing new
