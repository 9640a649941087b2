"""Planning and delivering follow-ups over a real SMTP server on loopback."""

from __future__ import annotations

import ssl
from datetime import timedelta

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller

from deploy.rig.ports import free_port
from services.followup.models import Attendee, Delivery
from shared.db import outbox
from shared.envelope import utc_now
from shared.events import decode
from shared.smtp import SmtpSettings, SmtpTransport


def drain(sender, rounds: int = 10) -> dict:
    total: dict = {}
    for _ in range(rounds):
        outcome = sender.run_once()
        if not outcome:
            break
        for key, n in outcome.items():
            total[key] = total.get(key, 0) + n
    return total


def deliveries(service) -> dict[tuple[str, str], Delivery]:
    with service.sessions() as session:
        return {(d.attendee_id, d.campaign): d for d in session.scalars(sa.select(Delivery))}


def published(service) -> list:
    with service.sessions() as session:
        return [decode(v)[1] for v in session.scalars(sa.select(outbox.c.value).order_by(outbox.c.id))]


def small_event(world):
    people = {
        name: world.attendee(name, consent=name != "Nadia") for name in ("Amal", "Bilal", "Chadi", "Nadia")
    }
    world.scan(people["Amal"], people["Bilal"], note="Amal about Bilal")
    world.scan(people["Bilal"], people["Amal"], note="Bilal about Amal")
    world.scan(people["Chadi"], people["Nadia"], note="Chadi about Nadia")
    world.scan(people["Nadia"], people["Amal"])
    return people


def test_each_consenting_attendee_gets_exactly_one_email_about_the_people_they_met(
    world, service, smtp_server, make_sender
):
    people = small_event(world)
    sender = make_sender()
    assert drain(sender) == {}  # the event is still open: nothing goes out
    world.close()
    assert drain(sender) == {"sent": 3}
    mails = {m.recipients[0]: m for m in smtp_server.wait_for(3)}
    assert set(mails) == {f"{people[n]}@example.org" for n in ("Amal", "Bilal", "Chadi")}
    amal = mails[f"{people['Amal']}@example.org"].message.get_body(("plain",)).get_content()
    assert "Bilal" in amal and "Amal about Bilal" in amal and "Bilal about Amal" not in amal
    assert "Nadia" in amal  # Nadia scanned Amal, shares her contact, gets no email herself
    chadi = mails[f"{people['Chadi']}@example.org"].message.get_body(("plain",)).get_content()
    assert "Chadi about Nadia" in chadi
    assert drain(sender) == {}
    assert len(smtp_server.messages) == 3  # running again sends nothing twice
    assert smtp_server.connections <= 4  # connections are reused, not one per email
    sent = [e for e in published(service) if e.TYPE == "followup.sent"]
    assert sorted(e.attendee_id for e in sent) == sorted(people[n] for n in ("Amal", "Bilal", "Chadi"))


def test_headers_unsubscribe_and_stable_message_id(world, service, smtp_server, make_sender):
    people = small_event(world)
    world.close()
    drain(make_sender())
    mail = next(m.message for m in smtp_server.wait_for(3) if m.recipients[0].startswith(people["Amal"]))
    assert mail["List-Unsubscribe"].strip().startswith("<https://followup.example/u/")
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert mail["Message-ID"] == f"<followup.{people['Amal']}@example.org>"
    assert mail["To"].addresses[0].display_name == "Amal"


def test_the_follow_up_waits_for_the_configured_delay(world, service, smtp_server, make_sender):
    small_event(world)
    world.close(ago=timedelta(minutes=30))
    assert drain(make_sender(delay=timedelta(hours=1))) == {}
    assert drain(make_sender(delay=timedelta(minutes=29))) == {"sent": 3}


def test_planning_waits_for_the_read_model_to_settle_and_still_catches_late_attendees(
    world, service, smtp_server, make_sender
):
    """The consumer reads events, attendees and scans independently: the close can arrive first."""
    people = small_event(world)
    world.close()
    assert drain(make_sender(settle=timedelta(minutes=5))) == {}  # scans and attendees still arriving
    sender = make_sender()
    assert drain(sender) == {"sent": 3}
    late = world.attendee("Layla")  # her registration reached the consumer after the planning
    world.scan(late, people["Amal"], note="arrived late")
    assert drain(sender) == {"sent": 1}
    assert smtp_server.wait_for(4)[-1].recipients == (f"{late}@example.org",)


def test_consent_is_checked_again_at_send_time(world, service, smtp_server, make_sender):
    from shared import events as ev

    people = small_event(world)
    world.close()
    sender = make_sender()
    with service.sessions() as session:  # plan only
        from services.followup import delivery

        delivery.plan(session, utc_now(), timedelta(0), (), settle=timedelta(0))
        session.commit()
    with service.sessions() as session:
        bilal = session.get(Attendee, people["Bilal"])
    world.apply(
        ev.AttendeeUpdated(
            event_id=world.event_id,
            attendee_id=bilal.id,
            name=bilal.name,
            email=bilal.email,
            language="en",
            short_code="ABCDEF",
            consent_followup=False,
        )
    )
    assert drain(sender) == {"sent": 2, "skipped": 1}
    assert deliveries(service)[(people["Bilal"], "followup")].last_error == "no consent"
    assert all(not m.recipients[0].startswith(people["Bilal"]) for m in smtp_server.wait_for(2))


def test_nudges_come_on_their_day_about_people_not_yet_followed_up(world, service, smtp_server, make_sender):
    from services.followup import marks

    people = small_event(world)
    world.close()
    sender = make_sender(nudge_days=(7, 30))
    drain(sender)
    smtp_server.clear()
    assert drain(sender) == {}  # day 0: no nudge yet
    with service.sessions() as session:
        session.execute(sa.update(Delivery).values(sent_at=utc_now() - timedelta(days=8)))
        chadi = session.get(Attendee, people["Chadi"])
        marks.mark_followed_up(session, chadi, people["Nadia"], utc_now())  # Chadi wrote to everyone he met
        session.commit()
    assert drain(sender) == {"sent": 2, "skipped": 1}
    nudged = {m.recipients[0]: m.message for m in smtp_server.wait_for(2)}
    amal = nudged[f"{people['Amal']}@example.org"]
    assert amal["Message-ID"] == f"<nudge-7.{people['Amal']}@example.org>"
    assert "Bilal" in amal.get_body(("plain",)).get_content()
    assert deliveries(service)[(people["Chadi"], "nudge-7")].status == "skipped"
    assert drain(sender) == {}  # day 8: nudge-30 is not due


class Refusing:
    """A real SMTP server that refuses some recipients: 550 (permanent) or 451 (try later)."""

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("gone"):
            return "550 5.1.1 no such mailbox"
        if address.startswith("busy"):
            return "451 4.3.0 try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        return "250 OK"


@pytest.fixture
def refusing_smtp():
    controller = Controller(Refusing(), hostname="127.0.0.1", port=free_port())
    controller.start()
    yield f"smtp://127.0.0.1:{controller.port}"
    controller.stop()


def test_refusals_are_recorded_with_their_reason_and_retried_only_when_temporary(
    world, service, refusing_smtp, make_sender
):
    gone = world.attendee("Gone", email="gone@example.org")
    busy = world.attendee("Busy", email="busy@example.org")
    fine = world.attendee("Fine", email="fine@example.org")
    world.scan(gone, busy, note="n")
    world.scan(busy, fine, note="n")
    world.scan(fine, gone, note="n")
    world.close()
    assert drain(make_sender(refusing_smtp)) == {"failed": 1, "deferred": 1, "sent": 1}
    rows = deliveries(service)
    assert rows[(gone, "followup")].status == "failed" and "550" in rows[(gone, "followup")].last_error
    assert rows[(busy, "followup")].status == "deferred" and "451" in rows[(busy, "followup")].last_error
    assert rows[(busy, "followup")].due_at > utc_now()  # backoff before the next try
    [failed] = [e for e in published(service) if e.TYPE == "followup.failed"]
    assert failed.attendee_id == gone and "no such mailbox" in failed.reason


def test_nothing_reaches_the_server_unless_the_send_was_recorded(smtp_server):
    """If recording "sent" fails, the connection drops before the final dot: the server discards it."""
    transport = SmtpTransport(SmtpSettings.from_url(smtp_server.url))
    message = b"From: a@example.org\r\nTo: b@example.org\r\nSubject: hi\r\n\r\n.leading dot\r\nbody\r\n"

    def failing_commit():
        raise RuntimeError("database went away")

    with pytest.raises(RuntimeError):
        transport.send("a@example.org", "b@example.org", message, failing_commit)
    transport.send("a@example.org", "b@example.org", message, lambda: None)
    [received] = smtp_server.wait_for(1)
    assert received.message.get_content() == ".leading dot\nbody\n"  # dot-stuffing undone by the server
    transport.close()


class Keeping:
    def __init__(self):
        self.received = []

    async def handle_DATA(self, server, session, envelope):
        self.received.append((session.authenticated, envelope.content))
        return "250 OK"


def test_starttls_and_auth_from_the_url(tmp_path):
    """A relay that insists on STARTTLS and a login, with a certificate from a private CA."""
    import trustme
    from aiosmtpd.smtp import AuthResult

    ca = trustme.CA()
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(context)
    ca.cert_pem.write_to_path(str(tmp_path / "ca.pem"))

    def authenticator(server, session, envelope, mechanism, auth_data):
        return AuthResult(success=auth_data.login == b"mailer" and auth_data.password == b"s3cret:/@")

    handler = Keeping()
    controller = Controller(
        handler,
        hostname="127.0.0.1",
        port=free_port(),
        tls_context=context,
        require_starttls=True,
        auth_required=True,
        authenticator=authenticator,
    )
    controller.start()
    try:
        base = f"smtp://mailer:s3cret%3A%2F%40@127.0.0.1:{controller.port}?starttls=1"
        transport = SmtpTransport(SmtpSettings.from_url(f"{base}&cafile={tmp_path / 'ca.pem'}"))
        transport.send("a@example.org", "b@example.org", b"Subject: over TLS\r\n\r\nhello\r\n", lambda: None)
        transport.close()
        assert handler.received == [(True, b"Subject: over TLS\r\n\r\nhello\r\n")]
        untrusted = SmtpTransport(SmtpSettings.from_url(base))  # the system CAs do not know this relay
        with pytest.raises(ssl.SSLCertVerificationError):
            untrusted.send("a@example.org", "b@example.org", b"Subject: x\r\n\r\nx\r\n", lambda: None)
    finally:
        controller.stop()


def test_without_the_delay_override_the_follow_up_waits_for_the_morning_after(
    world, service, smtp_server, make_sender
):
    from services.followup.schedule import followup_time

    small_event(world)
    world.close(ago=timedelta(hours=5))  # Dubai: the first 09:00 at least 6 h after the close is still ahead
    sender = make_sender(delay=None)
    assert drain(sender) == {}
    with service.sessions() as session:
        from services.followup.models import Event

        event = session.get(Event, world.event_id)
        due = followup_time(event.closed_at, event.timezone, event.followup_at)
        assert due > utc_now()
        # As if that morning had come: the close a day earlier (whole days keep the local 09:00;
        # shifting by `due - now` would not, since the time snaps to the next morning).
        while followup_time(event.closed_at, event.timezone, event.followup_at) > utc_now():
            event.closed_at -= timedelta(days=1)
        session.commit()
    assert drain(sender) == {"sent": 3}


def test_an_organizers_follow_up_time_is_kept(world, service, smtp_server, make_sender):
    from shared import events as ev
    from shared.envelope import iso

    small_event(world)
    world.apply(
        ev.EventUpdated(
            event_id=world.event_id,
            name="Gulf Product Summit",
            venue="Dubai",
            starts_at=iso(world.started),
            ends_at=iso(world.started),
            timezone="Asia/Dubai",
            language="en",
            followup_at=iso(utc_now() + timedelta(hours=2)),
        )
    )
    world.close(ago=timedelta(days=2))  # the default morning has long passed; the chosen time has not
    sender = make_sender(delay=None)
    assert drain(sender) == {}
    world.apply(
        ev.EventUpdated(
            event_id=world.event_id,
            name="Gulf Product Summit",
            venue="Dubai",
            starts_at=iso(world.started),
            ends_at=iso(world.started),
            timezone="Asia/Dubai",
            language="en",
            followup_at=iso(utc_now() - timedelta(minutes=1)),
        )
    )
    assert drain(sender) == {"sent": 3}
