"""Inputs that once made the badge service answer 500 (issue 14), and single-line text fields
that refuse control characters and direction overrides: each a 4xx problem+json that names what
is wrong, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from tests.integration.badge.conftest import ADMIN, EVENT

PROBLEM = "application/problem+json"


def refused(response, status: int = 422):
    assert (response.status_code, response.mimetype) == (status, PROBLEM), response.get_data(as_text=True)[
        :300
    ]
    return response.json


@pytest.mark.parametrize(
    "field, value",
    [
        ("starts_at", "0001-01-01T00:00:00+14:00"),  # no UTC instant: it would be in year 0
        ("ends_at", "9999-12-31T23:00:00-14:00"),  # in UTC, year 10000
        ("starts_at", "0001-01-02T00:00:00+00:00"),  # a real instant, but no event's
    ],
)
def test_an_event_date_outside_any_event_is_refused(client, field, value):
    doc = refused(client.post("/v1/events", json={**EVENT, field: value}, headers=ADMIN))
    assert doc["errors"][field] == "must fall in the years 2000 to 2999"


def test_a_5000_character_time_zone_is_refused_not_looked_up(client):
    doc = refused(client.post("/v1/events", json={**EVENT, "timezone": "Asia/" + "x" * 5000}, headers=ADMIN))
    assert "is not an IANA time zone" in doc["errors"]["timezone"]
    assert len(doc["detail"]) < 200


def test_json_nested_990_deep_is_refused(client):
    deep = "[" * 990 + "]" * 990
    body = f'{{"name": {deep}, "starts_at": "2026-12-01T09:00:00+03:00"}}'
    doc = refused(client.post("/v1/events", data=body, content_type="application/json", headers=ADMIN), 400)
    assert doc["detail"] == "the JSON body nests deeper than 32 levels"


@pytest.mark.parametrize("field", ["name", "company", "headline"])
def test_a_lone_surrogate_in_a_name_is_refused_naming_the_field(client, event, field):
    body = f'{{"name": "Lina", "email": "lina@example.org", "{field}": "Lina \\ud800"}}'
    doc = refused(
        client.post(
            f"/v1/events/{event['id']}/attendees", data=body, content_type="application/json", headers=ADMIN
        )
    )
    assert "lone surrogate" in doc["errors"][field]


@pytest.mark.parametrize("field", ["name", "company", "title", "headline"])
@pytest.mark.parametrize("bad", ["\u202e", "\u2067", "\x1b", "\x00"])
def test_attendee_text_fields_refuse_control_characters_and_direction_overrides(client, event, field, bad):
    doc = {"name": "Lina Haddad", "email": "lina@example.org", field: f"Lina{bad}Haddad"}
    answer = refused(client.post(f"/v1/events/{event['id']}/attendees", json=doc, headers=ADMIN))
    assert f"U+{ord(bad):04X}" in answer["errors"][field]


@pytest.mark.parametrize("field", ["name", "venue"])
@pytest.mark.parametrize("bad", ["\u202d", "\u2066", "\n", "\x7f"])
def test_event_name_and_venue_refuse_control_characters_and_direction_overrides(client, event, field, bad):
    answer = refused(client.post("/v1/events", json={**EVENT, field: f"Design{bad}Week"}, headers=ADMIN))
    assert f"U+{ord(bad):04X}" in answer["errors"][field]
    answer = refused(
        client.patch(f"/v1/events/{event['id']}", json={field: f"Design{bad}Week"}, headers=ADMIN)
    )
    assert f"U+{ord(bad):04X}" in answer["errors"][field]


def test_a_csv_row_with_a_direction_override_is_rejected_with_its_reason_and_the_others_land(client, event):
    csv = "name,email,company\nLina Haddad,lina@example.org,Souk Labs\nOmar \u202eRAMO,omar@example.org,\n"
    answer = client.post(
        f"/v1/events/{event['id']}/attendees/import",
        data=csv.encode(),
        content_type="text/csv",
        headers=ADMIN,
    )
    assert answer.status_code == 200, answer.json
    assert answer.json["created"] == 1
    assert answer.json["rejected"] == [
        {
            "line": 3,
            "reason": "name: must not hold the direction control U+202E",
            "errors": {"name": "must not hold the direction control U+202E"},  # each field's, to translate
        }
    ]


def test_a_csv_field_over_131072_characters_is_refused_naming_its_line(client, event):
    csv = 'name,email\nLina Haddad,lina@example.org\n"' + "x" * 140_000 + '",omar@example.org\n'
    doc = refused(
        client.post(
            f"/v1/events/{event['id']}/attendees/import",
            data=csv.encode(),
            content_type="text/csv",
            headers=ADMIN,
        )
    )
    assert doc["errors"]["file"] == "cannot be read from line 3: field larger than field limit (131072)"


@pytest.fixture
def small_limit_client(settings, database_url):
    from dataclasses import replace

    from services.badge import create_app

    return create_app(replace(settings, badge_database_url=database_url, import_max_rows=3)).test_client()


def test_a_csv_over_the_row_limit_is_refused_before_any_row_is_imported(small_limit_client):
    client = small_limit_client
    event = client.post("/v1/events", json=EVENT, headers=ADMIN).json
    url = f"/v1/events/{event['id']}/attendees/import"

    def people(n: int) -> bytes:
        return ("name,email\n" + "".join(f"Person {i},p{i}@example.org\n" for i in range(n))).encode()

    doc = refused(client.post(url, data=people(4), content_type="text/csv", headers=ADMIN), 413)
    assert (doc["code"], doc["limit"]) == ("too_many_rows", 3)
    assert doc["detail"] == "the file has more than 3 rows: split it into smaller files"
    assert client.get(f"/v1/events/{event['id']}/attendees", headers=ADMIN).json["attendees"] == []
    assert client.post(url, data=people(3), content_type="text/csv", headers=ADMIN).json["created"] == 3


def test_the_row_limit_defaults_to_50000(settings):
    assert settings.import_max_rows == 50_000


def post_chunked(url: str, path: str, chunks, content_type: str = "text/csv") -> tuple[int, dict]:
    import http.client
    import json
    from urllib.parse import urlsplit

    conn = http.client.HTTPConnection(urlsplit(url).hostname, urlsplit(url).port, timeout=30)
    try:
        conn.request(
            "POST",
            path,
            body=chunks,
            encode_chunked=True,  # no Content-Length: Transfer-Encoding
            headers={"Content-Type": content_type, **ADMIN},
        )
        answer = conn.getresponse()
        return answer.status, json.loads(answer.read())
    finally:
        conn.close()


def test_a_chunked_body_over_the_limit_gets_413_like_any_other_and_a_small_one_is_read_whole(app, event):
    from tests.integration.dashboard.running import Served

    served = Served(app)
    try:
        path = f"/v1/events/{event['id']}/attendees/import"
        block = b"Person,p@example.org\n" * 3000  # 63 kB
        status, doc = post_chunked(served.url, path, iter([b"name,email\n", *[block] * 200]))  # 12.6 MB
        assert (status, doc["code"]) == (413, "request_entity_too_large")
        csv = [b"name,email\n", b"Lina Haddad,lina@example.org\n", b"Omar Khalil,omar@example.org\n"]
        status, doc = post_chunked(served.url, path, iter(csv))
        assert (status, doc["created"]) == (200, 2)
    finally:
        served.stop()
