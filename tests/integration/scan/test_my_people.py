"""GET /v1/me/people, PATCH /v1/me/people/{id} and the .vcf export on PostgreSQL."""

from __future__ import annotations

import json
import uuid

import sqlalchemy as sa
import vobject

from services.scan.pages import COOKIE, csrf_token
from shared.db import outbox

PROBLEM = "application/problem+json"


def scan(client, who, scanned: str, **fields):
    body = {"scanned": scanned, "client_scan_id": uuid.uuid4().hex, **fields}
    answer = client.post("/v1/scans", json=body, headers=who.auth())
    assert answer.status_code == 201, answer.json
    return answer.json


def people(client, who, **params) -> list[dict]:
    answer = client.get("/v1/me/people", headers=who.auth(), query_string=params)
    assert answer.status_code == 200, answer.json
    return answer.json["people"]


def edits(app) -> list[dict]:
    with app.extensions["scan"].sessions() as session:
        messages = [json.loads(v) for v in session.scalars(sa.select(outbox.c.value).order_by(outbox.c.id))]
    return [m for m in messages if m["type"] == "notes.edited"]


def test_my_people_lists_everyone_i_scanned_newest_first_with_my_notes_and_tags(client, person):
    lina, omar, sara = person("Lina"), person("Omar", company="Souk Labs"), person("Sara")
    scan(
        client,
        lina,
        omar.badge,
        note="design systems",
        tags=["coffee later"],
        scanned_at="2026-11-28T09:00:00Z",
    )
    scan(client, lina, sara.short_code, note="supply chains", scanned_at="2026-11-28T10:00:00Z")
    scan(
        client,
        lina,
        omar.short_code,
        note="his daughter's school",
        tags=["send a link"],
        scanned_at="2026-11-28T11:00:00Z",
    )
    listed = people(client, lina)
    assert [p["name"] for p in listed] == ["Omar", "Sara"]
    assert listed[0]["notes"] == ["design systems", "his daughter's school"]
    assert listed[0]["tags"] == ["coffee later", "send a link"]
    assert listed[0]["company"] == "Souk Labs" and listed[0]["headline"] == "Omar cares about coffee"
    assert listed[0]["met_at"] == "2026-11-28T09:00:00.000Z" and listed[0]["mutual"] is False


def test_a_meeting_both_scanned_is_marked_mutual(client, person):
    lina, omar = person("Lina"), person("Omar")
    scan(client, lina, omar.badge)
    scan(client, omar, lina.badge)
    [entry] = people(client, lina)
    assert entry["mutual"] is True and entry["saved_you"] is False


def test_they_saved_you_only_for_people_who_agree_to_share_and_their_email_only_then(client, person):
    lina, omar = person("Lina"), person("Omar", shares_contact=True)
    sara, nour = person("Sara"), person("Nour")
    scan(client, omar, lina.badge, note="Omar's own note about Lina")
    scan(client, sara, lina.badge)  # Sara does not share: she stays off Lina's list
    scan(client, lina, nour.badge)
    listed = {p["name"]: p for p in people(client, lina)}
    assert set(listed) == {"Omar", "Nour"}
    assert listed["Omar"]["saved_you"] is True and listed["Omar"]["email"] == f"{omar.id}@x.org"
    assert listed["Omar"]["notes"] == []  # Omar's note is his, never shown to Lina
    assert listed["Nour"]["email"] is None


def test_editing_my_notes_and_tags_replaces_them_and_queues_the_edit_for_the_bus(app, client, person):
    lina, omar = person("Lina"), person("Omar")
    first = scan(client, lina, omar.badge, note="design sytems", tags=["coffee later"])
    answer = client.patch(
        f"/v1/me/people/{omar.id}",
        headers=lina.auth(),
        json={"notes": ["design systems, and a coffee on Thursday"], "tags": ["قهوة، تصميم; Hiring"]},
    )
    assert answer.status_code == 200, answer.json
    assert answer.json["notes"] == ["design systems, and a coffee on Thursday"]
    assert answer.json["tags"] == ["قهوة", "تصميم", "Hiring"]
    assert people(client, lina)[0]["notes"] == ["design systems, and a coffee on Thursday"]
    [message] = edits(app)
    assert message["data"] == {
        "meeting_id": first["meeting_id"],
        "scanner": lina.id,
        "scanned": omar.id,
        "revision": 1,
        "edited_at": message["data"]["edited_at"],
        "notes": ["design systems, and a coffee on Thursday"],
        "tags": ["قهوة", "تصميم", "Hiring"],
        "replaces": [first["client_scan_id"]],
    }


def test_a_partial_edit_keeps_the_rest_and_a_later_scan_adds_its_note_after_the_edit(app, client, person):
    lina, omar = person("Lina"), person("Omar")
    scan(client, lina, omar.badge, note="design systems", tags=["coffee later"])
    assert client.patch(f"/v1/me/people/{omar.id}", headers=lina.auth(), json={"tags": []}).status_code == 200
    assert (
        client.patch(f"/v1/me/people/{omar.id}", headers=lina.auth(), json={"notes": []}).status_code == 200
    )
    scan(client, lina, omar.short_code, note="met again at lunch", tags=["hiring"])
    [entry] = people(client, lina)
    assert entry["notes"] == ["met again at lunch"] and entry["tags"] == ["hiring"]
    assert [m["data"]["revision"] for m in edits(app)] == [1, 2]
    assert edits(app)[1]["data"]["tags"] == [] and edits(app)[1]["data"]["notes"] == []


def test_search_finds_people_by_name_company_note_or_tag(client, person):
    lina = person("Lina")
    omar, sara = person("Omar", company="Souk Labs"), person("Sara Nasser")
    scan(client, lina, omar.badge, note="roasts coffee at home", tags=["intro someone"])
    scan(client, lina, sara.badge, note="ships spices")
    for query, expected in [
        ("souk", ["Omar"]),
        ("ROASTS", ["Omar"]),
        ("intro", ["Omar"]),
        ("nasser", ["Sara Nasser"]),
        ("spices sara", ["Sara Nasser"]),
        ("nobody", []),
    ]:
        assert [p["name"] for p in people(client, lina, q=query)] == expected, query


def test_someone_i_did_not_meet_or_of_another_event_is_refused(client, person):
    lina, omar, sara = person("Lina"), person("Omar"), person("Sara")
    scan(client, sara, lina.badge)  # Sara saved Lina but does not share: not on Lina's list either
    other = person("Elsewhere", event="zzzzzzzz")
    for who in (omar.id, sara.id, other.id, "nobody"):
        answer = client.patch(f"/v1/me/people/{who}", headers=lina.auth(), json={"notes": ["x"]})
        assert answer.status_code == 404 and answer.content_type == PROBLEM, who
        assert answer.json["code"] == "not_met"


def test_bad_edits_and_missing_identity_are_refused_with_problem_json(client, person):
    lina, omar = person("Lina"), person("Omar")
    scan(client, lina, omar.badge)
    for body, field in [
        ({}, "body"),
        ({"notes": "one"}, "notes"),
        ({"tags": [1]}, "tags"),
        ({"tags": ["x" * 41]}, "tags"),
        ({"notes": ["x"], "extra": 1}, "body"),
        ({"tags": [f"t{i}" for i in range(9)]}, "tags"),
    ]:
        answer = client.patch(f"/v1/me/people/{omar.id}", headers=lina.auth(), json=body)
        assert answer.status_code == 422 and answer.content_type == PROBLEM, body
        assert field in answer.json["errors"], body
    assert client.get("/v1/me/people").status_code == 401
    assert client.get("/v1/me/people", headers={"Authorization": "Bearer nonsense"}).status_code == 401
    answer = client.patch(
        f"/v1/me/people/{omar.id}", headers=lina.auth(), data="x", content_type="text/plain"
    )
    assert answer.status_code == 415 and answer.content_type == PROBLEM


def test_the_identity_cookie_works_and_a_change_with_it_needs_the_csrf_token(app, client, person):
    lina, omar = person("Lina"), person("Omar")
    scan(client, lina, omar.badge, note="design systems")
    client.set_cookie(COOKIE, lina.private)
    assert [p["name"] for p in client.get("/v1/me/people").json["people"]] == ["Omar"]
    refused = client.patch(f"/v1/me/people/{omar.id}", json={"notes": ["x"]})
    assert refused.status_code == 403 and refused.json["code"] == "csrf"
    with app.test_request_context():
        token = csrf_token(lina.private)
    answer = client.patch(f"/v1/me/people/{omar.id}", json={"notes": ["x"]}, headers={"X-CSRF-Token": token})
    assert answer.status_code == 200 and answer.json["notes"] == ["x"]


def test_the_export_is_one_vcf_with_an_email_only_where_the_person_agreed(client, person):
    lina = person("Lina")
    omar, sara = person("Omar Farouk", shares_contact=True, company="Souk Labs"), person("Sara Nasser")
    scan(client, lina, omar.badge, note="design systems", tags=["coffee later"])
    scan(client, lina, sara.badge)
    answer = client.get("/v1/me/people.vcf", headers=lina.auth())
    assert answer.status_code == 200 and answer.mimetype == "text/vcard"
    cards = {card.fn.value: card for card in vobject.readComponents(answer.get_data(as_text=True))}
    assert set(cards) == {"Omar Farouk", "Sara Nasser"}
    assert cards["Omar Farouk"].email.value == f"{omar.id}@x.org" and cards["Omar Farouk"].org.value == [
        "Souk Labs"
    ]
    assert "design systems" in cards["Omar Farouk"].note.value
    assert "email" not in cards["Sara Nasser"].contents
    # Filed under the family name, as the follow-up email's card files them.
    assert (cards["Omar Farouk"].n.value.family, cards["Omar Farouk"].n.value.given) == ("Farouk", "Omar")


def test_the_export_notes_where_we_met_in_the_readers_language(client, person):
    layla, omar = person("ليلى حداد", language="ar"), person("Omar Farouk")
    scan(client, layla, omar.badge, note="تصميم الأنظمة", scanned_at="2026-11-28T08:55:00Z")
    scan(client, omar, layla.badge, note="design systems", scanned_at="2026-11-28T09:00:00Z")
    mine = next(
        vobject.readComponents(client.get("/v1/me/people.vcf", headers=layla.auth()).get_data(as_text=True))
    )
    theirs = next(
        vobject.readComponents(client.get("/v1/me/people.vcf", headers=omar.auth()).get_data(as_text=True))
    )
    assert mine.note.value.startswith("التقيتما في") and "28 نوفمبر 2026" in mine.note.value
    assert "ملاحظاتك: تصميم الأنظمة" in mine.note.value
    assert theirs.note.value.startswith("Met at") and "Your notes: design systems" in theirs.note.value
    assert (theirs.n.value.family, theirs.n.value.given) == ("حداد", "ليلى")


def test_lookup_names_whom_a_qr_or_code_belongs_to_and_what_i_noted_before(client, person):
    lina, omar = person("Lina"), person("Omar", company="Souk Labs")
    answer = client.get(
        "/v1/me/lookup", headers=lina.auth(), query_string={"scanned": omar.short_code.lower()}
    )
    assert answer.status_code == 200, answer.json
    assert answer.json == {
        "person": {
            "id": omar.id,
            "name": "Omar",
            "headline": "Omar cares about coffee",
            "company": "Souk Labs",
            "title": "",
        },
        "met": None,
    }
    scan(client, lina, omar.badge, note="design systems", tags=["hiring"], scanned_at="2026-11-28T08:55:00Z")
    met = client.get(
        "/v1/me/lookup",
        headers=lina.auth(),
        query_string={"scanned": f"https://meet.example.org/c/{omar.badge}"},
    ).json["met"]
    assert met["notes"] == ["design systems"] and met["tags"] == ["hiring"]
    assert met["clock"] == "28/11 11:55"  # in the event's time zone (Asia/Riyadh), with the day: not today


def test_lookup_refuses_as_a_scan_would_with_problem_json(client, person):
    lina = person("Lina")
    elsewhere = person("Elsewhere", event="zzzzzzzz")
    for scanned, status, code in [
        (lina.short_code, 422, "self_scan"),
        ("ZZZZZZ", 404, "unknown_short_code"),
        ("hello there", 422, "unreadable"),
        (elsewhere.badge, 422, "other_event"),
        ("", 422, "invalid_input"),
    ]:
        answer = client.get("/v1/me/lookup", headers=lina.auth(), query_string={"scanned": scanned})
        assert (answer.status_code, answer.content_type, answer.json["code"]) == (status, PROBLEM, code), (
            scanned
        )
    assert client.get("/v1/me/lookup?scanned=ZZZZZZ").status_code == 401


def test_lookups_are_limited_per_attendee(app, client, person):
    lina, omar = person("Lina"), person("Omar")
    limit = 2 * app.extensions["scan"].settings.scan_rate_limit
    answers = [
        client.get("/v1/me/lookup", headers=lina.auth(), query_string={"scanned": omar.short_code})
        for _ in range(limit + 1)
    ]
    assert {a.status_code for a in answers[:limit]} == {200}
    assert answers[-1].status_code == 429 and answers[-1].json["code"] == "rate_limited"
    assert answers[-1].headers["Retry-After"] == "60"
    assert (
        client.get(
            "/v1/me/lookup", headers=omar.auth(), query_string={"scanned": lina.short_code}
        ).status_code
        == 200
    )


def test_an_erased_attendee_leaves_my_people_with_my_notes_about_them(app, client, person, apply):
    import sqlalchemy as sa

    from services.scan.models import PersonNotes
    from shared import events as ev

    lina, omar = person("Lina"), person("Omar")
    scan(client, lina, omar.badge, note="design systems")
    client.patch(f"/v1/me/people/{omar.id}", headers=lina.auth(), json={"notes": ["edited"]})
    apply(ev.AttendeeErased(event_id="", attendee_id=omar.id))
    assert people(client, lina) == []
    with app.extensions["scan"].sessions() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(PersonNotes)) == 0
