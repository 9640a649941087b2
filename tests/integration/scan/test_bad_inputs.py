"""Scan inputs that once gave HTTP 500 (issue 14), now 422 problem+json naming the field."""

from __future__ import annotations

import pytest

PROBLEM = "application/problem+json"


@pytest.mark.parametrize(
    "scanned_at", ["0001-01-01T00:00:00+14:00", "0001-01-01T12:00:00+00:00", "1999-12-31T23:00:00Z"]
)
def test_a_scan_dated_before_any_event_is_refused(client, person, scanned_at):
    lina, omar = person("Lina"), person("Omar")
    answer = client.post(
        "/v1/scans",
        headers=lina.auth(),
        json={"scanned": omar.short_code, "client_scan_id": "p:1", "scanned_at": scanned_at},
    )
    assert (answer.status_code, answer.mimetype) == (422, PROBLEM)
    assert answer.json["errors"] == {"scanned_at": "is before 2000: check the phone's clock"}


def test_a_lone_surrogate_in_a_note_is_refused_and_nothing_is_saved(client, person):
    lina, omar = person("Lina"), person("Omar")
    body = f'{{"scanned": "{omar.short_code}", "client_scan_id": "p:2", "note": "coffee \\ud800 later"}}'
    answer = client.post("/v1/scans", headers={**lina.auth(), "Content-Type": "application/json"}, data=body)
    assert (answer.status_code, answer.mimetype) == (422, PROBLEM)
    assert "lone surrogate" in answer.json["errors"]["note"]
    assert client.get("/v1/me/scans", headers=lina.auth()).json["scans"] == []


def test_json_nested_990_deep_is_refused(client, person):
    lina = person("Lina")
    body = '{"scanned": "K7P2QX", "client_scan_id": "p:3", "tags": %s}' % ("[" * 990 + "]" * 990)
    answer = client.post("/v1/scans", headers={**lina.auth(), "Content-Type": "application/json"}, data=body)
    assert (answer.status_code, answer.mimetype) == (400, PROBLEM)
