"""Retention: RAPPORT_RETENTION_DAYS after an event closes, its attendees are erased as on request
(row and data key gone, attendee.erased published); younger and open events keep theirs."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from services.badge import retention
from services.badge.models import Attendee, DataKey, Event
from shared.envelope import utc_now
from tests.integration.badge.conftest import ADMIN, EVENT


def an_event(client, people: int, closed_days_ago: int | None, app) -> tuple[str, list[str]]:
    event_id = client.post("/v1/events", json=EVENT, headers=ADMIN).json["id"]
    ids = [
        client.post(
            f"/v1/events/{event_id}/attendees",
            json={"name": f"Person {i}", "email": f"p{i}.{event_id}@example.org"},
            headers=ADMIN,
        ).json["id"]
        for i in range(people)
    ]
    if closed_days_ago is not None:
        assert client.post(f"/v1/events/{event_id}/close", headers=ADMIN).status_code == 200
        with app.extensions["badge"].sessions() as session:  # as if it closed that long ago
            session.execute(
                sa.update(Event)
                .where(Event.id == event_id)
                .values(closed_at=utc_now() - timedelta(days=closed_days_ago))
            )
            session.commit()
    return event_id, ids


def remaining(app, ids: list[str]) -> tuple[set[str], set[str]]:
    with app.extensions["badge"].sessions() as session:
        people = set(session.scalars(sa.select(Attendee.id).where(Attendee.id.in_(ids))))
        keys = set(session.scalars(sa.select(DataKey.attendee_id).where(DataKey.attendee_id.in_(ids))))
    return people, keys


def test_an_event_closed_longer_ago_than_the_retention_loses_its_personal_data(app, client, published):
    _, old = an_event(client, 5, closed_days_ago=366, app=app)
    _, young = an_event(client, 2, closed_days_ago=364, app=app)
    _, still_open = an_event(client, 1, closed_days_ago=None, app=app)
    # In batches of 2: three transactions for five people, each committed.
    assert retention.erase_expired(app.extensions["badge"].sessions, utc_now(), 365, batch=2) == 5
    assert remaining(app, old) == (set(), set())
    assert remaining(app, young + still_open) == (set(young + still_open), set(young + still_open))
    erased = [m.data["attendee_id"] for m in published() if m.type == "attendee.erased"]
    assert sorted(erased) == sorted(old)

    # Idempotent: nothing left to erase, nothing published again.
    assert retention.erase_expired(app.extensions["badge"].sessions, utc_now(), 365, batch=2) == 0
    again = [m.data["attendee_id"] for m in published() if m.type == "attendee.erased"]
    assert sorted(again) == sorted(old)  # (each read is the whole log from the start)
    assert client.get(f"/v1/attendees/{old[0]}", headers=ADMIN).status_code == 404
    assert client.get(f"/v1/attendees/{young[0]}", headers=ADMIN).status_code == 200


def test_the_erase_date_is_the_close_plus_the_retention():
    closed = utc_now()
    assert retention.erase_date(closed, 365) == closed + timedelta(days=365)
