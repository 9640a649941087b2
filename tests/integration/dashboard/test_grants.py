"""Event access by email (issue 14): granting tells nothing about who is an organizer, and the
event's owner or an admin can take access away, by the API and on the event's After page."""

from __future__ import annotations

import pytest

from tests.integration.dashboard.conftest import ADMIN, HTML, csrf_of, log_in, token_for

PROBLEM = "application/problem+json"


def same_shape(answer) -> tuple:
    body = dict(answer.json)
    body.pop("granted_at")
    body.pop("email")
    return answer.status_code, answer.mimetype, body


def test_granting_answers_alike_for_an_organizer_and_for_a_stranger(client, world, bob, as_alice):
    to_bob = client.post(
        f"/v1/events/{world.event_id}/organizers", json={"email": bob.email}, headers=as_alice
    )
    to_stranger = client.post(
        f"/v1/events/{world.event_id}/organizers", json={"email": "nobody@example.org"}, headers=as_alice
    )
    assert same_shape(to_bob) == same_shape(to_stranger) == (201, "application/json", {"role": "staff"})
    assert "Bob" not in to_bob.text and "admin" not in to_bob.text
    listed = client.get(f"/v1/events/{world.event_id}/organizers", headers=as_alice).json["organizers"]
    assert [(g["email"], g["role"]) for g in listed] == [
        ("alice@example.org", "owner"),
        (bob.email, "staff"),
        ("nobody@example.org", "staff"),
    ]


def test_a_grant_to_an_email_without_an_account_works_once_the_account_exists(app, client, world, as_alice):
    client.post(
        f"/v1/events/{world.event_id}/organizers", json={"email": "Sara@Example.org"}, headers=as_alice
    )
    made = client.post(
        "/v1/organizers",
        headers=ADMIN,
        json={"email": "sara@example.org", "name": "Sara", "password": "a long enough password"},
    )
    assert made.status_code == 201
    from services.dashboard.models import Organizer

    with app.extensions["dashboard"].sessions() as session:
        sara = session.get(Organizer, made.json["id"])
        session.expunge(sara)
    assert client.get(f"/v1/events/{world.event_id}/stats", headers=token_for(app, sara)).status_code == 200


@pytest.mark.parametrize("email", ["not an email", 42, None])
def test_a_grant_to_something_that_is_not_an_email_is_refused(client, world, as_alice, email):
    answer = client.post(f"/v1/events/{world.event_id}/organizers", json={"email": email}, headers=as_alice)
    assert (answer.status_code, answer.mimetype) == (422, PROBLEM) and set(answer.json["errors"]) == {"email"}


def test_the_owner_revokes_a_grant_and_that_organizer_no_longer_sees_the_event(
    app, client, world, bob, as_alice
):
    as_bob = token_for(app, bob)
    client.post(f"/v1/events/{world.event_id}/organizers", json={"email": bob.email}, headers=as_alice)
    assert client.get(f"/v1/events/{world.event_id}/stats", headers=as_bob).status_code == 200
    assert (
        client.delete(f"/v1/events/{world.event_id}/organizers/{bob.email}", headers=as_alice).status_code
        == 204
    )
    assert client.get(f"/v1/events/{world.event_id}/stats", headers=as_bob).status_code == 404
    again = client.delete(f"/v1/events/{world.event_id}/organizers/{bob.email}", headers=as_alice)
    assert (again.status_code, again.mimetype, again.json["code"]) == (404, PROBLEM, "unknown_grant")


def test_only_the_owner_or_an_admin_revokes_and_the_owner_only_by_an_admin(
    app, client, world, admin, bob, as_alice
):
    as_bob = token_for(app, bob)
    client.post(f"/v1/events/{world.event_id}/organizers", json={"email": bob.email}, headers=as_alice)
    refused = client.delete(f"/v1/events/{world.event_id}/organizers/alice@example.org", headers=as_bob)
    assert (refused.status_code, refused.mimetype, refused.json["code"]) == (403, PROBLEM, "forbidden")
    own = client.delete(f"/v1/events/{world.event_id}/organizers/alice@example.org", headers=as_alice)
    assert (own.status_code, own.json["code"]) == (403, "owner_grant")
    as_admin = token_for(app, admin)
    assert (
        client.delete(f"/v1/events/{world.event_id}/organizers/{bob.email}", headers=as_admin).status_code
        == 204
    )
    assert (
        client.delete(
            f"/v1/events/{world.event_id}/organizers/alice@example.org", headers=as_admin
        ).status_code
        == 204
    )
    assert client.get(f"/v1/events/{world.event_id}/stats", headers=as_alice).status_code == 404


@pytest.mark.parametrize(
    "method, path",
    [
        ("get", "/v1/events/{id}/organizers"),
        ("post", "/v1/events/{id}/organizers"),
        ("delete", "/v1/events/{id}/organizers/alice@example.org"),
    ],
)
def test_grants_of_an_unknown_and_of_someone_elses_event_answer_alike(app, client, world, bob, method, path):
    as_bob = token_for(app, bob)
    kwargs = {"json": {"email": bob.email}} if method == "post" else {}
    foreign = getattr(client, method)(path.format(id=world.event_id), headers=as_bob, **kwargs)
    unknown = getattr(client, method)(path.format(id="nosuchevent"), headers=as_bob, **kwargs)
    assert (
        (foreign.status_code, foreign.mimetype) == (unknown.status_code, unknown.mimetype) == (404, PROBLEM)
    )
    assert foreign.json["code"] == unknown.json["code"]
    assert client.get(f"/v1/events/{world.event_id}/stats", headers=as_bob).status_code == 404


def test_the_after_page_lists_grants_with_a_revoke_button(app, client, world, bob, alice):
    log_in(client, alice)
    page = client.get(f"/events/{world.event_id}/after", headers=HTML).text
    granted = client.post(
        f"/events/{world.event_id}/organizers",
        headers=HTML,
        data={"email": bob.email, "csrf_token": csrf_of(page)},
    )
    assert granted.status_code == 201 and bob.email in granted.text and "Bob" not in granted.text
    assert granted.text.count('name="email" value="') == 1  # Bob's, not the owner's own
    revoked = client.post(
        f"/events/{world.event_id}/organizers/revoke",
        headers=HTML,
        data={"email": bob.email, "csrf_token": csrf_of(page)},
    )
    assert revoked.status_code == 200 and "no longer sees this event" in revoked.text
    assert client.get(f"/v1/events/{world.event_id}/stats", headers=token_for(app, bob)).status_code == 404
