"""The live view with the match service really running (over HTTP, its own PostgreSQL database,
the real embedding model): each person who met nobody shows their best match to introduce, and
the view counts suggested pairs that met after the suggestion. Without the match service the view
stays as it was (shared-interest introductions, no such figure)."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from deploy.rig.ports import free_port
from services.dashboard.matchinsights import MatchInsights
from services.match import create_app as create_match
from shared import events as ev
from shared import identity
from shared.envelope import iso, utc_now
from shared.identity import TokenClaims
from shared.tokens import TokenSigner
from shared.upstream import Upstream
from tests.integration.dashboard.conftest import HTML, grant, log_in
from tests.integration.dashboard.running import Served
from tests.integration.match.test_suggestions import DISTRACTORS
from tests.matchfeed import feed_match

pytestmark = pytest.mark.postgres


@pytest.fixture
def match_app(settings, new_database):
    return create_match(replace(settings, match_database_url=new_database()))


@pytest.fixture
def match_served(match_app):
    served = Served(match_app)
    yield served
    served.stop()


@pytest.fixture
def dashboard_settings(settings, database_url, match_served):
    return replace(settings, dashboard_database_url=database_url, match_url=match_served.url)


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(app, dashboard_settings) -> Clock:
    """The dashboard's match answers are kept 15 s: this clock says when they are stale."""
    clock = Clock()
    upstream = Upstream("match", dashboard_settings.match_url, dashboard_settings.admin_token)
    app.extensions["dashboard"].match = MatchInsights(upstream, clock=clock)
    return clock


class Event:
    def __init__(self, app, feed, match_app):
        self.feed, self.match = feed, match_app.extensions["match"]
        self.id = identity.new_event_id()
        self.both(
            ev.EventCreated(
                event_id=self.id,
                name="Riyadh Tech Week",
                venue="",
                language="en",
                starts_at="2026-12-01T06:00:00Z",
                ends_at="2026-12-03T15:00:00Z",
                timezone="Asia/Riyadh",
            )
        )

    def both(self, *events) -> None:
        self.feed(*events)
        feed_match(self.match, *events)

    def person(self, name: str, language: str = "en", **profile) -> str:
        attendee_id = identity.new_attendee_id()
        self.both(
            ev.AttendeeRegistered(
                event_id=self.id,
                attendee_id=attendee_id,
                name=name,
                email=f"{attendee_id}@x.org",
                language=language,
                short_code=identity.new_short_code(),
                **profile,
            )
        )
        return attendee_id

    def scan(self, a: str, b: str, when) -> None:
        self.both(
            ev.ScanRecorded(
                event_id=self.id,
                meeting_id=f"m{a}{b}",
                scanner=a,
                scanned=b,
                scanned_at=iso(when),
                client_scan_id=identity.new_short_code(),
            )
        )


def test_people_who_met_nobody_show_their_best_match_and_the_view_counts_suggested_pairs_that_met(
    app, client, feed, match_app, alice, clock
):
    event = Event(app, feed, match_app)
    grant(app, alice, event.id)
    layla = event.person("Layla", "ar", looking_for="أبحث عن مستثمر في شركات تقنيات التعليم الناشئة")
    for i, (lang, give, seek) in enumerate(DISTRACTORS):
        event.person(f"Guest {i}", lang, can_help_with=give, looking_for=seek, company=f"Company {i}")
    sam = event.person(
        "Sam Carter", can_help_with="I invest in early-stage edtech startups", company="Falcon"
    )
    log_in(client, alice)

    live = client.get(f"/v1/events/{event.id}/live?since=0").json
    unmet = {p["id"]: p for p in live["unmet"]}
    assert unmet[layla]["best_match"]["attendee_id"] == sam
    assert "I invest in early-stage edtech startups" in unmet[layla]["best_match"]["reason"]
    assert live["suggestions"] == {
        "event_id": event.id,
        "suggested_pairs": 0,
        "met_after_suggestion": 0,
        "share": 0,
    }
    page = client.get(f"/events/{event.id}", headers=HTML).text
    assert "Best match to introduce: \u2068Sam Carter\u2069" in page and 'id="stat-suggested">0<' in page

    signer = TokenSigner.from_settings(match_app.extensions["match"].settings)
    token = identity.issue_token(signer, identity.PRIVATE, TokenClaims(event.id, layla, 1))
    shown = match_app.test_client().get("/v1/me/suggestions", headers={"Authorization": f"Bearer {token}"})
    assert shown.json["suggestions"][0]["attendee_id"] == sam
    event.scan(layla, sam, utc_now() + timedelta(minutes=2))  # they met, after the suggestion

    assert (
        client.get(f"/v1/events/{event.id}/live?since=0").json["suggestions"]["suggested_pairs"] == 0
    )  # kept 15 s
    clock.now += 16
    live = client.get(f"/v1/events/{event.id}/live?since=0").json
    assert (live["suggestions"]["suggested_pairs"], live["suggestions"]["met_after_suggestion"]) == (5, 1)
    assert layla not in {p["id"] for p in live["unmet"]}
    page = client.get(f"/events/{event.id}", headers=HTML).text
    assert 'id="stat-suggested-met">1<' in page and 'id="stat-suggested">5<' in page


def test_without_the_match_service_the_live_view_is_as_before(
    app, client, feed, match_app, alice, dashboard_settings
):
    app.extensions["dashboard"].match = MatchInsights(
        Upstream("match", f"http://127.0.0.1:{free_port()}", dashboard_settings.admin_token)
    )  # nothing listens there
    event = Event(app, feed, match_app)
    grant(app, alice, event.id)
    event.person("Layla", interests=("edtech",))
    event.person("Sam", interests=("edtech",))
    log_in(client, alice)
    live = client.get(f"/v1/events/{event.id}/live?since=0")
    assert live.status_code == 200
    assert live.json["suggestions"] is None and all(p["best_match"] is None for p in live.json["unmet"])
    assert live.json["unmet"][0]["introduce_to"]["interest"] == "edtech"
    page = client.get(f"/events/{event.id}", headers=HTML)
    assert page.status_code == 200 and 'id="suggested-counter" hidden' in page.text
