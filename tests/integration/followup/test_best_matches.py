"""Someone who met nobody gets, in their follow-up, the match service's best matches (with why, in
their language) instead of shared-interest guesses: the match service really running over HTTP on
its own PostgreSQL database with the real embedding model. Without it, the guesses come back.
The emails are rendered in Chromium (390 and 1280 px, en and ar); screenshots in
/tmp/shots-issue-17-pages/."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from deploy.rig.ports import free_port
from services.followup.bestmatches import BestMatches
from services.followup.compose import EventInfo
from services.followup.models import Attendee
from services.followup.store import load_digests
from services.match import create_app as create_match
from shared import events as ev
from shared import identity
from shared.upstream import Upstream
from tests.integration.dashboard.running import Served
from tests.integration.followup.test_compose import visible_text
from tests.integration.match.test_suggestions import DISTRACTORS
from tests.matchfeed import feed_match

pytestmark = pytest.mark.postgres
SHOTS = Path("/tmp/shots-issue-17-pages")


@pytest.fixture
def match_app(settings, new_database):
    return create_match(replace(settings, match_database_url=new_database()))


@pytest.fixture
def match_url(match_app):
    served = Served(match_app)
    yield served.url
    served.stop()


class Both:
    """The event as the follow-up's and the match service's consumers both have it."""

    def __init__(self, world, match_app):
        self.world, self.match = world, match_app.extensions["match"]
        self.feed(
            ev.EventCreated(
                event_id=world.event_id,
                name="Gulf Product Summit",
                venue="Dubai",
                starts_at="2026-12-01T06:00:00Z",
                ends_at="2026-12-01T15:00:00Z",
                timezone="Asia/Dubai",
                language="en",
            ),
            followup=False,
        )

    def feed(self, *events, followup: bool = True) -> None:
        if followup:
            self.world.apply(*events)
        feed_match(self.match, *events)

    def person(self, name: str, language: str = "en", share: bool = True, **profile) -> str:
        attendee_id = identity.new_attendee_id()
        self.feed(
            ev.AttendeeRegistered(
                event_id=self.world.event_id,
                attendee_id=attendee_id,
                name=name,
                email=f"{attendee_id}@example.org",
                language=language,
                short_code=identity.new_short_code(),
                consent_followup=True,
                consent_share_contact=share,
                **profile,
            )
        )
        return attendee_id


def followup(service, world, reader: str, best_matches):
    with service.sessions() as session:
        digest = load_digests(session, [session.get(Attendee, reader)], best_matches)[reader]
    return service.composer.compose(EventInfo(world.event_id, "Gulf Product Summit"), digest, "followup")


@pytest.fixture
def event(world, match_app):
    both = Both(world, match_app)
    for i, (lang, give, seek) in enumerate(DISTRACTORS):
        both.person(f"Guest {i + 1}", lang, can_help_with=give, looking_for=seek, company=f"Company {i}")
    both.person("Gardener", interests=("gardening",), can_help_with="I grow tomatoes on my balcony")
    both.person("Shy Investor", share=False, can_help_with="I invest in early-stage edtech startups")
    both.sam = both.person(
        "Sam Carter",
        can_help_with="I invest in early-stage edtech startups",
        looking_for="someone who writes Arabic learning content",
        company="Falcon Ventures",
    )
    return both


def test_who_met_nobody_gets_their_best_matches_with_why(service, world, event, match_url):
    reader = event.person(
        "Layla Haddad",
        interests=("gardening",),
        looking_for="an investor for my edtech startup",
        can_help_with="I write Arabic learning content",
    )
    email = followup(service, world, reader, BestMatches(Upstream("match", match_url, "test-admin-token")))
    assert "what you are looking for and what they can help with fit" in email.text
    people = email.text.split("a good way to start.")[1]
    assert people.split("* ")[1].startswith("Sam Carter")  # the best match first
    assert "Someone at this event you have not met yet" not in email.text  # no reason, no stranger
    assert "“I invest in early-stage edtech startups”" in people  # why, in her words and his
    assert "Shy Investor" not in email.text  # did not agree to share their contact
    assert "<bdi>I invest in early-stage edtech startups</bdi>" in email.html
    assert "Sam Carter" in visible_text(email.html)

    arabic = event.person("ليلى حداد", "ar", looking_for="أبحث عن مستثمر لشركتي الناشئة في تقنيات التعليم")
    arabic_email = followup(
        service, world, arabic, BestMatches(Upstream("match", match_url, "test-admin-token"))
    )
    assert (
        "يلتقي ما تبحث عنه" in arabic_email.text
        and "«I invest in early-stage edtech startups»" in arabic_email.text
    )
    screenshots({"en": email.html, "ar": arabic_email.html})


def test_without_the_match_service_the_follow_up_guesses_from_shared_interests(service, world, event):
    reader = event.person(
        "Layla Haddad", interests=("gardening",), looking_for="an investor for my edtech startup"
    )
    down = BestMatches(Upstream("match", f"http://127.0.0.1:{free_port()}", "test-admin-token"))
    email = followup(service, world, reader, down)
    assert (
        "share your interests" in email.text and "Gardener" in email.text and "Sam Carter" not in email.text
    )


def screenshots(emails: dict[str, str]) -> None:
    SHOTS.mkdir(exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
        )
        try:
            for lang, html in emails.items():
                for width in (390, 1280):
                    page = browser.new_page(viewport={"width": width, "height": 844})
                    page.set_content(html)
                    assert (
                        page.evaluate("document.documentElement.scrollWidth") <= width
                    )  # no sideways scroll
                    page.screenshot(
                        path=str(SHOTS / f"followup-best-matches-{lang}-{width}.png"), full_page=True
                    )
                    page.close()
        finally:
            browser.close()
