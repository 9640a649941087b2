"""Signing in by email: POST /v1/signin, the forms, the one-time link, and what goes to the mailer.

The scan service on PostgreSQL, its read model fed with bus events as the consumer does. A request
keeps its link's row here and, in the same transaction, puts `signin.requested` in the scan outbox
(the follow-up service sends the email: tests/integration/followup/test_signin_mail.py). Here the
link is made from that message as the follow-up's sender makes it (shared.identity.signin_token).
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import timedelta

import pytest
import sqlalchemy as sa

from services.scan import SIGNINS_PER_EMAIL, create_app
from services.scan.models import SigninLink
from services.scan.pages import COOKIE, FORM_COOKIE
from shared import events as ev
from shared import identity
from shared.db import outbox
from shared.envelope import Envelope, parse_iso, utc_now

HTML = {"Accept": "text/html", "Accept-Language": "en-GB,en;q=0.8"}


def ask(client, email, event_id, address="10.0.0.1", **extra):
    return client.post(
        "/v1/signin",
        json={"email": email, "event_id": event_id, **extra},
        environ_base={"REMOTE_ADDR": address},
    )


def links(app) -> list[SigninLink]:
    with app.extensions["scan"].sessions() as session:
        return list(session.scalars(sa.select(SigninLink).order_by(SigninLink.created_at)))


def outbox_rows(app) -> list:
    with app.extensions["scan"].sessions() as session:
        return session.execute(
            sa.select(outbox.c.topic, outbox.c.key, outbox.c.value).order_by(outbox.c.id)
        ).all()


def requests(app) -> list[ev.SigninRequested]:
    """The signin.requested messages waiting in the scan outbox for the relay."""
    return [
        ev.from_envelope(Envelope.from_bytes(row.value))
        for row in outbox_rows(app)
        if Envelope.from_bytes(row.value).type == "signin.requested"
    ]


def emailed_path(app) -> str:
    """The link the follow-up service writes into the email for the latest request."""
    return f"/s/{identity.signin_token(app.extensions['scan'].signer, requests(app)[-1].link_id)}"


def test_known_and_unknown_emails_get_byte_identical_answers(client, app, person, event_id):
    lina = person("Lina")
    known, unknown = ask(client, f"{lina.id}@x.org", event_id), ask(client, "nobody@x.org", event_id)
    assert known.status_code == unknown.status_code == 202
    assert known.data == unknown.data and known.headers["Content-Type"] == unknown.headers["Content-Type"]
    assert [link.attendee_id for link in links(app)] == [lina.id]  # a link only for the registered one
    assert [r.attendee_id for r in requests(app)] == [lina.id]  # and one email asked of the mailer


def test_a_request_queues_signin_requested_naming_the_link_not_opening_it(
    client, app, person, event_id, apply
):
    omar = person("عمر الفاروق")
    apply(
        ev.AttendeeUpdated(
            event_id=event_id,
            attendee_id=omar.id,
            name="عمر الفاروق",
            email=f"{omar.id}@x.org",
            language="ar",
            short_code=omar.short_code,
        )
    )
    assert (
        ask(client, f"  {omar.id.upper()}@X.org ", event_id).status_code == 202
    )  # as a phone's keyboard types it
    [row] = links(app)
    [(topic, key, value)] = outbox_rows(app)  # in the same transaction as the link's row
    assert (topic, key) == (ev.ATTENDEES_TOPIC, omar.id)  # after their attendee.registered, on its partition
    [request] = requests(app)
    assert request == ev.SigninRequested(
        event_id=event_id, attendee_id=omar.id, link_id=row.id, expires_at=request.expires_at
    )
    assert (
        timedelta(0) <= row.expires_at - parse_iso(request.expires_at) < timedelta(milliseconds=1)
    )  # ms on the wire
    # Nothing that opens the link is on the bus or in the table: only its id, which is not a token.
    path = emailed_path(app)
    token = path.rsplit("/", 1)[1]
    assert token.encode() not in value and token not in repr(row.__dict__)
    assert f"{omar.id}@x.org".encode() not in value  # nor the address: the follow-up knows it
    assert client.get(f"/s/{row.id}", headers=HTML).status_code == 404  # the bare id opens nothing
    assert client.head(path, headers=HTML).status_code == 200  # a mail scanner's check does not use it up
    opened = client.get(path, headers=HTML)
    assert opened.status_code == 303 and opened.location == "/scan"
    cookie = client.get_cookie(COOKIE)
    assert cookie.http_only and cookie.same_site == "Lax" and not cookie.secure
    assert client.get("/v1/me/people").status_code == 200  # this phone is omar now
    client.delete_cookie(COOKIE)
    again = client.get(path, headers=HTML)
    assert again.status_code == 410 and "استُخدم رابط الدخول هذا من قبل" in again.text
    assert 'id="signin"' in again.text and client.get_cookie(COOKIE) is None  # a form for a new one


def test_a_link_is_refused_after_30_minutes(client, app, person, event_id):
    lina = person("Lina")
    ask(client, f"{lina.id}@x.org", event_id)
    path = emailed_path(app)
    started = utc_now()
    app.extensions["scan"].clock = lambda: started + timedelta(minutes=30, seconds=1)
    late = client.get(path, headers=HTML)
    assert late.status_code == 410 and "has expired" in late.text and client.get_cookie(COOKIE) is None
    app.extensions["scan"].clock = lambda: started + timedelta(minutes=29)
    assert client.get(path, headers=HTML).status_code == 303  # within its half hour it works (once)


def test_a_forged_or_tampered_link_is_a_404(client, app, person, event_id):
    lina = person("Lina")
    ask(client, f"{lina.id}@x.org", event_id)
    path = emailed_path(app)
    token = path.rsplit("/", 1)[1]
    tampered = token[:-2] + ("AA" if token[-2:] != "AA" else "BB")
    for bad in (tampered, lina.private, "NOTATOKEN"):
        answer = client.get(f"/s/{bad}", headers=HTML)
        assert answer.status_code == 404 and client.get_cookie(COOKIE) is None, bad


def test_asking_is_rate_limited_per_email_and_per_client_address(client, app, person, event_id):
    lina = person("Lina")
    for _ in range(SIGNINS_PER_EMAIL):
        assert ask(client, f"{lina.id}@x.org", event_id).status_code == 202
    refused = ask(client, f"{lina.id}@x.org", event_id, address="10.0.0.2")  # another phone, the same address
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    assert refused.json["code"] == "rate_limited" and refused.mimetype == "application/problem+json"
    # The same limit for an unregistered address: a 429 tells nothing either.
    for _ in range(SIGNINS_PER_EMAIL):
        ask(client, "nobody@x.org", event_id)
    assert ask(client, "nobody@x.org", event_id).status_code == 429
    s = app.extensions["scan"]
    per_client = s.signins_per_client._per_minute
    answers = [
        ask(client, f"p{i}@x.org", event_id, address="10.9.9.9").status_code for i in range(per_client + 1)
    ]
    assert answers[:per_client] == [202] * per_client and answers[-1] == 429
    assert len(links(app)) == len(requests(app)) == SIGNINS_PER_EMAIL


@pytest.mark.parametrize(
    "body, field",
    [
        ({"event_id": "x"}, "email"),
        ({"email": "no-at-sign", "event_id": "x"}, "email"),
        ({"email": "a@b.org"}, "event_id"),
        ({"email": "a@b.org", "event_id": "../etc"}, "event_id"),
        ({"email": "a@b.org", "event_id": "abcd2345", "next": {"a": 1}}, "next"),
        ({"email": "a@b.org", "event_id": "abcd2345", "next": ["/scan"]}, "next"),
    ],
)
def test_bad_input_says_which_field(client, body, field):
    answer = client.post("/v1/signin", json=body)
    assert (
        answer.status_code == 422
        and answer.json["code"] == "invalid_input"
        and field in answer.json["errors"]
    )


def test_the_badge_page_keeps_the_note_through_the_sign_in(client, app, person, event_id):
    lina, omar = person("Lina"), person("Omar")
    page = client.get(f"/c/{omar.badge}", headers=HTML)
    assert 'id="signin"' in page.text and 'name="email"' in page.text and "private_link" not in page.text
    csrf = re.search(r'name="csrf_token" value="([0-9a-f]+)"', page.text).group(1)
    sent = client.post(
        f"/c/{omar.badge}/signin",
        headers=HTML,
        data={
            "csrf_token": csrf,
            "email": f"{lina.id}@x.org",
            "note": "roasts coffee at home",
            "tag": "coffee later",
        },
    )
    assert sent.status_code == 200 and "Check your email" in sent.text and "Your note is kept" in sent.text
    [request] = requests(app)
    assert "roasts coffee" not in repr(request)  # the kept note stays here, with the link
    back = client.get(emailed_path(app), headers=HTML)
    assert back.status_code == 303 and back.location.startswith(f"/c/{omar.badge}?draft=")
    assert client.get_cookie(FORM_COOKIE) is None
    meet = client.get(back.location, headers=HTML).text
    assert "roasts coffee at home</textarea>" in meet and 'value="coffee later" checked' in meet
    assert "Saving as" in meet and "Lina" in meet


def test_a_form_without_its_csrf_token_is_refused(client, person):
    omar = person("Omar")
    answer = client.post(f"/c/{omar.badge}/signin", headers=HTML, data={"email": "a@b.org"})
    assert answer.status_code == 403


def test_erasure_removes_the_links(client, app, person, event_id, apply):
    lina = person("Lina")
    ask(client, f"{lina.id}@x.org", event_id)
    apply(ev.AttendeeErased(event_id=event_id, attendee_id=lina.id))
    assert links(app) == []
    assert ask(client, f"{lina.id}@x.org", event_id).status_code == 202 and links(app) == []


def test_cookies_of_a_sign_in_are_secure_behind_https(settings, database_url, person, event_id):
    app = create_app(replace(settings, scan_database_url=database_url, public_url="https://scan.example.org"))
    # (the same database: the read model the fixtures fed)
    client = app.test_client()
    lina = person("Lina")
    ask(client, f"{lina.id}@x.org", event_id)
    with app.extensions["scan"].sessions() as session:
        [row] = session.scalars(sa.select(SigninLink)).all()
    token = identity.signin_token(app.extensions["scan"].signer, row.id)
    assert client.get(f"/s/{token}", headers=HTML).status_code == 303
    assert client.get_cookie(COOKIE).secure


def test_an_email_registered_for_several_events_asks_for_a_link_for_each(
    client, app, person, event_id, apply
):
    """The bare /scan form names no event: one link, and one message, per event of that address."""
    other = identity.new_event_id()
    apply(
        ev.EventCreated(
            event_id=other,
            name="Jeddah Food Forum",
            venue="",
            starts_at="2026-12-05T06:00:00Z",
            ends_at="2026-12-06T15:00:00Z",
            timezone="Asia/Riyadh",
            language="en",
        )
    )
    lina, again = person("Lina"), person("Lina", event=other)
    apply(
        ev.AttendeeUpdated(
            event_id=other,
            attendee_id=again.id,
            name="Lina",
            email=f"{lina.id}@x.org",
            language="en",
            short_code=again.short_code,
        )
    )
    csrf = re.search(
        r'name="csrf_token" value="([0-9a-f]+)"', client.get("/signin", headers=HTML).text
    ).group(1)
    client.post("/signin", headers=HTML, data={"csrf_token": csrf, "email": f"{lina.id}@x.org"})
    assert {(r.event_id, r.attendee_id) for r in requests(app)} == {(event_id, lina.id), (other, again.id)}
    assert {r.link_id for r in requests(app)} == {link.id for link in links(app)}


def test_after_the_close_an_attendee_can_still_sign_in_to_read_my_people(
    client, app, person, event_id, apply
):
    lina = person("Lina")
    apply(ev.EventClosed(event_id=event_id, closed_at="2026-12-03T15:00:00Z"))
    assert ask(client, f"{lina.id}@x.org", event_id).status_code == 202
    assert [link.attendee_id for link in links(app)] == [lina.id]


def test_the_forms_answer_the_same_page_for_known_and_unknown_emails_and_say_when_to_ask_again(
    client, person
):
    lina, omar = person("Lina"), person("Omar")
    csrf = re.search(
        r'name="csrf_token" value="([0-9a-f]+)"', client.get(f"/c/{omar.badge}", headers=HTML).text
    ).group(1)

    def send(email: str):
        return client.post(
            f"/c/{omar.badge}/signin",
            headers=HTML,
            data={"csrf_token": csrf, "email": email},
            environ_base={"REMOTE_ADDR": "10.1.1.1"},
        )

    known, unknown = send(f"{lina.id}@x.org"), send("zzzzzzzzzz@x.org")  # addresses of the same length
    assert known.status_code == unknown.status_code == 200
    assert known.data.replace(lina.id.encode(), b"zzzzzzzzzz") == unknown.data
    for _ in range(SIGNINS_PER_EMAIL - 1):
        send(f"{lina.id}@x.org")
    refused = send(f"{lina.id}@x.org")
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    assert "wait 10 minutes" in refused.text and 'id="signin"' in refused.text  # the form, the email kept
    assert f'value="{lina.id}@x.org"' in refused.text
