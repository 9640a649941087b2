"""Meeting requests over HTTP, on PostgreSQL with the real model: "I'd like to meet", the answer,
the meeting point and short codes on accept, and every refusal as problem+json."""

from __future__ import annotations

import pytest

from shared import events as ev
from shared import identity
from shared.web import csrf_token
from tests.integration.match.test_suggestions import crowd

pytestmark = pytest.mark.postgres
MEETING_POINT = "The coffee bar by hall B"


@pytest.fixture
def meeting_point(apply, event_id):
    apply(
        ev.EventUpdated(
            event_id=event_id,
            name="Riyadh Tech Week",
            venue="",
            starts_at="2026-12-01T06:00:00Z",
            ends_at="2026-12-03T15:00:00Z",
            timezone="Asia/Riyadh",
            language="ar",
            meeting_point=MEETING_POINT,
        )
    )
    return MEETING_POINT


def ask(client, asker, to: str):
    return client.post("/v1/me/requests", headers=asker.auth(), json={"to": to})


def requests_of(client, who) -> dict:
    answer = client.get("/v1/me/requests", headers=who.auth())
    assert answer.status_code == 200, answer.get_json()
    return answer.get_json()


def test_a_request_reaches_the_other_person_and_accepting_shows_both_the_meeting_point(
    client, person, meeting_point
):
    layla = person("Layla", language="ar", looking_for="أبحث عن مستثمر في شركات تقنيات التعليم الناشئة")
    sam = person("Sam", can_help_with="I invest in early-stage edtech startups", headline="Edtech investor")
    crowd(person)
    assert (
        client.get("/v1/me/suggestions", headers=layla.auth()).get_json()["suggestions"][0]["name"] == "Sam"
    )

    sent = ask(client, layla, sam.id)
    assert sent.status_code == 201, sent.get_json()
    request = sent.get_json()
    assert (request["direction"], request["status"], request["person"]["name"]) == ("sent", "pending", "Sam")
    assert request["meeting"] is None
    again = ask(client, layla, sam.id)  # a second tap is the same request
    assert again.status_code == 200 and again.get_json()["id"] == request["id"]

    [received] = requests_of(client, sam)["received"]
    assert (received["id"], received["status"], received["person"]["name"]) == (
        request["id"],
        "pending",
        "Layla",
    )
    assert (
        "“I invest in early-stage edtech startups”" in received["reason"]
    )  # one line of context, in Sam's words
    names = [
        s["name"] for s in client.get("/v1/me/suggestions", headers=layla.auth()).get_json()["suggestions"]
    ]
    assert "Sam" not in names  # asked: in my requests now, not my suggestions

    accepted = client.post(f"/v1/me/requests/{request['id']}/accept", headers=sam.auth())
    assert accepted.status_code == 200, accepted.get_json()
    assert accepted.get_json()["meeting"]["meeting_point"] == MEETING_POINT
    assert accepted.get_json()["meeting"]["short_code"] == layla.short_code
    assert client.post(f"/v1/me/requests/{request['id']}/accept", headers=sam.auth()).status_code == 200
    [mine] = requests_of(client, layla)["sent"]
    assert mine["status"] == "accepted"
    assert mine["meeting"] == {
        **mine["meeting"],
        "meeting_point": MEETING_POINT,
        "short_code": sam.short_code,
    }
    declined = client.post(f"/v1/me/requests/{request['id']}/decline", headers=sam.auth())
    assert declined.status_code == 409 and declined.get_json()["code"] == "already_accepted"


def test_not_now_is_not_told_to_the_asker_and_can_still_be_accepted(client, person):
    omar, hana = person("Omar", looking_for="a mentor"), person("Hana", can_help_with="I mentor founders")
    request = ask(client, omar, hana.id).get_json()
    declined = client.post(f"/v1/me/requests/{request['id']}/decline", headers=hana.auth())
    assert declined.status_code == 200 and declined.get_json()["status"] == "declined"
    assert requests_of(client, omar)["sent"][0]["status"] == "pending"
    assert ask(client, omar, hana.id).get_json()["id"] == request["id"]  # asking again changes nothing
    assert requests_of(client, hana)["received"][0]["status"] == "declined"
    later = client.post(f"/v1/me/requests/{request['id']}/accept", headers=hana.auth()).get_json()
    assert later["status"] == "accepted" and later["meeting"]["short_code"] == omar.short_code


def test_two_people_asking_each_other_are_accepted_at_once(client, person, meeting_point):
    a, b = person("A", looking_for="x"), person("B", looking_for="y")
    first = ask(client, a, b.id).get_json()
    second = ask(client, b, a.id)
    assert second.status_code == 200 and second.get_json()["id"] == first["id"]
    assert second.get_json()["status"] == "accepted"
    assert second.get_json()["meeting"] == {
        **second.get_json()["meeting"],
        "short_code": a.short_code,
        "meeting_point": meeting_point,
    }
    assert requests_of(client, a)["sent"][0]["meeting"]["short_code"] == b.short_code
    assert requests_of(client, b)["sent"] == []


def test_only_the_person_asked_can_answer(client, person):
    a, b, c = person("A"), person("B"), person("C")
    request = ask(client, a, b.id).get_json()
    for who in (a, c):
        answer = client.post(f"/v1/me/requests/{request['id']}/accept", headers=who.auth())
        assert answer.status_code == 404 and answer.get_json()["code"] == "unknown_request"


@pytest.mark.parametrize(
    "to, status, code",
    [
        ("self", 422, "self_request"),
        ("shy", 403, "opted_out"),
        ("elsewhere", 404, "unknown_attendee"),
        ("nobody", 404, "unknown_attendee"),
        (7, 422, "invalid_input"),
        ("", 422, "invalid_input"),
        ("x" * 65, 422, "invalid_input"),
    ],
)
def test_refused_requests_are_problems(client, person, to, status, code):
    me = person("Asker")
    others = {
        "self": me.id,
        "shy": person("Shy", consent_suggest=False).id,
        "elsewhere": person("Elsewhere", event=identity.new_event_id()).id,
        "nobody": "aaaaaaaaaa",
    }
    answer = ask(client, me, others.get(to, to) if isinstance(to, str) else to)
    assert answer.status_code == status and answer.mimetype == "application/problem+json"
    assert answer.get_json()["code"] == code


@pytest.mark.parametrize(
    "call",
    [
        lambda c, h: c.post(
            "/v1/me/requests", headers=h, data="to=x", content_type="application/x-www-form-urlencoded"
        ),
        lambda c, h: c.post("/v1/me/requests/nonsense/accept", headers=h),
        lambda c, h: c.post("/v1/me/requests/" + "x" * 200 + "/decline", headers=h),
    ],
)
def test_bad_bodies_and_unknown_requests_are_problems(client, person, call):
    answer = call(client, person("Asker").auth())
    assert 400 <= answer.status_code < 500 and answer.mimetype == "application/problem+json"


def test_forged_and_other_event_tokens_are_refused(client, person, app):
    me, other = person("Me"), person("Other")
    forged = me.token[:-3] + ("AAA" if not me.token.endswith("AAA") else "BBB")
    from shared.identity import TokenClaims
    from shared.tokens import TokenSigner

    signer = TokenSigner.from_settings(app.extensions["match"].settings)
    wrong_event = identity.issue_token(
        signer, identity.PRIVATE, TokenClaims(identity.new_event_id(), me.id, 1)
    )
    for token, code in ((forged, "bad_token"), (wrong_event, "unknown_attendee")):
        answer = client.post(
            "/v1/me/requests", headers={"Authorization": f"Bearer {token}"}, json={"to": other.id}
        )
        assert answer.status_code == 401 and answer.get_json()["code"] == code


def test_the_identity_cookie_works_with_the_scan_pages_csrf_token(client, person, app):
    me, other = person("Me"), person("Other")
    client.set_cookie("rapport_me", me.token)
    assert client.get("/v1/me/requests").status_code == 200
    refused = client.post("/v1/me/requests", json={"to": other.id})
    assert refused.status_code == 403 and refused.get_json()["code"] == "csrf"
    token = csrf_token(app.extensions["match"].settings.secret_key, "scan/csrf", me.token)
    assert (
        client.post("/v1/me/requests", json={"to": other.id}, headers={"X-CSRF-Token": token}).status_code
        == 201
    )


def test_an_erasure_takes_the_requests_along(client, person, apply, event_id):
    me, gone = person("Me"), person("Gone")
    ask(client, me, gone.id)
    apply(ev.AttendeeErased(event_id=event_id, attendee_id=gone.id))
    assert requests_of(client, me) == {"received": [], "sent": []}
