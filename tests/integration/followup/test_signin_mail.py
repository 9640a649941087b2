"""Sign-in emails through the one mail outbox: a `signin.requested` (the scan service's, naming a
link by its id) becomes exactly one email per link, read back from a real SMTP server on loopback,
with a link that opens it (its token verifies to that link id), in the person's language; skipped
when the link expired first; nothing more when the message is delivered again."""

from __future__ import annotations

import re
import secrets
from datetime import timedelta

import sqlalchemy as sa

from services.followup import delivery
from services.followup.models import Delivery
from services.followup.readmodel import apply_event
from shared import events as ev
from shared import identity
from shared.consumer import applied_once
from shared.envelope import iso, utc_now
from shared.events import to_envelope
from tests.integration.followup.conftest import ADMIN, World
from tests.integration.followup.test_sender import drain, published

LINK = re.compile(r"https?://[^\s\"<>]+/s/([A-Z2-7]+)")


def request(
    world: World, attendee_id: str, expires_in: timedelta = timedelta(minutes=30)
) -> ev.SigninRequested:
    return ev.SigninRequested(
        event_id=world.event_id,
        attendee_id=attendee_id,
        link_id=secrets.token_hex(16),
        expires_at=iso(utc_now() + expires_in),
    )


def signins(service) -> list[Delivery]:
    with service.sessions() as session:
        return list(
            session.scalars(sa.select(Delivery).where(Delivery.campaign == "signin").order_by(Delivery.id))
        )


def bodies(message) -> tuple[str, str]:
    return message.get_body(("plain",)).get_content(), message.get_body(("html",)).get_content()


def test_a_request_becomes_one_email_whose_link_opens_that_link(service, smtp_server, make_sender, settings):
    world = World(service)
    lina = world.attendee("Lina Haddad", consent=False)  # no follow-up consent: she asked for this one
    asked = request(world, lina)
    handle = applied_once(service.sessions, "followup", apply_event)
    envelope = to_envelope(asked)
    handle(asked, envelope)
    handle(asked, envelope)  # redelivered: the same message again
    world.apply(asked)  # and the same request under another message id (a replayed topic)
    assert len(signins(service)) == 1
    sender = make_sender()
    assert drain(sender) == {"sent": 1}
    assert drain(sender) == {}
    [mail] = smtp_server.wait_for(1)
    assert mail.recipients == (f"{lina}@example.org",)
    message = mail.message
    assert message["X-Rapport-Campaign"] == "signin" and message["List-Unsubscribe"] is None
    assert message["Content-Language"] == "en" and message["Auto-Submitted"] == "auto-generated"
    assert message["Subject"] == "Your sign-in link for Gulf Product Summit"
    assert asked.link_id in message["Message-ID"]
    text, html = bodies(message)
    [token] = set(LINK.findall(text))
    assert f"{settings.public_url}/s/{token}" in text and f'href="{settings.public_url}/s/{token}"' in html
    assert identity.signin_link_id(service.signer, token) == asked.link_id  # the scan service opens it
    assert "Hello Lina," in text and "Hello <bdi>Lina</bdi>," in html
    for body in (text, html):
        assert re.search(r"works once, for (29|30) minutes", body)  # what is left of its half hour
        assert "typed on the" in body  # why it came
    [row] = signins(service)
    assert (row.status, row.link_id) == ("sent", asked.link_id)
    assert token not in repr(row.__dict__)  # the record names the link, it does not hold it
    # A person's own one-time link is no campaign the organizers follow: nothing on rapport.followups.
    assert [e for e in published(service) if getattr(e, "campaign", "") == "signin"] == []


def test_an_arabic_reader_gets_it_in_arabic_right_to_left(service, smtp_server, make_sender):
    world = World(service)
    layla = world.attendee("ليلى حداد", language="ar")
    asked = request(world, layla)
    world.apply(asked)
    assert drain(make_sender()) == {"sent": 1}
    [mail] = smtp_server.wait_for(1)
    text, html = bodies(mail.message)
    assert mail.message["Content-Language"] == "ar"
    assert mail.message["Subject"].startswith("رابط دخولك إلى")
    assert 'lang="ar" dir="rtl"' in html and "تسجيل الدخول على هذا الهاتف" in html
    assert "<bdi>Gulf Product Summit</bdi>" in html  # the Latin event name isolated in Arabic text
    assert "\u2068Gulf Product Summit\u2069" in text and "مرحبًا ليلى،" in text
    assert re.search(r"لمدة (29|30) دقيقة", text)
    [token] = set(LINK.findall(text))
    assert identity.signin_link_id(service.signer, token) == asked.link_id


def test_each_link_asked_for_gets_its_own_email(service, smtp_server, make_sender):
    world = World(service)
    lina = world.attendee("Lina Haddad")
    first, second = request(world, lina), request(world, lina)
    world.apply(first, second)
    assert drain(make_sender()) == {"sent": 2}
    tokens = {LINK.search(bodies(m.message)[0]).group(1) for m in smtp_server.wait_for(2)}
    assert {identity.signin_link_id(service.signer, t) for t in tokens} == {first.link_id, second.link_id}


def test_a_link_that_expired_before_it_could_be_sent_is_skipped(service, smtp_server, make_sender):
    world = World(service)
    lina = world.attendee("Lina Haddad")
    world.apply(request(world, lina, expires_in=timedelta(seconds=-1)))
    assert drain(make_sender()) == {"skipped": 1}
    [row] = signins(service)
    assert row.status == "skipped" and "expired" in row.last_error
    assert smtp_server.messages == []


def test_the_sender_takes_a_request_at_its_next_round_without_planning(service, smtp_server, make_sender):
    """The consumer queues it due at once: the sender's next claim takes it, however seldom it plans
    (a person is waiting with the phone in hand)."""
    world = World(service)
    lina = world.attendee("Lina Haddad")
    sender = make_sender(plan_every=3600, plan_idle_every=3600)
    assert sender.run_once() == {}  # its one planning, for the next hour
    world.apply(request(world, lina))
    assert sender.run_once() == {"sent": 1}


def test_an_erased_person_gets_no_sign_in_email(service, smtp_server, make_sender):
    world = World(service)
    lina = world.attendee("Lina Haddad")
    pending = request(world, lina)
    world.apply(pending)
    world.apply(ev.AttendeeErased(event_id=world.event_id, attendee_id=lina))  # the queued one goes with them
    world.apply(request(world, lina))  # and a late request queues nothing
    assert signins(service) == []
    assert drain(make_sender()) == {}
    assert smtp_server.messages == []


def test_the_organizers_status_lists_sign_in_emails_under_their_campaign(
    service, client, smtp_server, make_sender
):
    world = World(service)
    lina = world.attendee("Lina Haddad")
    world.apply(request(world, lina), request(world, lina, expires_in=timedelta(seconds=-1)))
    assert drain(make_sender()) == {"sent": 1, "skipped": 1}
    answer = client.get(f"/v1/events/{world.event_id}/followups?campaign=signin", headers=ADMIN)
    assert answer.status_code == 200
    assert (
        answer.json["by_campaign"]["signin"]["sent"] == answer.json["by_campaign"]["signin"]["skipped"] == 1
    )
    assert sorted(item["status"] for item in answer.json["items"]) == ["sent", "skipped"]
    assert (
        client.get(f"/v1/events/{world.event_id}/followups?campaign=signup", headers=ADMIN).status_code == 400
    )


def test_a_sign_in_email_goes_before_follow_ups_queued_earlier(service, smtp_server):
    """An event's whole follow-up batch may be due: the person waiting for a link does not wait for it."""
    world = World(service)
    readers = [world.attendee(f"Guest {i}") for i in range(4)]
    for reader in readers[1:]:
        world.scan(reader, readers[0], note="n")
    world.close()
    with service.sessions() as session:
        assert delivery.plan(session, utc_now(), timedelta(0), (), settle=timedelta(0)) == 4
        session.commit()
    asked = request(world, readers[0])
    world.apply(asked)
    with service.sessions() as session:
        claimed = delivery.claim(session, utc_now() + timedelta(seconds=1), 2, lease=timedelta(seconds=30))
    assert [c.campaign for c in claimed] == ["signin", "followup"] and claimed[0].link_id == asked.link_id
    with service.sessions() as session:
        rest = delivery.claim(session, utc_now() + timedelta(seconds=1), 10, lease=timedelta(seconds=30))
    assert [c.campaign for c in rest] == ["followup"] * 3  # the others, each leased once
