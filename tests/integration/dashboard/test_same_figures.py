"""The same bus traffic gives the same figures, to the byte, on PostgreSQL and on SQLite."""

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
    made = client.post("/v1/organizers", headers=ADMIN, json={
        "email": "lina@example.org", "name": "Lina", "password": "a long enough passphrase"}).json
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


def test_stats_are_the_same_on_postgresql_and_sqlite(settings, tmp_path, postgres_server):
    event_id, story, expected = a_day_of_meetings()
    on_sqlite = figures_on(f"sqlite:///{tmp_path / 'dashboard.sqlite3'}", settings, story, event_id)
    on_postgresql = figures_on(postgres_server.create_database("same_figures"), settings, story, event_id)
    stats = on_sqlite["stats"]
    assert {key: stats[key] for key in expected} == expected
    assert stats["met_nobody"] >= 5 and len(stats["per_10_minutes"]) == 18  # 7:00 to 9:50
    assert on_sqlite == on_postgresql
