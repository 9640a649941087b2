"""Meetings that reach the server after a person's follow-up went out (a phone that synced its
offline queue late, within RAPPORT_SCAN_GRACE) are in that person's next nudge, "you also met",
never lost and never an extra email."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from services.followup.models import Delivery, Note
from tests.integration.followup.test_sender import deliveries, drain


def days_pass(service, days: int) -> None:
    """Move what happened so far `days` into the past: emails sent and scans received."""
    with service.sessions() as session:
        for row in session.scalars(sa.select(Delivery).where(Delivery.sent_at.is_not(None))):
            row.sent_at -= timedelta(days=days)
        for note in session.scalars(sa.select(Note)):
            note.recorded_at -= timedelta(days=days)
        session.commit()


def test_a_meeting_synced_after_the_follow_up_is_in_the_day_7_nudge(world, service, smtp_server, make_sender):
    huda = world.attendee("Huda Salem")
    omar, layla = (
        world.attendee("Omar Khalil"),
        world.attendee("Layla Haddad", headline="Coffee shops online"),
    )
    world.scan(huda, omar, note="open banking")
    world.close()
    sender = make_sender(nudge_days=(7, 30))
    assert drain(sender) == {"sent": 2, "skipped": 1}  # Huda's, Omar's ("Huda met you"); Layla met nobody
    days_pass(service, 1)  # the follow-up went out yesterday ...
    world.scan(huda, layla, note="send her the SDK docs", tags=["send a link"])  # ... this arrives today
    assert drain(sender) == {}  # no extra email for it
    smtp_server.clear()
    days_pass(service, 7)
    assert drain(sender)["sent"] >= 1
    nudge = next(m.message for m in smtp_server.wait_for(1) if m.recipients == (f"{huda}@example.org",))
    text = nudge.get_body(("plain",)).get_content()
    also = text.split("== You also met ==")[1]
    assert "Layla Haddad" in also and "only you see this: send her the SDK docs" in also
    assert "As promised, here is the link we talked about." in also
    assert "Omar Khalil" in text.split("== You also met ==")[0]  # still not followed up: nudged as usual
    assert deliveries(service)[(huda, "nudge-7")].status == "sent"
    smtp_server.clear()
    days_pass(service, 23)  # day 30: Layla was told on day 7, so she is one of the people, not new
    drain(sender)
    day30 = next(m.message for m in smtp_server.wait_for(1) if m.recipients == (f"{huda}@example.org",))
    text = day30.get_body(("plain",)).get_content()
    assert "You also met" not in text and "Layla Haddad" in text


def test_a_meeting_known_before_the_follow_up_is_not_told_twice_as_late(
    world, service, smtp_server, make_sender
):
    huda, omar = world.attendee("Huda Salem"), world.attendee("Omar Khalil")
    world.scan(huda, omar)
    world.close()
    sender = make_sender(nudge_days=(7,))
    drain(sender)
    smtp_server.clear()
    days_pass(service, 8)
    drain(sender)
    nudge = next(m.message for m in smtp_server.wait_for(1) if m.recipients == (f"{huda}@example.org",))
    assert "You also met" not in nudge.get_body(("plain",)).get_content()
