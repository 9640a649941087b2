"""Fuzzing every service's OpenAPI document with schemathesis, in-process (WSGI) on PostgreSQL.

Each operation gets generated requests, valid by its document and (negative mode) invalid ones,
with real path values (an event and an attendee that exist, a working scanner token) so they get
past the 404s, and the organizer's or attendee's credentials. A request fails the test when it gets
a 5xx, a status the document does not list, a body or content type other than documented, or an
error that is not application/problem+json. Bounded and derandomized (the same examples on every
run); a failure prints the request that reproduces it (as curl) under its operation.
"""

from __future__ import annotations

import importlib
from dataclasses import replace
from datetime import timedelta

import hypothesis
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from shared import events as ev
from shared import identity
from shared.envelope import iso, utc_now
from shared.events import to_envelope
from shared.identity import TokenClaims
from shared.tokens import TokenSigner

ADMIN = {"Authorization": "Bearer test-admin-token"}  # the `settings` fixture's admin token
EXAMPLES = 25  # per operation and mode: the five services' 125 operations in under three minutes on 2 cores


@schemathesis.check
def errors_are_problem_json(ctx, response, case):
    """Every refusal of the API says what is wrong in application/problem+json. (A page's refusals
    are pages in the reader's language; their media type is checked against the document.)"""
    if response.status_code >= 400 and case.operation.path.startswith("/v1/"):
        media = response.headers.get("content-type", [""])[0].split(";")[0].strip()
        assert media == "application/problem+json", (
            f"{response.status_code} answered as {media!r}, not problem+json"
        )


@schemathesis.check
def no_server_error(ctx, response, case):
    """No 5xx, but for a documented 503: another service this one asks is down (in these runs, each
    service runs alone), which must be said as such, not a crash."""
    if response.status_code == 503 and "503" in case.operation.definition.raw.get("responses", {}):
        return
    not_a_server_error(ctx, response, case)


CHECKS = [
    no_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    errors_are_problem_json,
]


# Values that once gave 500s (issue 14), which random generation rarely hits: Unicode digits pass
# str.isdigit(), a 23-digit number overflows a column, NUL cannot be stored in PostgreSQL text, a
# line break splits a header, a 5,000-character text outgrows every field.
HOSTILE = ["²", "٣", "1²", "nudge-²", "12345678901234567890123", "-1", "x\ny", "bad\x00", "a" * 5000]


def with_hostile_values(values):
    """A strategy: the generated query or JSON body as it is, or with one of its values hostile."""
    from hypothesis import strategies as st

    if not isinstance(values, dict) or not values:
        return st.just(values)
    return st.one_of(
        st.just(values),
        st.tuples(st.sampled_from(sorted(values)), st.sampled_from(HOSTILE)).map(
            lambda change: {**values, change[0]: change[1]}
        ),
    )


def service_app(service: str, settings, database_url: str, **more):
    create_app = importlib.import_module(f"services.{service}").create_app
    return create_app(replace(settings, **{f"{service}_database_url": database_url}, **more))


def fuzz(
    app,
    *,
    headers: dict,
    path_values: dict[str, str],
    skip: set[str] = frozenset(),
    headers_for: dict[str, dict] | None = None,
    examples_for: dict[str, int] | None = None,
) -> None:
    """Runs every operation of the app's document (but those named in `skip`, "METHOD /path") and
    fails with each failing operation's reproducing request. `headers_for` gives operations whose
    label starts with a key other headers (another credential); `examples_for` fewer
    examples to the slow ones (a password hashed with argon2 on each call)."""
    schema = schemathesis.openapi.from_wsgi("/openapi.json", app)
    schema.hook("flatmap_query")(lambda context, query: with_hostile_values(query))
    schema.hook("flatmap_body")(lambda context, body: with_hostile_values(body))
    failures = []
    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.label in skip:
            continue
        auth = next((v for k, v in (headers_for or {}).items() if operation.label.startswith(k)), headers)
        fixed = {p.name: path_values[p.name] for p in operation.path_parameters if p.name in path_values}
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            strategy = operation.as_strategy(generation_mode=mode, path_parameters=fixed or None)
            examples = (examples_for or {}).get(operation.label, EXAMPLES)

            # derandomize: the same examples on every run, so CI is not flaky; no shrinking phase, the
            # first failing request is printed as it was sent
            @hypothesis.settings(
                max_examples=examples,
                derandomize=True,
                database=None,
                deadline=None,
                phases=[Phase.explicit, Phase.generate],
                suppress_health_check=list(HealthCheck),
                report_multiple_bugs=False,
            )
            @hypothesis.given(case=strategy)
            def call(case):
                case.call_and_validate(headers=auth, checks=CHECKS)  # noqa: B023 (run at once, below)

            try:
                call()
            except hypothesis.errors.Unsatisfiable:
                continue  # negative mode: nothing of this operation can be made invalid (no parameters, no body)
            except (
                Exception,
                FailureGroup,
            ) as error:  # every operation is run; all failures reported at the end
                failures.append(f"--- {operation.label} ({mode.value}):\n{error}")
    assert not failures, f"{len(failures)} failing operation(s):\n\n" + "\n\n".join(failures)


def feed(sessions, apply_event, *events) -> None:
    with sessions() as session:
        for event in events:
            apply_event(session, event, to_envelope(event))
        session.commit()


def an_event_with_two_people(event_id: str, started=None) -> tuple[list[ev.Event], str, str]:
    started = started or utc_now() - timedelta(hours=2)
    a, b = identity.new_attendee_id(), identity.new_attendee_id()
    events = [
        ev.EventCreated(
            event_id=event_id,
            name="Riyadh Design Week",
            venue="JAX",
            starts_at=iso(started),
            ends_at=iso(started + timedelta(hours=8)),
            timezone="Asia/Riyadh",
            language="ar",
        )
    ]
    for who, name in ((a, "Lina Haddad"), (b, "سارة القحطاني")):
        code = identity.new_short_code()
        events += [
            ev.AttendeeRegistered(
                event_id=event_id,
                attendee_id=who,
                name=name,
                email=f"{who}@example.org",
                language="en",
                short_code=code,
                headline="coffee and design",
                consent_followup=True,
                consent_share_contact=True,
            ),
            ev.BadgeIssued(event_id=event_id, attendee_id=who, token_id=f"{who}.1", short_code=code),
        ]
    return events, a, b


@pytest.mark.postgres
def test_fuzz_badge(settings, database_url):
    app = service_app("badge", settings, database_url)
    client = app.test_client()
    event = client.post(
        "/v1/events",
        headers=ADMIN,
        json={
            "name": "Riyadh Design Week",
            "starts_at": "2026-12-01T09:00:00+03:00",
            "ends_at": "2026-12-03T18:00:00+03:00",
            "timezone": "Asia/Riyadh",
        },
    ).json
    lina, sara = (
        client.post(
            f"/v1/events/{event['id']}/attendees", headers=ADMIN, json={"name": name, "email": email}
        ).json
        for name, email in (("Lina Haddad", "lina@example.org"), ("سارة القحطاني", "sara@example.org"))
    )
    fuzz(
        app,
        headers=ADMIN,
        path_values={"event_id": event["id"], "attendee_id": sara["id"], "token": lina["scanner_token"]},
        # erasing or closing the one event would leave the rest of the run nothing to find
        skip={"DELETE /v1/attendees/{attendee_id}", "POST /v1/events/{event_id}/close"},
    )


@pytest.mark.postgres
def test_fuzz_scan(settings, database_url):
    from services.scan.handlers import apply_event
    from services.scan.pages import COOKIE

    app = service_app("scan", settings, database_url)
    service = app.extensions["scan"]
    event_id = identity.new_event_id()
    events, me, other = an_event_with_two_people(event_id)
    feed(service.sessions, apply_event, *events)
    service.directory.invalidate()
    signer = TokenSigner.from_settings(service.settings)
    private = identity.issue_token(signer, identity.PRIVATE, TokenClaims(event_id, me, 1))
    badge = identity.issue_token(signer, identity.BADGE, TokenClaims(event_id, other, 1))
    # the API's bearer token, and the pages' identity cookie (their forms then fail on CSRF, or save)
    fuzz(
        app,
        headers={"Authorization": f"Bearer {private}", "Cookie": f"{COOKIE}={private}"},
        path_values={"attendee_id": other, "token": private, "badge_token": badge},
    )


@pytest.mark.postgres
def test_fuzz_followup(settings, database_url, smtp_server):
    from services.followup.links import Links
    from services.followup.readmodel import apply_event

    app = service_app(
        "followup", settings, database_url, smtp_url=smtp_server.url, followup_url="https://followup.example"
    )
    event_id = identity.new_event_id()
    events, a, b = an_event_with_two_people(event_id, utc_now() - timedelta(hours=5))
    events.append(
        ev.ScanRecorded(
            event_id=event_id,
            meeting_id=f"m-{a}-{b}"[:32],
            scanner=a,
            scanned=b,
            scanned_at=iso(utc_now() - timedelta(hours=4)),
            client_scan_id="c1",
            note="coffee",
        )
    )
    service = app.extensions["followup"]
    feed(service.sessions, apply_event, *events)
    reader = Links("https://followup.example", service.signer).token(a)
    fuzz(
        app,
        headers=ADMIN,
        path_values={"event_id": event_id, "attendee_id": a, "contact_id": b, "token": reader},
    )


@pytest.mark.postgres
def test_fuzz_dashboard(settings, database_url):
    from services.dashboard import accounts
    from services.dashboard.consumer import GROUP
    from services.dashboard.handlers import apply_event
    from services.dashboard.models import Organizer
    from shared.consumer import applied_once

    app = service_app("dashboard", settings, database_url)
    service = app.extensions["dashboard"]
    client = app.test_client()
    organizer = client.post(
        "/v1/organizers",
        headers=ADMIN,
        json={"email": "alice@example.org", "name": "Alice", "password": "Alice has a long passphrase"},
    ).json
    event_id = identity.new_event_id()
    events, a, _ = an_event_with_two_people(event_id)
    handle = applied_once(service.sessions, GROUP, apply_event)
    for event in events:
        handle(event, to_envelope(event))
    with service.sessions() as session:
        alice = session.get(Organizer, organizer["id"])
        accounts.grant(session, alice, event_id, utc_now())
        token_row, secret = accounts.issue_token(session, alice, "fuzz", utc_now())
        session.commit()
    fuzz(
        app,
        headers={"Authorization": f"Bearer {secret}"},
        path_values={"event_id": event_id, "attendee_id": a, "token_id": str(token_row.id)},
        # revoking the run's own token would leave it unauthenticated
        skip={"DELETE /v1/tokens/{token_id}", "POST /tokens/{token_id}/revoke"},
        examples_for={"POST /login": 6, "POST /setup": 6, "POST /v1/organizers": 6},
    )


@pytest.mark.postgres
def test_fuzz_match(settings, database_url):
    from tests.matchfeed import feed_match

    app = service_app("match", settings, database_url)
    service = app.extensions["match"]
    event_id = identity.new_event_id()
    events, me, other = an_event_with_two_people(event_id)
    feed_match(service, *events)
    signer = TokenSigner.from_settings(service.settings)
    private = identity.issue_token(signer, identity.PRIVATE, TokenClaims(event_id, me, 1))
    fuzz(
        app,
        headers={"Authorization": f"Bearer {private}"},
        headers_for={"GET /v1/events/": ADMIN},
        path_values={"event_id": event_id, "attendee_id": other},
    )
