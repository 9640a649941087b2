"""Who may do what: organizer accounts, logins, API tokens, per-event access and CSRF."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from services.dashboard.models import ApiToken, LoginSession, Organizer
from tests.integration.dashboard.conftest import ADMIN, HTML, csrf_of, log_in, token_for

EVENT_PATHS = [
    "/v1/events/{id}/stats",
    "/v1/events/{id}/live?since=0",
    "/v1/events/{id}/graph",
    "/v1/events/{id}/exports/attendees.csv",
    "/v1/events/{id}/exports/meetings.csv",
]
EVENT_PAGES = ["/events/{id}", "/events/{id}/attendees", "/events/{id}/after", "/events/{id}/badges.pdf"]


def rows(app, model):
    with app.extensions["dashboard"].sessions() as session:
        return session.scalars(sa.select(model)).all()


# Organizer accounts -----------------------------------------------------------------------------


def test_the_bootstrap_admin_token_makes_the_first_organizer_an_admin(client, app):
    body = {"email": "Lina@Example.org", "name": "Lina", "password": "correct horse battery"}
    assert client.post("/v1/organizers", json=body).status_code == 401
    refused = client.post(
        "/v1/organizers", json=body, headers={"Authorization": "Bearer not-the-admin-token"}
    )
    assert refused.status_code == 401 and refused.json["code"] == "bad_token"
    first = client.post("/v1/organizers", json=body, headers=ADMIN)
    assert (
        first.status_code == 201 and first.json["admin"] is True and first.json["email"] == "lina@example.org"
    )
    second = client.post(
        "/v1/organizers", headers=ADMIN, json={**body, "email": "omar@example.org", "name": "Omar"}
    )
    assert second.json["admin"] is False
    again = client.post("/v1/organizers", json={**body, "email": "LINA@example.org"}, headers=ADMIN)
    assert again.status_code == 409 and again.json["code"] == "organizer_exists"
    [lina, _] = sorted(rows(app, Organizer), key=lambda o: o.email)
    assert lina.password_hash.startswith("$argon2id$") and "correct horse" not in lina.password_hash


@pytest.mark.parametrize(
    "body, field",
    [
        ({"email": "not an email", "name": "X", "password": "long enough password"}, "email"),
        ({"email": "x@example.org", "name": "", "password": "long enough password"}, "name"),
        ({"email": "x@example.org", "name": "X", "password": "short"}, "password"),
        (
            {"email": "x@example.org", "name": "X", "password": "long enough password", "language": "fr"},
            "language",
        ),
    ],
)
def test_an_organizer_with_a_bad_field_is_refused_with_what_to_fix(client, body, field):
    answer = client.post("/v1/organizers", json=body, headers=ADMIN)
    assert answer.status_code == 422 and answer.mimetype == "application/problem+json"
    assert set(answer.json["errors"]) == {field}


def test_only_an_admin_organizer_adds_organizers(app, client, admin, alice):
    body = {"email": "sara@example.org", "name": "Sara", "password": "another long password"}
    refused = client.post("/v1/organizers", json=body, headers=token_for(app, alice))
    assert refused.status_code == 403 and refused.json["code"] == "not_admin"
    assert client.post("/v1/organizers", json=body, headers=token_for(app, admin)).status_code == 201


# Logging in and out -----------------------------------------------------------------------------


def test_logging_in_sets_an_httponly_samesite_session_cookie(client, app, alice):
    answer = log_in(client, alice)
    assert answer.status_code == 303 and answer.headers["Location"] == "/events"
    cookie = next(c for c in answer.headers.getlist("Set-Cookie") if c.startswith("rapport_dash="))
    for part in ("HttpOnly", "SameSite=Lax", "Path=/"):
        assert part in cookie
    secret = cookie.split(";")[0].split("=", 1)[1]
    assert [s.id for s in rows(app, LoginSession)] != [secret]  # only its hash is kept
    assert client.get("/events", headers=HTML).status_code == 200


def test_a_wrong_password_is_refused_and_logs_nobody_in(client, alice):
    token = csrf_of(client.get("/login", headers=HTML).text)
    for email, password in ((alice.email, "not her password"), ("nobody@example.org", alice.password)):
        answer = client.post(
            "/login", data={"email": email, "password": password, "csrf_token": token}, headers=HTML
        )
        assert answer.status_code == 401 and "do not match" in answer.text
        assert not any(c.startswith("rapport_dash=") for c in answer.headers.getlist("Set-Cookie"))


def test_logging_out_ends_the_session_even_for_a_copied_cookie(client, app, alice):
    log_in(client, alice)
    copied = client.get_cookie("rapport_dash").value
    page = client.get("/events", headers=HTML).text
    assert client.post("/logout", data={"csrf_token": csrf_of(page)}, headers=HTML).status_code == 303
    assert rows(app, LoginSession) == []
    client.set_cookie("rapport_dash", copied)
    assert client.get("/events", headers=HTML).status_code == 303  # back to the login page


def test_a_logged_out_browser_is_sent_to_log_in_and_comes_back(client, world, alice):
    answer = client.get(f"/events/{world.event_id}/attendees", headers=HTML)
    assert answer.status_code == 303
    assert answer.headers["Location"] == f"/login?next=/events/{world.event_id}/attendees"
    token = csrf_of(client.get("/login", headers=HTML).text)
    back = client.post(
        answer.headers["Location"],
        headers=HTML,
        data={"email": alice.email, "password": alice.password, "csrf_token": token},
    )
    assert back.headers["Location"] == f"/events/{world.event_id}/attendees"


@pytest.mark.parametrize(
    "next_", ["https://evil.example/events", "//evil.example/events", "/static/x", "/events/../x"]
)
def test_after_login_the_browser_goes_only_to_dashboard_pages(client, alice, next_):
    token = csrf_of(client.get("/login", headers=HTML).text)
    answer = client.post(
        "/login",
        query_string={"next": next_},
        headers=HTML,
        data={"email": alice.email, "password": alice.password, "csrf_token": token},
    )
    assert answer.headers["Location"] == "/events"


@pytest.mark.parametrize("path", EVENT_PATHS)
def test_a_logged_out_client_is_refused_with_a_problem(client, world, path):
    answer = client.get(path.format(id=world.event_id))
    assert answer.status_code == 401 and answer.mimetype == "application/problem+json"
    assert answer.json["code"] == "not_logged_in" and answer.headers["WWW-Authenticate"] == "Bearer"


# Per-event access -------------------------------------------------------------------------------


@pytest.mark.parametrize("path", EVENT_PATHS)
def test_another_organizers_event_is_refused_exactly_as_an_unknown_one(app, client, world, bob, path):
    as_bob = token_for(app, bob)
    answer = client.get(path.format(id=world.event_id), headers=as_bob)
    unknown = client.get(path.format(id="nosuchevent0"), headers=as_bob)
    assert (answer.status_code, answer.json["code"]) == (404, "unknown_event")
    assert (unknown.status_code, unknown.json["code"]) == (404, "unknown_event")
    assert answer.json["detail"].replace(world.event_id, "?") == unknown.json["detail"].replace(
        "nosuchevent0", "?"
    )
    assert "Riyadh" not in answer.text


@pytest.mark.parametrize("path", EVENT_PAGES)
def test_another_organizers_event_page_is_refused(client, world, bob, path):
    log_in(client, bob)
    page = client.get(path.format(id=world.event_id), headers=HTML)
    assert page.status_code == 404 and page.mimetype == "text/html"
    assert "you can see" in page.text and "Riyadh" not in page.text
    assert world.event_id not in client.get("/events", headers=HTML).text


def test_an_unknown_event_is_not_found_and_the_admin_sees_every_event(app, client, world, admin, as_alice):
    assert client.get("/v1/events/nosuchev/stats", headers=as_alice).status_code == 404
    assert client.get("/v1/events/nosuchev/stats", headers=token_for(app, admin)).status_code == 404
    assert client.get(f"/v1/events/{world.event_id}/stats", headers=token_for(app, admin)).status_code == 200


def test_an_organizer_gives_another_access_to_their_event(app, client, world, bob, as_alice):
    as_bob = token_for(app, bob)
    assert client.get(f"/v1/events/{world.event_id}/stats", headers=as_bob).status_code == 404
    refused = client.post(
        f"/v1/events/{world.event_id}/organizers", json={"email": "alice@example.org"}, headers=as_bob
    )
    assert refused.status_code == 404  # Bob cannot let himself in through Alice
    granted = client.post(
        f"/v1/events/{world.event_id}/organizers", json={"email": bob.email}, headers=as_alice
    )
    assert granted.status_code == 201 and granted.json == {
        "email": bob.email,
        "role": "staff",
        "granted_at": granted.json["granted_at"],
    }
    assert client.get(f"/v1/events/{world.event_id}/stats", headers=as_bob).status_code == 200
    assert [e["id"] for e in client.get("/v1/events", headers=as_bob).json["events"]] == [world.event_id]


# API tokens -------------------------------------------------------------------------------------


def test_an_api_token_is_shown_once_kept_hashed_and_revocable(app, client, alice):
    log_in(client, alice)
    page = client.get("/tokens", headers=HTML).text
    made = client.post(
        "/tokens", data={"name": "stats to the big screen", "csrf_token": csrf_of(page)}, headers=HTML
    )
    assert made.status_code == 201
    secret = re.search(r'id="new-token" dir="ltr">(rap_org_[\w-]+)<', made.text).group(1)
    assert secret not in client.get("/tokens", headers=HTML).text
    [stored] = rows(app, ApiToken)
    assert secret not in (stored.token_hash, stored.id)
    bearer = {"Authorization": f"Bearer {secret}"}
    assert app.test_client().get("/v1/me", headers=bearer).json["email"] == alice.email
    client.post(f"/tokens/{stored.id}/revoke", data={"csrf_token": csrf_of(page)}, headers=HTML)
    assert app.test_client().get("/v1/me", headers=bearer).status_code == 401


# CSRF -------------------------------------------------------------------------------------------


def test_a_form_without_its_csrf_token_is_refused(app, client, world, alice):
    log_in(client, alice)
    page = client.get(f"/events/{world.event_id}", headers=HTML).text
    for form in ({}, {"csrf_token": "0" * 64}):
        for path, data in (
            (f"/events/{world.event_id}/close", {}),
            ("/language", {"language": "ar"}),
            ("/tokens", {"name": "x"}),
            ("/logout", {}),
        ):
            answer = client.post(path, data={**data, **form}, headers=HTML)
            assert answer.status_code == 403 and "expired" in answer.text, path
    assert client.get("/v1/me", headers={"Accept": "application/json"}).json["language"] == "en"
    assert rows(app, ApiToken) == []
    refused = client.post("/v1/tokens", json={"name": "x"})  # a script with the login cookie only
    assert refused.status_code == 403 and refused.json["code"] == "csrf"
    made = client.post("/v1/tokens", json={"name": "x"}, headers={"X-CSRF-Token": csrf_of(page)})
    assert made.status_code == 201


def test_the_login_form_is_protected_too(client, alice):
    answer = client.post("/login", data={"email": alice.email, "password": alice.password}, headers=HTML)
    assert answer.status_code == 403
    other_browser = client.application.test_client()
    token = csrf_of(other_browser.get("/login", headers=HTML).text)
    answer = client.post(
        "/login", data={"email": alice.email, "password": alice.password, "csrf_token": token}, headers=HTML
    )
    assert answer.status_code == 403  # a token from another browser's form does not fit this one


def test_the_first_organizer_is_made_on_the_setup_page_with_the_admin_token(client, app):
    login = client.get("/login", headers=HTML).text
    assert "No organizer exists yet" in login and 'href="/setup"' in login
    form = {"name": "Noura", "email": "noura@example.org", "password": "a long passphrase", "language": "ar"}
    token = csrf_of(client.get("/setup", headers=HTML).text)
    wrong = client.post("/setup", data={**form, "admin_token": "guess", "csrf_token": token}, headers=HTML)
    assert wrong.status_code == 403 and rows(app, Organizer) == []
    made = client.post(
        "/setup", data={**form, "admin_token": "test-admin-token", "csrf_token": token}, headers=HTML
    )
    assert made.status_code == 303 and made.headers["Location"] == "/events"
    [noura] = rows(app, Organizer)
    assert noura.is_admin and noura.language == "ar"
    page = client.get("/events", headers=HTML).text  # logged in, in her language
    assert 'dir="rtl"' in page and "فعالياتك" in page


def test_an_organizer_switches_language_and_every_page_follows(client, world, alice):
    log_in(client, alice)
    page = client.get(f"/events/{world.event_id}", headers=HTML).text
    assert 'dir="ltr"' in page and "Meetings" in page
    back = client.post(
        "/language",
        headers=HTML,
        data={"language": "ar", "back": f"/events/{world.event_id}", "csrf_token": csrf_of(page)},
    )
    assert back.headers["Location"] == f"/events/{world.event_id}"
    page = client.get(f"/events/{world.event_id}", headers=HTML).text
    assert 'lang="ar" dir="rtl"' in page and "اللقاءات" in page
    assert 'dir="rtl"' in client.get("/tokens", headers=HTML).text
