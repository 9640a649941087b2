"""Suggestions over HTTP with the real model on small real profiles, on PostgreSQL."""

from __future__ import annotations

import pytest

from shared import events as ev
from shared import identity

pytestmark = pytest.mark.postgres

# People who have nothing for the seeker below; some in Arabic, so the same-language pull is tested.
DISTRACTORS = [
    ("en", "I design UX for banking apps", "beta testers for a budgeting app"),
    ("ar", "أعمل على تجربة المستخدم لتطبيقات البنوك", "شريك تقني لمتجر إلكتروني"),
    ("ar", "أدرّب فرق المبيعات على التفاوض", "موزعين في الخليج"),
    ("en", "I run a specialty coffee roastery", "cafes that want single-origin beans"),
    ("ar", "أكتب محتوى تسويقياً باللغة العربية", "عملاء في قطاع العقارات"),
    ("en", "I teach Python to beginners", "a venue for weekend workshops"),
    ("ar", "أصمم هويات بصرية للمطاعم", "مطاعم جديدة في الرياض"),
]


def names(response) -> list[str]:
    assert response.status_code == 200, response.get_json()
    return [s["name"] for s in response.get_json()["suggestions"]]


def crowd(person):
    return [
        person(f"d{i}", language=lang, can_help_with=give, looking_for=seek)
        for i, (lang, give, seek) in enumerate(DISTRACTORS)
    ]


def test_an_arabic_looking_for_finds_the_english_can_help_with_that_answers_it(client, person):
    seeker = person("Layla", language="ar", looking_for="أبحث عن مستثمر في شركات تقنيات التعليم الناشئة")
    crowd(person)
    person("Sam", can_help_with="I invest in early-stage edtech startups")
    response = client.get("/v1/me/suggestions", headers=seeker.auth())
    assert names(response)[0] == "Sam"
    first = response.get_json()["suggestions"][0]
    assert first["rank"] == 1 and "«I invest in early-stage edtech startups»" in first["reason"]


def test_a_two_sided_fit_ranks_above_a_one_sided_one(client, person):
    me = person(
        "Omar", can_help_with="I build mobile apps in Flutter", looking_for="funding for my fintech startup"
    )
    crowd(person)
    person(
        "One", can_help_with="I invest in fintech startups", looking_for="a partner for a real-estate fund"
    )
    person("Two", can_help_with="I invest in fintech startups", looking_for="a developer for our mobile app")
    ranked = names(client.get("/v1/me/suggestions", headers=me.auth()))
    assert ranked[0] == "Two"  # and One below it, or not in the five at all
    assert "One" not in ranked or ranked.index("One") > 0


def test_leaves_out_who_i_met_my_company_who_i_dismissed_and_who_opted_out(client, person, apply, event_id):
    me = person("Lina", company="Acme Labs", looking_for="an investor in climate tech")
    giver = dict(can_help_with="I invest in climate tech companies")
    colleague = person("Colleague", company=" acme labs", **giver)
    person("Shy", consent_suggest=False, **giver)
    met, dismissed = person("Met", **giver), person("Dismissed", **giver)
    other_event = person("Elsewhere", event=identity.new_event_id(), **giver)
    person("Fresh", **giver)
    crowd(person)
    apply(
        ev.ScanRecorded(
            event_id=event_id,
            meeting_id="m1",
            scanner=met.id,
            scanned=me.id,
            scanned_at="2026-12-01T10:00:00Z",
            client_scan_id="p:1",
        )
    )
    assert client.post(f"/v1/me/suggestions/{dismissed.id}/dismiss", headers=me.auth()).status_code == 200
    assert client.post(f"/v1/me/suggestions/{dismissed.id}/dismiss", headers=me.auth()).status_code == 200
    ranked = names(client.get("/v1/me/suggestions", headers=me.auth()))
    assert ranked[0] == "Fresh"
    assert not {"Colleague", "Shy", "Met", "Dismissed", "Elsewhere", "Lina"} & set(ranked)
    assert len(ranked) == 5 and colleague and other_event


def test_a_profile_edit_re_ranks(client, person, apply, event_id):
    me = person("Hana", looking_for="a mentor in product management")
    crowd(person)
    changing = person("Changing", can_help_with="I roast coffee")
    assert names(client.get("/v1/me/suggestions", headers=me.auth()))[0] != "Changing"
    apply(
        ev.AttendeeUpdated(
            event_id=event_id,
            attendee_id=changing.id,
            name="Changing",
            email="c@x.org",
            language="en",
            short_code="ABCDEF",
            can_help_with="I mentor new product managers",
        )
    )
    assert names(client.get("/v1/me/suggestions", headers=me.auth()))[0] == "Changing"


def test_an_erasure_removes_the_person_everywhere(app, client, person, apply, event_id):
    me = person("Nour", looking_for="a data engineer")
    gone = person("Gone", can_help_with="I build data pipelines")
    crowd(person)
    client.post(f"/v1/me/suggestions/{gone.id}/dismiss", headers=me.auth())
    apply(ev.AttendeeErased(event_id=event_id, attendee_id=gone.id))
    assert "Gone" not in names(client.get("/v1/me/suggestions", headers=me.auth()))
    with app.extensions["match"].engine.connect() as conn:
        from sqlalchemy import text

        for table, column in (("profiles", "id"), ("dismissals", "dismissed_id"), ("met", "other_id")):
            assert (
                conn.execute(
                    text(f"SELECT count(*) FROM {table} WHERE {column} = :id"), {"id": gone.id}
                ).scalar()
                == 0
            )


@pytest.mark.parametrize(
    "headers, path, method, status, code",
    [
        ({}, "/v1/me/suggestions", "get", 401, "missing_token"),
        ({"Authorization": "Bearer nonsense"}, "/v1/me/suggestions", "get", 401, "bad_token"),
        (None, "/v1/me/suggestions?lang=fr", "get", 422, "invalid_input"),
        (None, "/v1/me/suggestions/nobody/dismiss", "post", 404, "unknown_attendee"),
        (None, "/v1/me/nothing", "get", 404, "not_found"),
    ],
)
def test_every_bad_input_is_a_problem(client, person, headers, path, method, status, code):
    me = person("Asker", looking_for="anything")
    response = getattr(client, method)(path, headers=me.auth() if headers is None else headers)
    assert response.status_code == status and response.mimetype == "application/problem+json"
    assert response.get_json()["code"] == code


def test_healthz_and_openapi(client):
    assert client.get("/healthz").get_json()["checks"] == {"database": "ok"}
    assert "/v1/me/suggestions" in client.get("/openapi.json").get_json()["paths"]
