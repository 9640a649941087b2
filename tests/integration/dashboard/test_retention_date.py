"""The event page says when the event's personal data is erased: its close plus
RAPPORT_RETENTION_DAYS, in the organizer's language; nothing while the event is open."""

from __future__ import annotations

from datetime import timedelta

import pytest

from shared import events as ev
from shared.envelope import iso, utc_now
from tests.integration.dashboard.conftest import HTML, grant, log_in


@pytest.mark.parametrize(
    "language, closed_days_ago, words",
    [
        ("en", 10, "Personal data will be erased on"),
        ("en", 400, "Personal data erased on"),
        ("ar", 10, "ستُحذف البيانات الشخصية في"),
        ("ar", 400, "حُذفت البيانات الشخصية في"),
    ],
)
def test_the_event_page_shows_the_erase_date(
    app, client, feed, admin, organizer, language, closed_days_ago, words
):
    from tests.integration.dashboard.conftest import World

    nour = organizer("Nour", language=language)
    world = World(feed).created()
    grant(app, nour, world.event_id)
    log_in(client, nour)
    page = client.get(f"/events/{world.event_id}/attendees", headers=HTML).text
    assert "retention" not in page  # open: no date yet

    closed = utc_now() - timedelta(days=closed_days_ago)
    feed(ev.EventClosed(event_id=world.event_id, closed_at=iso(closed)))
    page = client.get(f"/events/{world.event_id}/attendees", headers=HTML).text
    erase_on = (closed + timedelta(days=365)).strftime("%Y-%m-%d")  # the default retention
    assert f'<p class="meta retention">{words} <bdi dir="ltr">{erase_on}</bdi></p>' in page
