"""Inputs that once made the dashboard answer 500 (issue 14): each now a 4xx problem (or, where a
browser is sent somewhere, a redirect to a safe page)."""

from __future__ import annotations

import pytest

from tests.integration.dashboard.conftest import ADMIN, HTML, csrf_of, grant, log_in, token_for

PROBLEM = "application/problem+json"
NOT_NUMBERS = [
    "²",
    "٣",
    "1²",
    "-1",
    "1.5",
    " 1",
    "",
    "12345678901234567890123",
]  # Unicode digits pass isdigit()


@pytest.mark.parametrize("since", NOT_NUMBERS)
def test_the_live_feed_refuses_a_since_that_is_no_version_number(client, world, as_alice, since):
    answer = client.get(f"/v1/events/{world.event_id}/live", query_string={"since": since}, headers=as_alice)
    assert (answer.status_code, answer.mimetype) == (422, PROBLEM)
    assert answer.json["errors"] == {"since": "a whole number from 0 to 4611686018427387904"}


def test_the_live_feed_still_takes_a_version_number(client, world, as_alice):
    assert client.get(f"/v1/events/{world.event_id}/live?since=0", headers=as_alice).status_code == 200


@pytest.mark.parametrize("number", ["²", "0", "12345678901234567890123"])
def test_the_attendee_list_refuses_a_page_that_is_no_page_number(client, world, alice, number):
    log_in(client, alice)
    answer = client.get(f"/events/{world.event_id}/attendees", query_string={"page": number})
    assert (answer.status_code, answer.mimetype) == (422, PROBLEM)
    assert "page" in answer.json["errors"]
    assert client.get(f"/events/{world.event_id}/attendees?page=2", headers=HTML).status_code == 200


@pytest.mark.parametrize("next_", ["/events\n", "/events\r\nSet-Cookie: stolen=1", "/tokens\n/x"])
def test_a_line_break_in_the_login_next_sends_the_browser_to_the_events(client, alice, next_):
    token = csrf_of(client.get("/login", headers=HTML).text)
    answer = client.post(
        "/login",
        query_string={"next": next_},
        headers=HTML,
        data={"email": alice.email, "password": alice.password, "csrf_token": token},
    )
    assert (answer.status_code, answer.headers["Location"]) == (303, "/events")


def test_a_line_break_in_the_language_back_sends_the_browser_to_the_events(client, world, alice):
    log_in(client, alice)
    page = client.get(f"/events/{world.event_id}", headers=HTML).text
    answer = client.post(
        "/language",
        headers=HTML,
        data={"language": "ar", "back": f"/events/{world.event_id}\n", "csrf_token": csrf_of(page)},
    )
    assert (answer.status_code, answer.headers["Location"]) == (303, "/events")


def test_an_export_of_an_event_id_with_a_line_break_names_its_file_safely(app, client, alice):
    grant(app, alice, "ev\nSet-Cookie")  # granted by id before the event's news arrived
    answer = client.get("/v1/events/ev%0ASet-Cookie/exports/attendees.csv", headers=token_for(app, alice))
    assert answer.status_code == 200
    assert answer.headers["Content-Disposition"] == (
        "attachment; filename=\"ev_Set-Cookie-attendees.csv\"; filename*=UTF-8''ev%0ASet-Cookie-attendees.csv"
    )
    assert "Set-Cookie" not in answer.headers


@pytest.mark.parametrize("name", ["Noura\u202e", "Noura\x1b[2J", "\u2066Noura"])
def test_an_organizer_name_refuses_control_characters_and_direction_overrides(client, name):
    answer = client.post(
        "/v1/organizers",
        headers=ADMIN,
        json={"email": "noura@example.org", "name": name, "password": "a long enough passphrase"},
    )
    assert (answer.status_code, answer.mimetype) == (422, PROBLEM)
    assert "must not hold" in answer.json["errors"]["name"]


def test_a_lone_surrogate_in_an_organizer_name_is_refused(client):
    body = '{"email": "noura@example.org", "name": "Noura \\ud800", "password": "a long enough passphrase"}'
    answer = client.post("/v1/organizers", headers={**ADMIN, "Content-Type": "application/json"}, data=body)
    assert (answer.status_code, answer.mimetype) == (422, PROBLEM)
    assert "lone surrogate" in answer.json["errors"]["name"]


@pytest.mark.parametrize("how", ["api", "page"])
def test_a_nul_character_in_a_granted_email_is_refused_not_a_500(client, world, alice, as_alice, how):
    """Found by the fuzz run: PostgreSQL cannot hold NUL in text, and the lookup of the email failed."""
    if how == "api":
        answer = client.post(
            f"/v1/events/{world.event_id}/organizers", headers=as_alice, json={"email": "bob\x00@example.org"}
        )
    else:
        answer = client.post(
            f"/events/{world.event_id}/organizers", headers=as_alice, data={"email": "bob\x00@example.org"}
        )
    assert (answer.status_code, answer.mimetype) == (422, PROBLEM)
    assert "email" in answer.json["detail"] and "U+0000" in answer.json["detail"]
