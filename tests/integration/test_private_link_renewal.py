"""A new private link refuses the old one everywhere: the badge service's /me page, the scan
service's bearer token, identity cookie and /i/ link, and the match service's bearer token.

Three services, each on its own PostgreSQL database; the badge service's outbox goes through a
real (embedded) bus, and each read model takes it in through its consumer's own handler.
"""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from services.badge import create_app as badge_app
from services.match import create_app as match_app
from services.match.readmodel import TYPES as MATCH_TYPES
from services.match.readmodel import applier
from services.scan import create_app as scan_app
from services.scan.handlers import READ_MODEL_TYPES as SCAN_TYPES
from services.scan.handlers import apply_event
from services.scan.pages import COOKIE
from shared.bus.embedded import EmbeddedBus
from shared.bus.worker import Worker
from shared.consumer import applied_once
from shared.outbox import relay_once
from tests.datakeys import keyring_for

ADMIN = {"Authorization": "Bearer test-admin-token"}
HTML = {"Accept": "text/html", "Accept-Language": "en"}
EVENT = {
    "name": "Riyadh Design Week",
    "venue": "JAX District",
    "starts_at": "2026-12-01T09:00:00+03:00",
    "ends_at": "2026-12-03T18:00:00+03:00",
    "timezone": "Asia/Riyadh",
    "language": "en",
}


@pytest.fixture
def apps(settings, new_database):
    return {
        "badge": badge_app(replace(settings, badge_database_url=new_database())),
        "scan": scan_app(replace(settings, scan_database_url=new_database())),
        "match": match_app(replace(settings, match_database_url=new_database())),
    }


@pytest.fixture
def deliver(apps, tmp_path):
    """Relay the badge outbox to the bus, and feed what is new to the scan and match read models."""
    bus = EmbeddedBus(tmp_path / "bus.sqlite3")
    scan, match = apps["scan"].extensions["scan"], apps["match"].extensions["match"]
    to_match = applier()

    def deliver() -> None:
        with bus.producer() as producer:
            while relay_once(apps["badge"].extensions["badge"].sessions, producer):
                pass
        # Each consumer's own dispatch: the types it subscribes to, applied once per message id.
        for group, service, types, apply in (
            ("scan", scan, SCAN_TYPES, apply_event),
            ("match", match, MATCH_TYPES, to_match),
        ):
            handler = applied_once(service.sessions, group, apply)
            with (
                bus.producer() as dead_letters,
                bus.consumer(group, ["rapport.events", "rapport.attendees"]) as c,
            ):
                worker = Worker(
                    c, dead_letters, group, {t: handler for t in types}, keys=keyring_for(apps["badge"])
                )
                while worker.run_once(timeout=0.2):
                    pass
                assert worker.dead_lettered == 0
        scan.directory.invalidate()
        match.index.invalidate()

    return deliver


def private(apps, token: str) -> dict:
    """What each service answers to this private token, as a status code (and code, for refusals)."""
    badge, scan, match = (apps[name].test_client() for name in ("badge", "scan", "match"))
    bearer = {"Authorization": f"Bearer {token}"}
    scan.set_cookie(COOKIE, token)
    people_page = scan.get("/me/people", headers=HTML)
    return {
        "badge /me": badge.get(f"/me/{token}", headers=HTML).status_code,
        "scan bearer": (lambda r: (r.status_code, r.json.get("code")))(
            scan.get("/v1/me/people", headers={**bearer, "Accept": "application/json"})
        ),
        "scan cookie": "signed in"
        if 'aria-label="Your pages"' in people_page.text
        else ("replaced" if "replaced by a newer one" in people_page.text else "other"),
        "scan /i/": apps["scan"].test_client().get(f"/i/{token}", headers=HTML).status_code,
        "match bearer": (lambda r: (r.status_code, r.json.get("code")))(
            match.get("/v1/me/suggestions", headers=bearer)
        ),
    }


WORKS = {
    "badge /me": 200,
    "scan bearer": (200, None),
    "scan cookie": "signed in",
    "scan /i/": 303,
    "match bearer": (200, None),
}
REFUSED = {
    "badge /me": 410,
    "scan bearer": (401, "replaced"),
    "scan cookie": "replaced",
    "scan /i/": 410,
    "match bearer": (401, "replaced"),
}


def test_a_new_private_link_refuses_the_old_link_token_and_cookie_in_every_service(apps, deliver):
    badge = apps["badge"].test_client()
    event = badge.post("/v1/events", json=EVENT, headers=ADMIN).json
    lina = badge.post(
        f"/v1/events/{event['id']}/attendees",
        json={"name": "Lina Haddad", "email": "lina@x.org"},
        headers=ADMIN,
    ).json
    deliver()
    old = lina["scanner_token"]
    assert private(apps, old) == WORKS

    renewed = badge.post(f"/v1/attendees/{lina['id']}/private-link", headers=ADMIN)
    assert renewed.status_code == 200
    new = renewed.json["scanner_token"]
    assert new != old and renewed.json["private_url"].endswith(new)
    assert renewed.json["badge_token"] == lina["badge_token"]  # the printed badge stays good
    deliver()
    assert private(apps, old) == REFUSED
    assert private(apps, new) == WORKS

    page = badge.get(f"/me/{old}", headers=HTML).text
    assert "A newer private link was made for you" in page and re.search(r'href="[^"]*/signin\?event=', page)
    arabic = badge.get(f"/me/{old}?lang=ar", headers=HTML).text
    assert 'dir="rtl"' in arabic and "استُبدل هذا الرابط" in arabic


def test_a_reissued_badge_renews_the_private_link_too(apps, deliver):
    badge = apps["badge"].test_client()
    event = badge.post("/v1/events", json=EVENT, headers=ADMIN).json
    omar = badge.post(
        f"/v1/events/{event['id']}/attendees", json={"name": "عمر", "email": "omar@x.org"}, headers=ADMIN
    ).json
    reissued = badge.post(f"/v1/attendees/{omar['id']}/reissue", headers=ADMIN).json
    deliver()
    assert private(apps, omar["scanner_token"]) == REFUSED
    assert private(apps, reissued["scanner_token"]) == WORKS


def test_renewing_needs_an_organizer_and_a_known_attendee(apps):
    badge = apps["badge"].test_client()
    assert badge.post("/v1/attendees/nobody/private-link").status_code == 401
    unknown = badge.post("/v1/attendees/nobody/private-link", headers=ADMIN)
    assert unknown.status_code == 404 and unknown.mimetype == "application/problem+json"
