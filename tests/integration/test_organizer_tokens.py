"""One organizer identity in every service (issue 16): the tokens the dashboard issues, with their
role and scope, against every service's organizer endpoints; the bootstrap admin token as the
superuser everywhere; expiry and revocation, told to the other services over the real bus.

Every service runs as its Flask app on a PostgreSQL database of its own. The dashboard calls the
badge service over HTTP (served on loopback) as the acting organizer; grants and revocations
reach the other services the way they do in production: the dashboard's and the badge
service's outboxes, relayed to the bus (the embedded log), read by each service's consumer.
"""

from __future__ import annotations

import base64
import itertools
import secrets
from dataclasses import dataclass, replace
from datetime import timedelta

import pytest

from services.badge import consumer as badge_consumer
from services.badge import create_app as badge_app
from services.dashboard import create_app as dashboard_app
from services.dashboard.consumer import GROUP
from services.dashboard.handlers import READ_MODEL_TYPES, apply_event
from services.followup import consumer as followup_consumer
from services.followup import create_app as followup_app
from services.match import create_app as match_app
from services.scan import consumer as scan_consumer
from services.scan import create_app as scan_app
from shared import organizers
from shared.bus import DEAD_LETTER_TOPIC, bus_from_url
from shared.config import Settings
from shared.envelope import iso, utc_now
from shared.events import ALL_TOPICS, ORGANIZERS_TOPIC
from shared.organizers import PERMISSIONS
from shared.tokens import TokenSigner
from tests.datakeys import keyring_for
from tests.integration.dashboard.running import Served, catch_up, relay

ADMIN = "test-admin-token"  # the `settings` fixture's
PROBLEM = "application/problem+json"
SERVICES = ("dashboard", "badge", "scan", "followup", "match")
_emails = itertools.count()
EVENT = {
    "timezone": "Asia/Riyadh",
    "starts_at": "2027-03-01T09:00:00+03:00",
    "ends_at": "2027-03-01T18:00:00+03:00",
}

pytestmark = pytest.mark.postgres


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def basic(email: str, password: str) -> dict:
    return {"Authorization": "Basic " + base64.b64encode(f"{email}:{password}".encode()).decode()}


@dataclass
class Person:
    id: str
    email: str
    password: str


class Product:
    """The five services, each on its own database, and the bus between them."""

    def __init__(self, settings, new_database):
        urls = {f"{name}_database_url": new_database() for name in SERVICES}
        base = replace(settings, **urls)
        self.badge_app = badge_app(base)
        self.badge_served = Served(self.badge_app)
        self.settings = replace(base, badge_url=self.badge_served.url)
        self.apps = {
            "dashboard": dashboard_app(self.settings),
            "badge": self.badge_app,
            "scan": scan_app(self.settings),
            "followup": followup_app(self.settings),
            "match": match_app(self.settings),
        }
        self.clients = {name: app.test_client() for name, app in self.apps.items()}
        self.bus = bus_from_url(settings.bus_url, partitions=2)
        self.bus.ensure_topics([*ALL_TOPICS, DEAD_LETTER_TOPIC], 2)

    def sessions(self, name: str):
        return self.apps[name].extensions[name].sessions

    def deliver(self) -> None:
        """The dashboard's and the badge service's relays, then every token-checking consumer."""
        relay(self.sessions("dashboard"), self.bus)
        relay(self.sessions("badge"), self.bus)
        keys = keyring_for(self.badge_app)  # registrations' personal fields are sealed
        catch_up(self.bus, GROUP, ALL_TOPICS, READ_MODEL_TYPES, self.sessions("dashboard"), apply_event, keys)
        for name, module in (
            ("badge", badge_consumer),
            ("scan", scan_consumer),
            ("followup", followup_consumer),
        ):
            catch_up(self.bus, name, module.TOPICS, module.TYPES, self.sessions(name), module.APPLY, keys)
        # The match consumer embeds profiles (its model); here it needs only the organizers part.
        catch_up(
            self.bus,
            "match",
            [ORGANIZERS_TOPIC],
            organizers.READ_MODEL_TYPES,
            self.sessions("match"),
            organizers.apply_event,
        )

    def call(self, service: str, method: str, path: str, token: str, body=None):
        return self.clients[service].open(path, method=method, json=body, headers=bearer(token))

    def stop(self) -> None:
        self.badge_served.stop()


@pytest.fixture(scope="module")
def product(postgres_server, tmp_path_factory):
    """One product for the module (five migrated databases take a while): tests that change who
    may do what make organizers of their own for it."""
    settings = Settings.from_env(
        {
            "RAPPORT_DATA_DIR": str(tmp_path_factory.mktemp("tokens")),
            "RAPPORT_SECRET_KEY": secrets.token_urlsafe(32),
            "RAPPORT_ADMIN_TOKEN": ADMIN,
            "RAPPORT_MATCH_URL": "http://127.0.0.1:9",
        }
    )
    running = Product(settings, lambda: postgres_server.create_database("t_" + secrets.token_hex(6)))
    yield running
    running.stop()


def make_organizer(product: Product, name: str) -> Person:
    email, password = f"{name.lower()}@example.org", f"{name} has a long passphrase"
    answer = product.clients["dashboard"].post(
        "/v1/organizers", headers=bearer(ADMIN), json={"email": email, "name": name, "password": password}
    )
    assert answer.status_code == 201, answer.json
    return Person(answer.json["id"], email, password)


def token_by_password(product: Product, who: Person, **body) -> dict:
    answer = product.clients["dashboard"].post(
        "/v1/tokens", headers=basic(who.email, who.password), json={"name": "script", **body}
    )
    assert answer.status_code == 201, answer.json
    return answer.json


@dataclass
class World:
    event: str  # Olivia's event: Sam is staff on it, Vera viewer, Nadia nothing
    other: str  # another of Olivia's events, where Sam is staff too
    attendee: str
    badge_token: str
    tokens: dict[str, str]  # who -> their token


@pytest.fixture(scope="module")
def world(product) -> World:
    make_organizer(product, "Admin")  # the first organizer is an admin: the others are not
    olivia, sam, vera, nadia = (make_organizer(product, n) for n in ("Olivia", "Sam", "Vera", "Nadia"))
    owner = token_by_password(product, olivia)["token"]
    events = []
    for name in ("Riyadh Design Week", "Jeddah Makers"):
        made = product.call("dashboard", "POST", "/v1/events", owner, {**EVENT, "name": name})
        assert made.status_code == 201, made.json
        events.append(made.json["id"])
    event, other = events
    for email, role, where in (
        (sam.email, "staff", event),
        (vera.email, "viewer", event),
        (sam.email, "staff", other),
    ):
        granted = product.call(
            "dashboard", "POST", f"/v1/events/{where}/organizers", owner, {"email": email, "role": role}
        )
        assert granted.status_code == 201 and granted.json["role"] == role, granted.json
    person = product.call(
        "badge",
        "POST",
        f"/v1/events/{event}/attendees",
        ADMIN,
        {"name": "Lina Haddad", "email": "lina@example.org"},
    )
    assert person.status_code == 201, person.json
    product.deliver()
    tokens = {
        "owner": owner,
        "staff": token_by_password(product, sam, role="staff")["token"],
        "viewer": token_by_password(product, vera, role="viewer")["token"],
        "no grant": token_by_password(product, nadia)["token"],
        # Sam's owner token acts as staff where Sam is staff: a token is cut down to the grant.
        "staff's owner token": token_by_password(product, sam, role="owner")["token"],
        "staff, one event": token_by_password(product, sam, role="staff", event_id=event)["token"],
    }
    return World(event, other, person.json["id"], person.json["badge_token"], tokens)


def new_attendee() -> dict:
    return {"name": "عمر الفاروق", "email": f"omar{next(_emails)}@example.org"}


# (service, method, path, permission, body): every organizer endpoint, one of each kind.
# {e} is the event, {a} its attendee, {b} their badge token.
ENDPOINTS = [
    ("badge", "GET", "/v1/events/{e}", "view", None),
    ("badge", "PATCH", "/v1/events/{e}", "manage", {"venue": "Hall B"}),
    ("badge", "POST", "/v1/events/{e}/attendees", "attendees", new_attendee),
    ("badge", "GET", "/v1/events/{e}/attendees", "contacts", None),
    ("badge", "GET", "/v1/attendees/{a}", "contacts", None),
    ("badge", "PATCH", "/v1/attendees/{a}", "attendees", {"company": "Souk Labs"}),
    ("badge", "POST", "/v1/attendees/{a}/reissue", "badges", None),
    ("badge", "POST", "/v1/events/{e}/badges/verify", "badges", {"token": "{b}"}),
    ("badge", "GET", "/v1/attendees/{a}/badge.png", "badges", None),
    ("scan", "GET", "/v1/events/{e}/scan-summary", "view", None),
    ("followup", "GET", "/v1/events/{e}/followups", "followups", None),
    ("followup", "GET", "/v1/events/{e}/followup/wording", "followups", None),
    ("followup", "PUT", "/v1/events/{e}/followup/wording/en", "manage", {"subject": "Good to meet you"}),
    ("match", "GET", "/v1/events/{e}/conversion", "view", None),
    ("dashboard", "GET", "/v1/events/{e}/stats", "view", None),
    ("dashboard", "GET", "/v1/events/{e}/graph", "view", None),
    ("dashboard", "GET", "/v1/events/{e}/organizers", "manage", None),
    (
        "dashboard",
        "POST",
        "/v1/events/{e}/organizers",
        "manage",
        {"email": "guest@example.org", "role": "viewer"},
    ),
]
ENDPOINT_IDS = [f"{s} {m} {p}" for s, m, p, *_ in ENDPOINTS]
ROLE_OF = {"owner": "owner", "staff": "staff", "viewer": "viewer", "staff's owner token": "staff"}


def ask(product: Product, world: World, endpoint, token: str, event: str | None = None):
    service, method, path, _, body = endpoint
    path = path.format(e=event or world.event, a=world.attendee)
    body = body() if callable(body) else body
    if body == {"token": "{b}"}:  # the attendee's badge as it is now (a test before may have reissued it)
        body = {
            "token": product.call("badge", "GET", f"/v1/attendees/{world.attendee}", ADMIN).json[
                "badge_token"
            ]
        }
    return product.call(service, method, path, token, body)


def assert_forbidden(answer) -> None:
    assert answer.status_code == 403, answer.get_data(as_text=True)[:300]
    assert answer.mimetype == PROBLEM and answer.json["code"] == "forbidden", answer.json


def test_each_role_may_do_what_its_permissions_say_in_every_service_and_nothing_else(product, world):
    for endpoint in ENDPOINTS:
        permission = endpoint[3]
        for who, role in ROLE_OF.items():
            answer = ask(product, world, endpoint, world.tokens[who])
            if permission in PERMISSIONS[role]:
                assert answer.status_code < 300, (
                    endpoint,
                    who,
                    answer.status_code,
                    answer.get_data(as_text=True),
                )
            else:
                assert_forbidden(answer)


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=ENDPOINT_IDS)
def test_a_token_reaches_no_event_outside_its_scope(product, world, endpoint):
    # Sam is staff on the other event too, but this token is for the first one only.
    answer = ask(product, world, endpoint, world.tokens["staff, one event"], event=world.other)
    if "{e}" in endpoint[2]:
        assert_forbidden(answer)
    # ... and it works on its own event, as staff.
    mine = ask(product, world, endpoint, world.tokens["staff, one event"])
    if endpoint[3] in PERMISSIONS["staff"]:
        assert mine.status_code < 300, (endpoint, mine.get_data(as_text=True))
    else:
        assert_forbidden(mine)


def test_an_organizer_without_a_grant_is_refused_everywhere(product, world):
    for endpoint in ENDPOINTS:
        answer = ask(product, world, endpoint, world.tokens["no grant"])
        if endpoint[0] == "dashboard":
            # The dashboard does not say whether an event it will not show exists (as before).
            assert answer.status_code == 404 and answer.json["code"] == "unknown_event", endpoint
        else:
            assert_forbidden(answer)


def test_the_admin_token_is_the_superuser_of_every_service(product, world):
    for endpoint in ENDPOINTS:
        answer = ask(product, world, endpoint, ADMIN)
        assert answer.status_code < 300, (endpoint, answer.get_data(as_text=True))
    listed = product.call("dashboard", "GET", "/v1/events", ADMIN)
    assert {world.event, world.other} <= {e["id"] for e in listed.json["events"]}
    made = product.call("dashboard", "POST", "/v1/events", ADMIN, {**EVENT, "name": "Admin's own"})
    assert made.status_code == 201, made.json


def test_only_owners_and_admins_create_events_and_one_event_tokens_never(product, world):
    for who, status in (
        ("owner", 201),
        ("staff's owner token", 201),
        ("staff", 403),
        ("staff, one event", 403),
    ):
        answer = product.call("badge", "POST", "/v1/events", world.tokens[who], {**EVENT, "name": "New"})
        assert answer.status_code == status, (who, answer.json)


def test_the_creator_of_an_event_on_the_badge_service_owns_it_everywhere(product, world):
    made = product.call("badge", "POST", "/v1/events", world.tokens["owner"], {**EVENT, "name": "Direct"})
    assert made.status_code == 201, made.json
    event = made.json["id"]
    assert (
        product.call(
            "badge", "PATCH", f"/v1/events/{event}", world.tokens["owner"], {"venue": "X"}
        ).status_code
        == 200
    )
    product.deliver()
    wording = product.call("followup", "GET", f"/v1/events/{event}/followup/wording", world.tokens["owner"])
    assert wording.status_code in (200, 404) and wording.json.get("code") != "forbidden", wording.json


@pytest.mark.parametrize("service", SERVICES)
def test_forged_and_tampered_tokens_are_refused(product, world, service):
    path = {
        "dashboard": "/v1/events/{e}/stats",
        "badge": "/v1/events/{e}",
        "scan": "/v1/events/{e}/scan-summary",
        "followup": "/v1/events/{e}/followup/wording",
        "match": "/v1/events/{e}/conversion",
    }[service].format(e=world.event)
    good = world.tokens["owner"]
    tampered = good[:-3] + ("A" if good[-3] != "A" else "B") + good[-2:]
    claims = organizers.read(product.apps["badge"].extensions["organizer_signer"], good, utc_now())
    forged = organizers.issue(
        TokenSigner("a key that is not ours, long enough"), replace(claims, role="owner")
    )
    for token in (tampered, forged, "rap_org_" + "A" * 60, "not-a-token"):
        answer = product.call(service, "GET", path, token)
        assert answer.status_code == 401 and answer.mimetype == PROBLEM, (
            token,
            answer.get_data(as_text=True),
        )


def test_a_revoked_token_is_refused_by_every_service_once_the_bus_carries_it(product, world):
    made = token_by_password(product, Person("", "olivia@example.org", "Olivia has a long passphrase"))
    paths = {
        "dashboard": "/v1/events/{e}/stats",
        "badge": "/v1/events/{e}",
        "scan": "/v1/events/{e}/scan-summary",
        "followup": "/v1/events/{e}/followup/wording",
        "match": "/v1/events/{e}/conversion",
    }
    for name, path in paths.items():
        assert product.call(name, "GET", path.format(e=world.event), made["token"]).status_code == 200, name
    listed = product.call("dashboard", "GET", "/v1/tokens", world.tokens["owner"]).json["tokens"]
    assert made["id"] in {t["id"] for t in listed}
    assert (
        product.call("dashboard", "DELETE", f"/v1/tokens/{made['id']}", world.tokens["owner"]).status_code
        == 204
    )
    # The dashboard refuses it at once; the others once they have read rapport.organizers.
    refused = product.call("dashboard", "GET", paths["dashboard"].format(e=world.event), made["token"])
    assert (refused.status_code, refused.json["code"]) == (401, "revoked_token")
    product.deliver()
    for name, path in paths.items():
        answer = product.call(name, "GET", path.format(e=world.event), made["token"])
        assert (answer.status_code, answer.json["code"]) == (401, "revoked_token"), name
    # The organizer's other tokens still work.
    assert product.call("badge", "GET", f"/v1/events/{world.event}", world.tokens["owner"]).status_code == 200


def test_a_token_is_made_with_the_email_and_password_by_http_basic(product, world):
    dashboard = product.clients["dashboard"]
    made = dashboard.post(
        "/v1/tokens",
        headers=basic("olivia@example.org", "Olivia has a long passphrase"),
        json={"name": "pretix sync", "role": "staff", "event_id": world.event},
    )
    assert made.status_code == 201, made.json
    assert {k: made.json[k] for k in ("name", "role", "event_id", "expires_at")} == {
        "name": "pretix sync",
        "role": "staff",
        "event_id": world.event,
        "expires_at": None,
    }
    assert made.json["token"].startswith("rap_org_")
    assert (
        product.call("badge", "GET", f"/v1/events/{world.event}/attendees", made.json["token"]).status_code
        == 200
    )
    for credentials in (
        basic("olivia@example.org", "not her password"),
        basic("nobody@example.org", "Olivia has a long passphrase"),
        {"Authorization": "Basic not-base64!"},
    ):
        refused = dashboard.post("/v1/tokens", headers=credentials, json={"name": "x"})
        assert refused.status_code == 401 and refused.mimetype == PROBLEM, refused.get_data(as_text=True)
        assert refused.json["code"] == "bad_credentials"
        assert refused.headers["WWW-Authenticate"].startswith("Basic")
    # Basic is for making tokens only: every other route wants a token or a login.
    elsewhere = dashboard.get(
        f"/v1/events/{world.event}/stats", headers=basic("olivia@example.org", "Olivia has a long passphrase")
    )
    assert elsewhere.status_code == 401


@pytest.mark.parametrize(
    "body, field",
    [
        ({"role": "boss"}, "role"),
        ({"event_id": "nope"}, "event_id"),
        ({"event_id": 7}, "event_id"),
        ({"expires_at": "2020-01-01T00:00:00Z"}, "expires_at"),
        ({"expires_at": "tomorrow"}, "expires_at"),
        ({"name": ""}, "name"),
    ],
)
def test_a_token_request_that_makes_no_sense_is_refused_saying_why(product, world, body, field):
    answer = product.clients["dashboard"].post(
        "/v1/tokens",
        headers=basic("olivia@example.org", "Olivia has a long passphrase"),
        json={"name": "script", **body},
    )
    assert answer.status_code == 422 and field in answer.json["errors"], answer.json


def test_no_token_is_stronger_than_what_made_it_or_than_the_grant(product, world):
    sam = basic("sam@example.org", "Sam has a long passphrase")
    dashboard = product.clients["dashboard"]
    # Sam is staff on the event: no owner token for it.
    assert_forbidden(
        dashboard.post(
            "/v1/tokens", headers=sam, json={"name": "x", "role": "owner", "event_id": world.event}
        )
    )
    # A staff token cannot make an owner token, nor a one-event token one for another event.
    assert_forbidden(
        dashboard.post(
            "/v1/tokens", headers=bearer(world.tokens["staff"]), json={"name": "x", "role": "owner"}
        )
    )
    assert_forbidden(
        dashboard.post(
            "/v1/tokens",
            headers=bearer(world.tokens["staff, one event"]),
            json={"name": "x", "role": "staff", "event_id": world.other},
        )
    )
    # An event nobody gave Vera access to is not one she can see.
    unseen = dashboard.post(
        "/v1/tokens",
        headers=basic("vera@example.org", "Vera has a long passphrase"),
        json={"name": "x", "role": "viewer", "event_id": world.other},
    )
    assert unseen.status_code == 404 and unseen.json["code"] == "unknown_event"


def newcomer(product: Product, world: World, name: str, role: str) -> tuple[Person, str]:
    """An organizer of this test's own, given `role` on the event by its owner, with a token."""
    who = make_organizer(product, name)
    granted = product.call(
        "dashboard",
        "POST",
        f"/v1/events/{world.event}/organizers",
        world.tokens["owner"],
        {"email": who.email, "role": role},
    )
    assert granted.status_code == 201, granted.json
    product.deliver()
    return who, token_by_password(product, who, role=role)["token"]


def test_an_expired_token_is_refused_by_every_service(product, world):
    soon = iso(utc_now() + timedelta(minutes=10))
    made = token_by_password(
        product, Person("", "olivia@example.org", "Olivia has a long passphrase"), expires_at=soon
    )
    assert made["expires_at"] == soon
    later = utc_now() + timedelta(minutes=11)
    for name, app in product.apps.items():
        path = "/v1/events/{e}/stats" if name == "dashboard" else None
        path = path or next(p for s, m, p, _, _ in ENDPOINTS if s == name and m == "GET")
        path = path.format(e=world.event, a=world.attendee)
        assert product.call(name, "GET", path, made["token"]).status_code == 200, name
        clock = app.extensions["dashboard"] if name == "dashboard" else None
        saved = clock.clock if clock else app.extensions["organizer_clock"]
        try:
            if clock:
                clock.clock = lambda: later
            else:
                app.extensions["organizer_clock"] = lambda: later
            answer = product.call(name, "GET", path, made["token"])
            assert (answer.status_code, answer.json["code"]) == (401, "expired_token"), name
        finally:
            if clock:
                clock.clock = saved
            else:
                app.extensions["organizer_clock"] = saved


def test_taking_access_away_reaches_every_service(product, world):
    tariq, staff = newcomer(product, world, "Tariq", "staff")
    path = f"/v1/events/{world.event}/followup/wording"
    assert product.call("followup", "GET", path, staff).status_code == 200
    gone = product.call(
        "dashboard", "DELETE", f"/v1/events/{world.event}/organizers/{tariq.email}", world.tokens["owner"]
    )
    assert gone.status_code == 204
    assert product.call("dashboard", "GET", f"/v1/events/{world.event}/stats", staff).status_code == 404
    product.deliver()
    assert_forbidden(product.call("followup", "GET", path, staff))
    assert_forbidden(product.call("badge", "GET", f"/v1/events/{world.event}/attendees", staff))
    assert_forbidden(product.call("scan", "GET", f"/v1/events/{world.event}/scan-summary", staff))


def test_an_admin_removes_an_organizer_and_their_tokens_stop_everywhere(product, world):
    rami, token = newcomer(product, world, "Rami", "viewer")
    admin = token_by_password(product, Person("", "admin@example.org", "Admin has a long passphrase"))[
        "token"
    ]
    listed = product.call("dashboard", "GET", "/v1/organizers", admin)
    assert rami.email in {o["email"] for o in listed.json["organizers"]}
    assert_forbidden(product.call("dashboard", "GET", "/v1/organizers", world.tokens["owner"]))
    assert product.call("match", "GET", f"/v1/events/{world.event}/conversion", token).status_code == 200
    assert product.call("dashboard", "DELETE", f"/v1/organizers/{rami.id}", admin).status_code == 204
    product.deliver()
    for service, path in (
        ("dashboard", "/v1/events/{e}/stats"),
        ("badge", "/v1/events/{e}"),
        ("match", "/v1/events/{e}/conversion"),
    ):
        answer = product.call(service, "GET", path.format(e=world.event), token)
        assert (answer.status_code, answer.json["code"]) == (401, "revoked_token"), service


def test_the_dashboard_calls_other_services_as_the_acting_organizer(product, world):
    """A viewer sees the event in the dashboard but cannot close it: the badge service, which the
    dashboard asks with the viewer's own short-lived token, refuses, and the viewer reads why."""
    from tests.integration.dashboard.conftest import HTML, csrf_of, log_in

    browser = product.apps["dashboard"].test_client()
    assert log_in(browser, Person("", "vera@example.org", "Vera has a long passphrase")).status_code == 303
    page = browser.get(f"/events/{world.event}", headers=HTML)
    assert page.status_code == 200
    closing = browser.post(
        f"/events/{world.event}/close", data={"csrf_token": csrf_of(page.text)}, headers=HTML
    )
    assert closing.status_code == 403, closing.text[:300]
    assert product.call("badge", "GET", f"/v1/events/{world.event}", ADMIN).json["status"] == "open"


def test_a_viewers_export_has_the_same_columns_and_nobodys_contact_details(product, world):
    shared = product.call(
        "badge",
        "POST",
        f"/v1/events/{world.event}/attendees",
        ADMIN,
        {"name": "Sara Nasser", "email": "sara@example.org", "consent_share_contact": True},
    )
    assert shared.status_code == 201, shared.json
    product.deliver()
    path = f"/v1/events/{world.event}/exports/attendees.csv"
    owners = product.call("dashboard", "GET", path, world.tokens["owner"]).get_data(as_text=True)
    viewers = product.call("dashboard", "GET", path, world.tokens["viewer"]).get_data(as_text=True)
    assert "sara@example.org" in owners and "sara@example.org" not in viewers
    assert "@" not in viewers
    assert owners.splitlines()[0] == viewers.splitlines()[0]
    assert len(owners.splitlines()) == len(viewers.splitlines())
    assert "Sara Nasser" in viewers


def test_only_an_admins_full_token_adds_organizers(product, world):
    admin = Person("", "admin@example.org", "Admin has a long passphrase")
    narrow = token_by_password(product, admin, role="viewer")["token"]
    body = {"email": "new@example.org", "name": "New", "password": "a long enough passphrase"}
    refused = product.call("dashboard", "POST", "/v1/organizers", narrow, body)
    assert (refused.status_code, refused.json["code"]) == (403, "not_admin")
    refused = product.call("dashboard", "POST", "/v1/organizers", world.tokens["owner"], body)
    assert (refused.status_code, refused.json["code"]) == (403, "not_admin")
    full = token_by_password(product, admin)["token"]
    assert product.call("dashboard", "POST", "/v1/organizers", full, body).status_code == 201
