"""The welcome email: planned through the one mail outbox as attendees are registered (or at the
event's welcome time, or never), resent on an organizer's request, and read back from a real
SMTP server: the private link opens the person's own page, with their short code and badge."""

from __future__ import annotations

import io
import re
from dataclasses import replace
from datetime import timedelta

import pytest
import sqlalchemy as sa
from PIL import Image

from services.followup import delivery
from services.followup.models import Delivery
from shared import events as ev
from shared import identity
from shared.envelope import iso, utc_now
from tests.integration.followup.conftest import ADMIN, World
from tests.integration.followup.test_sender import drain

LINK = re.compile(r"https?://[^\s\"<>]+/me/[A-Z2-7]+")


def welcomes(service) -> list[Delivery]:
    with service.sessions() as session:
        return list(
            session.scalars(sa.select(Delivery).where(Delivery.campaign == "welcome").order_by(Delivery.id))
        )


def parts(message) -> dict[str, object]:
    """The plain text, the HTML and the inline badge of a received welcome email."""
    [image] = [p for p in message.walk() if p.get_content_type() == "image/png"]
    return {
        "text": message.get_body(("plain",)).get_content(),
        "html": message.get_body(("html",)).get_content(),
        "image": image,
    }


def test_a_registered_attendee_gets_one_welcome_with_their_badge_link_and_code(
    service, smtp_server, make_sender
):
    world = World(service, welcome="on_registration")
    lina = world.attendee("Lina Haddad", consent=False)  # no follow-up consent: the welcome is theirs anyway
    sender = make_sender()
    assert drain(sender) == {"sent": 1}
    assert drain(sender) == {}  # planned once: nothing more however often the sender runs
    [mail] = smtp_server.wait_for(1)
    assert mail.recipients == (f"{lina}@example.org",)
    message = mail.message
    assert message["X-Rapport-Campaign"] == "welcome"
    assert message["List-Unsubscribe"] is None  # nothing to stop: it is their badge, sent once
    assert message["Content-Language"] == "en"
    assert message["Subject"] == "Lina, your badge and page for Gulf Product Summit"
    got = parts(message)
    with service.sessions() as session:
        from services.followup.models import Attendee

        code = session.get(Attendee, lina).short_code
    for body in (got["text"], got["html"]):
        assert code in body
        assert "registered you" in body  # why they receive it
        assert "scan their badge" in body and "After the event" in body  # how meeting people works
    [link] = set(LINK.findall(got["text"]))
    assert link in got["html"] and "Open my page" in got["html"]
    claims = identity.read_token(
        service.signer, identity.PRIVATE, link.rsplit("/", 1)[1], event_id=world.event_id
    )
    assert (claims.attendee_id, claims.serial) == (lina, 1)
    assert got["image"]["Content-ID"] == "<badge>" and 'src="cid:badge"' in got["html"]
    badge = Image.open(io.BytesIO(got["image"].get_content()))
    assert badge.format == "PNG" and badge.height > badge.width  # the A6 card, upright
    [row] = welcomes(service)
    assert (row.status, row.resend) == ("sent", 0)


def test_an_arabic_reader_gets_it_in_arabic_right_to_left(service, smtp_server, make_sender):
    world = World(service, welcome="on_registration")
    world.attendee("ليلى حداد", language="ar")
    assert drain(make_sender()) == {"sent": 1}
    [mail] = smtp_server.wait_for(1)
    got = parts(mail.message)
    assert mail.message["Content-Language"] == "ar"
    assert mail.message["Subject"].startswith("ليلى، بطاقتك وصفحتك في")
    assert 'lang="ar" dir="rtl"' in got["html"] and "فتح صفحتي" in got["html"]
    assert "<bdi>Gulf Product Summit</bdi>" in got["html"]  # the Latin event name isolated in Arabic text
    assert "\u2068Gulf Product Summit\u2069" in got["text"]
    assert "سجّلوك" in got["text"]


def test_off_sends_none_until_the_organizer_asks_and_then_one_each(service, smtp_server, make_sender, client):
    world = World(service, welcome="off")
    people = [world.attendee(name) for name in ("Amal", "Bilal", "Chadi")]
    sender = make_sender()
    assert drain(sender) == {} and welcomes(service) == []
    answer = client.post(f"/v1/events/{world.event_id}/welcome", headers=ADMIN)
    assert (answer.status_code, answer.json["queued"]) == (202, 3)
    assert drain(sender) == {"sent": 3}
    assert client.post(f"/v1/events/{world.event_id}/welcome", headers=ADMIN).json["queued"] == 0  # all sent
    assert sorted(m.recipients[0] for m in smtp_server.wait_for(3)) == sorted(
        f"{p}@example.org" for p in people
    )


def test_scheduled_waits_for_the_events_welcome_time(service):
    at = utc_now() + timedelta(hours=3)
    world = World(service, welcome="scheduled", welcome_at=iso(at))
    world.attendee("Amal")
    world.attendee("Bilal")
    with service.sessions() as session:
        assert delivery.plan_welcomes(session, at - timedelta(seconds=1)) == 0
        session.commit()
        assert delivery.plan_welcomes(session, at) == 2
        session.commit()
        assert delivery.plan_welcomes(session, at + timedelta(days=5)) == 0  # once each
    late = world.attendee("Chadi")  # registered once the welcome time has come: theirs goes at once
    with service.sessions() as session:
        assert delivery.plan_welcomes(session, at + timedelta(days=5, seconds=1)) == 1
        session.commit()
    assert late in {d.attendee_id for d in welcomes(service)}


def test_a_closed_event_or_an_old_registration_is_not_welcomed_on_its_own(service):
    world = World(service, welcome="on_registration")
    old = identity.new_attendee_id()
    registered = ev.AttendeeRegistered(
        event_id=world.event_id,
        attendee_id=old,
        name="Old Timer",
        email="old@example.org",
        language="en",
        short_code="ABCDEF",
    )
    with service.sessions() as session:
        from services.followup.readmodel import apply_event

        apply_event(
            session, registered, ev.to_envelope(registered, occurred_at=iso(utc_now() - timedelta(days=30)))
        )
        session.commit()
        assert (
            delivery.plan_welcomes(session, utc_now()) == 0
        )  # a replayed topic does not mail everyone again
    closed = World(service, welcome="on_registration")
    closed.close()
    closed.attendee("Too Late")
    with service.sessions() as session:
        assert delivery.plan_welcomes(session, utc_now()) == 0


def test_resend_sends_one_more_and_a_second_click_while_it_waits_sends_nothing(
    service, smtp_server, make_sender, client
):
    world = World(service, welcome="on_registration")
    amal = world.attendee("Amal")
    sender = make_sender()
    assert drain(sender) == {"sent": 1}
    path = f"/v1/events/{world.event_id}/attendees/{amal}/welcome"
    first = client.post(path, headers=ADMIN)
    assert (first.status_code, first.json["queued"]) == (202, True)
    assert client.post(path, headers=ADMIN).json["queued"] is False  # already on its way
    assert drain(sender) == {"sent": 1}
    mails = smtp_server.wait_for(2)
    assert [m.recipients[0] for m in mails] == [f"{amal}@example.org"] * 2
    assert len({m.message["Message-ID"] for m in mails}) == 2  # another email, not a retry of the first
    assert [(d.resend, d.status) for d in welcomes(service)] == [(0, "sent"), (1, "sent")]
    listed = client.get(
        f"/v1/events/{world.event_id}/followups", query_string={"campaign": "welcome"}, headers=ADMIN
    ).json
    assert listed["by_campaign"]["welcome"]["sent"] == 2


@pytest.mark.parametrize(
    "path, status, code",
    [
        ("/v1/events/{event}/attendees/nobody/welcome", 404, "unknown_attendee"),
        ("/v1/events/noevent/attendees/{amal}/welcome", 404, "unknown_event"),
        ("/v1/events/noevent/welcome", 404, "unknown_event"),
    ],
)
def test_welcome_actions_on_unknown_people_or_events_are_problems(service, client, path, status, code):
    world = World(service, welcome="off")
    amal = world.attendee("Amal")
    answer = client.post(path.format(event=world.event_id, amal=amal), headers=ADMIN)
    assert (answer.status_code, answer.mimetype, answer.json["code"]) == (
        status,
        "application/problem+json",
        code,
    )
    assert client.post(f"/v1/events/{world.event_id}/welcome").status_code == 401  # organizers only


def test_a_reissued_badge_and_a_new_private_serial_reach_the_next_welcome(service, client):
    world = World(service, welcome="off")
    amal = world.attendee("Amal")
    world.apply(
        ev.BadgeIssued(
            event_id=world.event_id, attendee_id=amal, token_id=f"{amal}.2", short_code="QRSTUV", serial=2
        )
    )
    with service.sessions() as session:
        from services.followup.models import Attendee

        row = session.get(Attendee, amal)
        registered = ev.AttendeeUpdated(
            event_id=world.event_id,
            attendee_id=amal,
            name="Amal",
            email=row.email,
            language="en",
            short_code="QRSTUV",
            private_serial=3,
        )
    world.apply(registered)
    text = client.get(
        f"/v1/events/{world.event_id}/attendees/{amal}/welcome/preview",
        query_string={"format": "text"},
        headers=ADMIN,
    ).get_data(as_text=True)
    assert "QRSTUV" in text
    [link] = LINK.findall(text)
    assert identity.read_token(service.signer, identity.PRIVATE, link.rsplit("/", 1)[1]).serial == 3


def test_a_new_private_link_reaches_the_next_welcome_and_the_old_one_is_never_sent_again(service, client):
    world = World(service, welcome="off")
    amal = world.attendee("Amal")
    world.apply(ev.PrivateLinkRenewed(event_id=world.event_id, attendee_id=amal, serial=2))
    text = client.get(
        f"/v1/events/{world.event_id}/attendees/{amal}/welcome/preview",
        query_string={"format": "text"},
        headers=ADMIN,
    ).get_data(as_text=True)
    [link] = LINK.findall(text)
    assert identity.read_token(service.signer, identity.PRIVATE, link.rsplit("/", 1)[1]).serial == 2


def test_the_link_in_the_email_opens_the_persons_own_page_on_the_badge_service(
    settings, new_database, smtp_server
):
    """Registered through the real badge service; its messages applied to the follow-up read model;
    the link read from the SMTP server opened on the badge service."""
    from services.badge import create_app as badge_app
    from services.followup import create_app as followup_app
    from services.followup.readmodel import apply_event
    from services.followup.sender import Sender
    from shared.bus.embedded import EmbeddedBus
    from shared.events import from_envelope
    from shared.outbox import relay_once
    from shared.smtp import SmtpSettings
    from tests.datakeys import keyring_for

    settings = replace(settings, badge_url="https://badge.example", admin_token="test-admin-token")
    badge = badge_app(replace(settings, badge_database_url=new_database()))
    followup = followup_app(replace(settings, followup_database_url=new_database(), smtp_url=smtp_server.url))
    b = badge.test_client()
    event = b.post(
        "/v1/events",
        json={
            "name": "Riyadh Design Week",
            "starts_at": iso(utc_now()),
            "ends_at": iso(utc_now() + timedelta(days=1)),
            "language": "ar",
        },
        headers=ADMIN,
    ).json
    person = b.post(
        f"/v1/events/{event['id']}/attendees",
        json={"name": "Lina Haddad", "email": "lina@example.org"},
        headers=ADMIN,
    ).json
    bus = EmbeddedBus(settings.data_dir / "bus.sqlite3")
    with bus.producer() as producer:
        while relay_once(badge.extensions["badge"].sessions, producer):
            pass
    service = followup.extensions["followup"]
    keys = keyring_for(badge)  # the registration's personal fields are sealed (shared.sealing)
    with (
        bus.consumer("followup", ["rapport.events", "rapport.attendees"]) as consumer,
        service.sessions() as session,
    ):
        while batch := consumer.poll(timeout=0.2):
            for record in batch:
                from shared.envelope import Envelope

                envelope = keys.open(Envelope.from_bytes(record.value))
                apply_event(session, from_envelope(envelope), envelope)
        session.commit()
    sender = Sender(
        service.sessions,
        service.composer,
        SmtpSettings.from_url(smtp_server.url),
        "Rapport <rapport@example.org>",
        settle=timedelta(0),
    )
    try:
        assert drain(sender) == {"sent": 1}
    finally:
        sender.close()
    [mail] = smtp_server.wait_for(1)
    got = parts(mail.message)
    assert person["short_code"] in got["text"]
    [link] = set(LINK.findall(got["text"]))
    assert link == person["private_url"]  # the very link the badge API gives the organizer
    page = b.get(link.removeprefix("https://badge.example"))
    assert page.status_code == 200 and "Lina Haddad" in page.get_data(as_text=True)


def test_a_welcome_sent_before_the_event_does_not_make_its_meetings_late(service, smtp_server, make_sender):
    from services.followup.models import Attendee
    from services.followup.store import load_digests

    world = World(service, welcome="on_registration")
    amal, bilal = world.attendee("Amal"), world.attendee("Bilal")
    assert drain(make_sender()) == {"sent": 2}  # the welcomes, before any scan
    world.scan(amal, bilal, note="roasting")
    with service.sessions() as session:
        [contact] = load_digests(session, [session.get(Attendee, amal)])[amal].met
    assert not contact.late  # told in the follow-up itself, not held back as "you also met"


def test_a_big_import_is_planned_in_one_round(service):
    """7,000 registrations at once: more rows than one INSERT's 65,535 parameters hold."""
    from services.followup.models import Attendee

    world = World(service, welcome="on_registration")
    now = utc_now()
    with service.sessions() as session:
        session.execute(
            sa.insert(Attendee),
            [
                dict(
                    id=f"big{i:05d}",
                    event_id=world.event_id,
                    name=f"Guest {i}",
                    email=f"guest{i}@example.org",
                    language="en",
                    interests=[],
                    registered_at=now,
                )
                for i in range(7000)
            ],
        )
        session.commit()
        assert delivery.plan_welcomes(session, now) == 7000
        session.commit()
        assert delivery.plan_welcomes(session, now) == 0
