"""An organizer words their own email: subject, opening and signature per event and language,
seen in a live preview before saving, used by the sender, and reset to Rapport's text."""

from __future__ import annotations

import pytest

from tests.integration.followup.conftest import ADMIN
from tests.integration.followup.test_sender import drain

DRAFT = {
    "subject": "{first}, thank you for Gulf Summit",
    "opening": "It was a joy to host you at {event}.",
    "signature": "Mariam and the Summit crew",
}


def url(world, lang="en"):
    return f"/v1/events/{world.event_id}/followup/wording/{lang}"


def test_a_draft_is_previewed_without_being_saved(world, client):
    me, other = world.attendee("Huda Salem"), world.attendee("Omar Khalil")
    world.scan(me, other)
    preview = f"/v1/events/{world.event_id}/attendees/{me}/followup/preview?format=json"
    draft = client.post(preview, json=DRAFT, headers=ADMIN).json
    assert draft["subject"] == "Huda, thank you for Gulf Summit"
    assert "It was a joy to host you at Gulf Product Summit." in draft["text"]
    assert "Mariam and the Summit crew" in draft["text"] and "Mariam and the Summit crew" in draft["html"]
    assert "Thank you for coming to" not in draft["text"]  # the organizer's opening replaces ours
    saved = client.get(f"/v1/events/{world.event_id}/followup/wording", headers=ADMIN).json
    assert saved["en"]["custom"] is False and saved["en"]["subject"] == ""
    assert "Mariam" not in client.get(preview, headers=ADMIN).json["text"]


def test_saved_wording_is_sent_in_its_language_and_reset_brings_ours_back(
    world, client, smtp_server, make_sender
):
    me, other = world.attendee("Huda Salem"), world.attendee("هدى سالم", language="ar")
    world.scan(me, other)
    world.scan(other, me)
    assert client.put(url(world), json=DRAFT, headers=ADMIN).status_code == 200
    assert client.put(url(world, "ar"), json={"signature": "فريق القمة"}, headers=ADMIN).status_code == 200
    assert (
        client.get(f"/v1/events/{world.event_id}/followup/wording", headers=ADMIN).json["en"]["custom"]
        is True
    )
    world.close()
    assert drain(make_sender()) == {"sent": 2}
    mails = {m.message["Content-Language"]: m.message for m in smtp_server.wait_for(2)}
    assert mails["en"]["Subject"] == "Huda, thank you for Gulf Summit"
    assert "فريق القمة" in mails["ar"].get_body(("plain",)).get_content()
    assert "Mariam" not in mails["ar"].get_body(("plain",)).get_content()  # each language its own
    assert client.delete(url(world), headers=ADMIN).status_code == 204
    preview = client.get(
        f"/v1/events/{world.event_id}/attendees/{me}/followup/preview?format=json", headers=ADMIN
    ).json
    assert "Mariam" not in preview["text"] and "The Gulf Product Summit team, with Rapport" in preview["text"]


@pytest.mark.parametrize(
    "body, field",
    [
        ({"subject": "Hi\r\nBcc: x@example.org"}, "subject"),
        ({"signature": "The team\u202e"}, "signature"),
        ({"opening": "Hello {name}"}, "opening"),
        ({"subject": "50% {off"}, "subject"),
        ({"subject": "x" * 151}, "subject"),
        ({"opening": 3}, "opening"),
    ],
)
def test_unsafe_or_broken_wording_is_refused_naming_the_field(world, client, body, field):
    answer = client.put(url(world), json=body, headers=ADMIN)
    assert answer.status_code == 422 and field in answer.json["errors"]


def test_unknown_event_or_language(world, client):
    assert client.put("/v1/events/nope/followup/wording/en", json=DRAFT, headers=ADMIN).status_code == 404
    assert client.put(url(world, "fr"), json=DRAFT, headers=ADMIN).status_code == 404
    assert client.put(url(world), json=DRAFT).status_code == 401
