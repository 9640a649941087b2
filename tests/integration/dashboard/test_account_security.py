"""Accounts that resist attack (issue 16): login throttling counted in PostgreSQL, password change,
the sessions page (see and log out each device), and the event's audit log for its owners."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
import sqlalchemy as sa

from services.dashboard import audit, create_app
from services.dashboard.models import AuditEntry, LoginSession
from tests.integration.dashboard.conftest import HTML, NOW, csrf_of, log_in

PROBLEM = "application/problem+json"
PHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Safari/604.1"
LAPTOP = "Mozilla/5.0 (X11; Linux x86_64) Firefox/125.0"


@pytest.fixture
def clock(app):
    """The dashboard's clock, moved by the test: now[0]."""
    now = [NOW]
    app.extensions["dashboard"].clock = lambda: now[0]
    return now


def attempt(client, email: str, password: str, address: str = "198.51.100.7", accept=HTML, agent=LAPTOP):
    token = csrf_of(client.get("/login", headers=HTML).text)
    return client.post(
        "/login",
        data={"email": email, "password": password, "csrf_token": token},
        headers={**accept, "User-Agent": agent},
        environ_base={"REMOTE_ADDR": address},
    )


# Throttling ------------------------------------------------------------------------------------


def test_ten_wrong_passwords_lock_the_account_even_against_the_right_one_from_elsewhere(client, alice, clock):
    for i in range(10):
        clock[0] = NOW + timedelta(minutes=i)
        assert attempt(client, alice.email, "wrong password", f"203.0.113.{i}").status_code == 401
    refused = attempt(client, alice.email, alice.password, "192.0.2.99")
    assert refused.status_code == 429 and "rapport_dash=" not in refused.headers.get("Set-Cookie", "")
    # The oldest failure (at NOW) leaves the 15-minute window at NOW + 15 min: 6 minutes from now.
    assert refused.headers["Retry-After"] == str(6 * 60)
    assert "Too many failed logins" in refused.text and "6 min" in refused.text
    as_script = attempt(client, alice.email, alice.password, "192.0.2.99", accept={"Accept": PROBLEM})
    assert as_script.status_code == 429 and as_script.mimetype == PROBLEM
    assert as_script.json["code"] == "too_many_logins" and as_script.headers["Retry-After"] == "360"
    clock[0] = NOW + timedelta(minutes=15)  # the first failure no longer counts: nine left
    assert attempt(client, alice.email, alice.password, "192.0.2.99").status_code == 303


def test_the_refusal_page_speaks_arabic_to_an_arabic_browser(client, alice, clock):
    for _ in range(10):
        attempt(client, alice.email, "wrong password")
    token = csrf_of(client.get("/login", headers=HTML).text)
    refused = client.post(
        "/login",
        data={"email": alice.email, "password": alice.password, "csrf_token": token},
        headers={**HTML, "Accept-Language": "ar"},
        environ_base={"REMOTE_ADDR": "198.51.100.7"},
    )
    assert refused.status_code == 429 and refused.headers["Retry-After"] == "900"
    assert (
        'dir="rtl"' in refused.text
        and "محاولات دخول فاشلة كثيرة" in refused.text
        and "15 دقيقة" in refused.text
    )


def test_one_address_guessing_at_many_accounts_is_throttled_but_others_are_not(client, alice, bob, clock):
    for i in range(10):
        assert attempt(client, f"guess{i}@example.org", "password1234", "198.51.100.66").status_code == 401
    assert attempt(client, bob.email, bob.password, "198.51.100.66").status_code == 429
    assert attempt(client, bob.email, bob.password, "198.51.100.67").status_code == 303


def test_a_good_login_clears_its_accounts_failures(client, alice, clock):
    for _ in range(9):
        attempt(client, alice.email, "wrong password")
    assert attempt(client, alice.email, alice.password, "192.0.2.1").status_code == 303
    for _ in range(9):  # nine more: the count started again
        assert attempt(client, alice.email, "wrong password", "192.0.2.2").status_code == 401
    assert attempt(client, alice.email, alice.password, "192.0.2.3").status_code == 303


def test_failures_count_across_dashboard_processes(app, dashboard_settings, client, alice, clock):
    """Two apps on one database (two processes, or two machines): one count."""
    other = create_app(replace(dashboard_settings), run_migrations=False)
    other.extensions["dashboard"].clock = lambda: clock[0]
    other_client = other.test_client()
    for i in range(10):
        assert (
            attempt(client if i % 2 else other_client, alice.email, "wrong", f"203.0.113.{i}").status_code
            == 401
        )
    assert attempt(client, alice.email, alice.password, "192.0.2.5").status_code == 429
    assert attempt(other_client, alice.email, alice.password, "192.0.2.5").status_code == 429


# Password change and sessions ------------------------------------------------------------------


def account_form(client, **fields):
    page = client.get("/account", headers=HTML)
    return client.post("/account/password", data={"csrf_token": csrf_of(page.text), **fields}, headers=HTML)


def test_changing_the_password_needs_the_current_one_and_logs_out_the_other_sessions(
    app, client, alice, clock
):
    thief = app.test_client()
    assert attempt(thief, alice.email, alice.password, "203.0.113.9", agent=PHONE).status_code == 303
    assert attempt(client, alice.email, alice.password).status_code == 303
    wrong = account_form(
        client,
        password="not it at all",
        new_password="a new long passphrase",
        repeat_password="a new long passphrase",
    )
    assert wrong.status_code == 403 and "That is not your current password." in wrong.text
    differ = account_form(
        client, password=alice.password, new_password="a new long passphrase", repeat_password="another one"
    )
    assert differ.status_code == 422 and "The two new passwords are not the same." in differ.text
    short = account_form(client, password=alice.password, new_password="short", repeat_password="short")
    assert short.status_code == 422 and "Between 10 and 200 characters." in short.text
    done = account_form(
        client,
        password=alice.password,
        new_password="a new long passphrase",
        repeat_password="a new long passphrase",
    )
    assert done.status_code == 303 and done.headers["Location"].endswith("/account?done=password")
    assert "Your password is changed" in client.get("/account?done=password", headers=HTML).text
    assert thief.get("/account", headers=HTML).status_code == 303  # sent to log in
    assert attempt(app.test_client(), alice.email, alice.password, "192.0.2.8").status_code == 401
    assert attempt(app.test_client(), alice.email, "a new long passphrase", "192.0.2.8").status_code == 303


def test_the_current_password_check_is_throttled_too(client, alice, clock):
    assert attempt(client, alice.email, alice.password).status_code == 303
    for _ in range(10):
        account_form(client, password="guess guess guess", new_password="x" * 12, repeat_password="x" * 12)
    refused = account_form(client, password=alice.password, new_password="x" * 12, repeat_password="x" * 12)
    assert refused.status_code == 429 and refused.headers["Retry-After"] == "900"


def test_the_sessions_page_lists_each_device_and_logs_them_out_one_or_all(app, client, alice, bob, clock):
    phone, tablet = app.test_client(), app.test_client()
    attempt(phone, alice.email, alice.password, "203.0.113.20", agent=PHONE)
    clock[0] = NOW + timedelta(minutes=30)
    attempt(tablet, alice.email, alice.password, "203.0.113.21", agent="Tablet/1.0")
    attempt(client, alice.email, alice.password, "198.51.100.7", agent=LAPTOP)
    listing = client.get("/account", headers=HTML).text
    assert PHONE in listing and LAPTOP in listing and "203.0.113.20" in listing and "this browser" in listing
    assert "2026-12-01 10:00 UTC" in listing and "2026-12-01 10:30 UTC" in listing
    with app.extensions["dashboard"].sessions() as session:
        rows = {s.user_agent: s for s in session.scalars(sa.select(LoginSession))}
    token = csrf_of(listing)
    # Bob cannot end Alice's session, even knowing its id: the same 404 as no session at all.
    attempt(bob_client := app.test_client(), bob.email, bob.password, "198.51.100.8")
    bob_token = csrf_of(bob_client.get("/account", headers=HTML).text)
    stolen = bob_client.post(
        f"/account/sessions/{rows[PHONE].id}/end", data={"csrf_token": bob_token}, headers={"Accept": PROBLEM}
    )
    assert stolen.status_code == 404 and stolen.json["code"] == "unknown_session"
    assert phone.get("/account", headers=HTML).status_code == 200
    ended = client.post(f"/account/sessions/{rows[PHONE].id}/end", data={"csrf_token": token}, headers=HTML)
    assert ended.status_code == 303 and phone.get("/account", headers=HTML).status_code == 303
    assert tablet.get("/account", headers=HTML).status_code == 200
    client.post("/account/sessions/end-others", data={"csrf_token": token}, headers=HTML)
    assert tablet.get("/account", headers=HTML).status_code == 303
    assert client.get("/account", headers=HTML).status_code == 200  # this one stays


def test_last_seen_moves_as_the_session_is_used(app, client, alice, clock):
    attempt(client, alice.email, alice.password)
    clock[0] = NOW + timedelta(hours=2)
    client.get("/events", headers=HTML)
    with app.extensions["dashboard"].sessions() as session:
        [row] = session.scalars(sa.select(LoginSession)).all()
    assert row.created_at == NOW and row.last_seen_at == NOW + timedelta(hours=2)


# The audit log -----------------------------------------------------------------------------------


def test_organizer_actions_land_in_the_audit_log_newest_first_and_filterable(
    app, client, world, alice, bob, clock
):
    log_in(client, alice)
    after = client.get(f"/events/{world.event_id}/after", headers=HTML)
    token = csrf_of(after.text)
    client.post(
        f"/events/{world.event_id}/organizers", data={"email": bob.email, "csrf_token": token}, headers=HTML
    )
    clock[0] = NOW + timedelta(minutes=1)
    assert client.get(f"/v1/events/{world.event_id}/exports/attendees.csv").status_code == 200
    clock[0] = NOW + timedelta(minutes=2)
    client.post(
        f"/events/{world.event_id}/organizers/revoke",
        data={"email": bob.email, "csrf_token": token},
        headers=HTML,
    )
    with app.extensions["dashboard"].sessions() as session:
        logged = session.scalars(sa.select(AuditEntry).order_by(AuditEntry.at)).all()
    assert [(e.action, e.subject, e.organizer_email) for e in logged] == [
        ("granted", bob.email, alice.email),
        ("exported", "attendees.csv", alice.email),
        ("revoked", bob.email, alice.email),
    ]
    page = client.get(f"/events/{world.event_id}/audit", headers=HTML)
    assert page.status_code == 200
    assert (
        page.text.index('data-action="revoked"')
        < page.text.index('data-action="exported"')
        < page.text.index('data-action="granted"')
    )
    assert "13:02:00 +03" in page.text  # the event's own time zone (Asia/Riyadh)
    only = client.get(f"/events/{world.event_id}/audit?action=exported", headers=HTML).text
    assert 'data-action="exported"' in only and 'data-action="granted"' not in only
    bad = client.get(f"/events/{world.event_id}/audit?action=nonsense", headers={"Accept": PROBLEM})
    assert bad.status_code == 422 and bad.mimetype == PROBLEM


def test_only_the_events_owners_see_its_audit_log(app, client, world, alice, bob):
    log_in(client, alice)
    token = csrf_of(client.get(f"/events/{world.event_id}/after", headers=HTML).text)
    client.post(
        f"/events/{world.event_id}/organizers", data={"email": bob.email, "csrf_token": token}, headers=HTML
    )
    assert (
        f'href="/events/{world.event_id}/audit"' in client.get(f"/events/{world.event_id}", headers=HTML).text
    )
    bobs = app.test_client()
    log_in(bobs, bob)
    assert f"/events/{world.event_id}/audit" not in bobs.get(f"/events/{world.event_id}", headers=HTML).text
    refused = bobs.get(f"/events/{world.event_id}/audit", headers={"Accept": PROBLEM})
    assert refused.status_code == 403 and refused.json["code"] == "not_owner"


def test_an_unknown_action_is_a_programming_error_not_a_silent_entry(app, alice):
    with (
        app.extensions["dashboard"].sessions() as session,
        pytest.raises(ValueError, match="unknown audit action"),
    ):
        audit.record(session, None, "e1", "deleted everything")
