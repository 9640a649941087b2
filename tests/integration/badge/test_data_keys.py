"""POST /v1/data-keys: Rapport's services fetch attendees' data keys; an erased one has none."""

from __future__ import annotations

import base64

import pytest

from shared.sealing import service_token
from tests.integration.badge.conftest import ADMIN


def ask(app, client, ids, token=None):
    token = token or service_token(app.config["RAPPORT_SETTINGS"].secret_key)
    return client.post(
        "/v1/data-keys", json={"attendee_ids": ids}, headers={"Authorization": f"Bearer {token}"}
    )


def test_the_keys_of_registered_attendees_and_none_once_erased(app, client, register):
    lina, omar = register(), register(name="Omar", email="omar@example.org")
    answer = ask(app, client, [lina["id"], omar["id"], "nobody"])
    assert answer.status_code == 200
    keys = answer.json["keys"]
    assert set(keys) == {lina["id"], omar["id"]} and len(base64.b64decode(keys[lina["id"]])) == 32
    assert ask(app, client, [lina["id"]]).json["keys"] == {
        lina["id"]: keys[lina["id"]]
    }  # the same key each time

    assert client.delete(f"/v1/attendees/{lina['id']}", headers=ADMIN).status_code == 204
    assert ask(app, client, [lina["id"], omar["id"]]).json["keys"] == {omar["id"]: keys[omar["id"]]}


@pytest.mark.parametrize(
    "headers, status, code",
    [
        ({}, 401, "missing_token"),
        (ADMIN, 401, "bad_token"),  # an organizer's token is not a service's
        ({"Authorization": "Bearer " + service_token("another install's secret key")}, 401, "bad_token"),
    ],
)
def test_only_rapports_services_get_keys(client, register, headers, status, code):
    lina = register()
    answer = client.post("/v1/data-keys", json={"attendee_ids": [lina["id"]]}, headers=headers)
    assert (answer.status_code, answer.json["code"]) == (status, code)
    assert answer.content_type == "application/problem+json"


@pytest.mark.parametrize(
    "body, code",
    [
        ({}, "invalid_attendee_ids"),
        ({"attendee_ids": "abc"}, "invalid_attendee_ids"),
        ({"attendee_ids": [1]}, "invalid_attendee_ids"),
        ({"attendee_ids": ["x" * 17]}, "invalid_attendee_ids"),
        ({"attendee_ids": ["a"] * 1001}, "too_many_ids"),
    ],
)
def test_a_malformed_request_is_refused(app, client, body, code):
    token = service_token(app.config["RAPPORT_SETTINGS"].secret_key)
    answer = client.post("/v1/data-keys", json=body, headers={"Authorization": f"Bearer {token}"})
    assert (answer.status_code, answer.json["code"]) == (422, code)
