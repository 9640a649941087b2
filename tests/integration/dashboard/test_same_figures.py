"""The same bus traffic gives the figures the story says, and the same ones, to the byte, in a second database."""

from __future__ import annotations

from dataclasses import replace

from services.dashboard import create_app
from services.dashboard.consumer import GROUP
from services.dashboard.handlers import apply_event
from shared.consumer import applied_once
from shared.events import to_envelope
from tests.integration.dashboard.conftest import ADMIN, NOW, a_day_of_meetings, grant, token_for


def figures_on(database_url: str, settings, story, event_id) -> dict:
    app = create_app(replace(settings, dashboard_database_url=database_url))
    app.extensions["dashboard"].clock = lambda: NOW
    handle = applied_once(app.extensions["dashboard"].sessions, GROUP, apply_event)
    for event in story:
        handle(event, to_envelope(event))
    client = app.test_client()
    made = client.post(
        "/v1/organizers",
        headers=ADMIN,
        json={"email": "lina@example.org", "name": "Lina", "password": "a long enough passphrase"},
    ).json
    from tests.integration.dashboard.conftest import Organizer

    who = Organizer(made["id"], "lina@example.org", "")
    grant(app, who, event_id)
    headers = token_for(app, who)
    figures = {}
    for path in ("stats", "live?since=0", "graph", "exports/attendees.csv", "exports/meetings.csv"):
        answer = client.get(f"/v1/events/{event_id}/{path}", headers=headers)
        assert answer.status_code == 200, answer.text
        figures[path] = answer.json if answer.is_json else answer.text
    app.extensions["dashboard"].engine.dispose()
    return figures


def test_the_same_traffic_gives_the_same_figures_in_any_database(settings, postgres_server):
    event_id, story, expected = a_day_of_meetings()
    first = figures_on(postgres_server.create_database("same_figures_1"), settings, story, event_id)
    again = figures_on(postgres_server.create_database("same_figures_2"), settings, story, event_id)
    stats = first["stats"]
    assert {key: stats[key] for key in expected} == expected
    assert stats["met_nobody"] >= 5 and len(stats["per_10_minutes"]) == 18  # 7:00 to 9:50
    assert first == again  # rows in a stable order, nothing depends on insertion order or the clock
