"""The live view's graph in Debian's Chromium, on a fake clock (Playwright's page.clock): people who
met nobody stay in view, labels never overlap, and the layout stays where it settled in a tab left
open for an hour. The dashboard is really served on PostgreSQL; its read model is fed the bus's
events as its consumer applies them (the graph is what is under test, not the bus)."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from services.dashboard import accounts
from services.dashboard import create_app as dashboard_app
from services.dashboard.consumer import GROUP
from services.dashboard.handlers import apply_event
from services.dashboard.models import Organizer
from shared.consumer import applied_once
from shared.events import to_envelope
from tests.e2e import test_scan_pages
from tests.integration.dashboard.conftest import NOW, World
from tests.integration.dashboard.running import Served

playwright, browser = test_scan_pages.playwright, test_scan_pages.browser
SHOTS = Path("/tmp/shots-issue-16-accounts")
PASSWORD = "a long organizer passphrase"
# Long names in both scripts, so that labels have every chance to collide.
CLUSTER = [
    "Lina Haddad",
    "عمر الفاروق بن خالد",
    "Sara Nasser-Al-Qahtani",
    "Huda Saleh",
    "Yusuf Amin",
    "نورة العتيبي",
    "Maximilian von Hohenzollern",
    "Fatima Zahra",
    "عبد الرحمن الهاشمي",
    "Omar Khalid",
]
HOSTILE = '<img src=x onerror="window.pwned=1">'  # a name is text: drawn as these characters
ALONE = ["Rania Aziz", "خالد الدوسري", "Peter Johnson-Smythe", "ريم الشمري", HOSTILE, "Leila Farouk"]
MEETINGS = [(0, 1), (0, 2), (0, 3), (1, 2), (2, 4), (3, 5), (4, 6), (5, 7), (6, 8), (7, 9), (8, 9), (1, 9)]


@pytest.fixture
def running(settings, new_database):
    app = dashboard_app(replace(settings, dashboard_database_url=new_database()))
    service = app.extensions["dashboard"]
    handle = applied_once(service.sessions, GROUP, apply_event)
    world = World(lambda *events: [handle(e, to_envelope(e)) for e in events]).created("Riyadh Design Week")
    people = [world.attendee(name) for name in CLUSTER]
    for name in ALONE:
        world.attendee(name)
    for i, (a, b) in enumerate(MEETINGS):
        world.met(people[a], people[b], NOW - timedelta(minutes=50 - i), mutual=i % 3 == 0)
    served = Served(app)
    yield app, served, world.event_id
    served.stop()


def log_in_organizer(app, event_id: str, language: str) -> str:
    with app.extensions["dashboard"].sessions() as session:
        made = accounts.create_organizer(
            session, accounts.NewOrganizer(f"noura-{language}@example.org", "Noura", PASSWORD, language), NOW
        )
        accounts.grant(session, session.get(Organizer, made.id), event_id, NOW)
        session.commit()
        return made.email


def settle(page, limit_seconds: int = 120) -> dict:
    """Run the fake clock until the layout says it settled; then its layout."""
    for _ in range(limit_seconds):
        if page.locator("#graph").get_attribute("data-settled") == "1":
            return page.evaluate("document.getElementById('graph').graphLayout()")
        page.clock.run_for(1000)
    raise AssertionError(f"the graph did not settle in {limit_seconds} s of fake time")


def overlaps(a: dict, b: dict) -> bool:
    return (
        a["x"] < b["x"] + b["w"]
        and b["x"] < a["x"] + a["w"]
        and a["y"] < b["y"] + b["h"]
        and b["y"] < a["y"] + a["h"]
    )


@pytest.mark.parametrize("language", ["en", "ar"])
@pytest.mark.parametrize(
    "viewport", [{"width": 390, "height": 844}, {"width": 1280, "height": 900}], ids=["phone", "desktop"]
)
def test_the_graph_keeps_everyone_in_view_labels_apart_and_stays_put_for_an_hour(
    browser, running, language, viewport
):
    app, served, event_id = running
    email = log_in_organizer(app, event_id, language)
    context = browser.new_context(base_url=served.url, viewport=viewport)
    page = context.new_page()
    page.clock.install()
    page.goto("/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("#login button[type=submit]")
    page.goto(f"/events/{event_id}")
    page.locator("#graph").scroll_into_view_if_needed()
    first = settle(page)
    assert len(first["nodes"]) == len(CLUSTER) + len(ALONE)

    # Everyone, and the people who met nobody above all, inside the graph's box and the window.
    frame = page.locator("#graph").bounding_box()
    alone = [n for n in first["nodes"] if n["meetings"] == 0]
    assert len(alone) == len(ALONE)
    for n in first["nodes"]:
        assert frame["x"] <= n["x"] - n["r"] and n["x"] + n["r"] <= frame["x"] + frame["width"], n
        assert frame["y"] <= n["y"] - n["r"] and n["y"] + n["r"] <= frame["y"] + frame["height"], n
        assert 0 <= n["x"] - n["r"] and n["x"] + n["r"] <= viewport["width"], n

    # Labels: the people who met nobody are named, and no two labels overlap.
    labels = first["labels"]
    assert len(labels) >= len(ALONE)
    for i, a in enumerate(labels):
        assert frame["x"] <= a["x"] and a["x"] + a["w"] <= frame["x"] + frame["width"] + 0.5, a  # whole
        for b in labels[i + 1 :]:
            assert not overlaps(a, b), (a, b)

    page.screenshot(path=str(SHOTS / f"graph-{language}-{viewport['width']}.png"), full_page=True)
    assert page.evaluate("window.pwned") is None and page.locator("#graph img").count() == 0

    # A tab left open for an hour: polls come and go, nothing changes, nothing moves.
    for _ in range(60):
        page.clock.run_for(60_000)
    later = page.evaluate("document.getElementById('graph').graphLayout()")
    before = {n["id"]: n for n in first["nodes"]}
    for n in later["nodes"]:
        assert abs(n["x"] - before[n["id"]]["x"]) <= 1 and abs(n["y"] - before[n["id"]]["y"]) <= 1, n
    assert page.locator("#live-status").is_hidden()  # it kept polling all along
    context.close()
