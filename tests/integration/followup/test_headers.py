"""No header can be injected: a line break (or another control character) put into every value
that reaches a header (event name, venue, the reader's name, a met person's name, an address)
is flattened or refused, read back from what a real SMTP server received."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from services.followup.compose import EventInfo, message_id, to_mime
from services.followup.models import Attendee, Delivery
from services.followup.store import load_digests, person
from shared import events as ev
from shared.envelope import iso
from shared.smtp import SmtpRefused, SmtpSettings, SmtpTransport
from tests.integration.followup.test_sender import drain

INJECTION = "\r\nBcc: victim@example.net\r\nX-Injected: yes\n\r"
EXPECTED = {
    "From",
    "To",
    "Subject",
    "Date",
    "Message-ID",
    "MIME-Version",
    "Content-Language",
    "X-Rapport-Campaign",
    "List-Unsubscribe",
    "List-Unsubscribe-Post",
    "Auto-Submitted",
    "Content-Type",
}


def rename_event(world, name: str, venue: str) -> None:
    world.apply(
        ev.EventUpdated(
            event_id=world.event_id,
            name=name,
            venue=venue,
            starts_at=iso(world.started),
            ends_at=iso(world.started),
            timezone="Asia/Dubai",
            language="en",
        )
    )


def assert_clean(received) -> None:
    message = received.message
    assert set(message.keys()) == EXPECTED or set(message.keys()) == EXPECTED | {"Reply-To"}
    assert "Bcc" not in message and "X-Injected" not in message
    assert not message.defects
    head = received.raw.split(b"\r\n\r\n", 1)[0]
    for line in head.split(b"\r\n"):  # every line is a header or a folded continuation of one
        assert line[:1] in (b" ", b"\t") or b":" in line, line
        assert b"\r" not in line and b"\n" not in line
    assert received.recipients and all("victim" not in r for r in received.recipients)


def test_line_breaks_in_event_venue_and_names_never_become_headers(world, service, smtp_server, make_sender):
    rename_event(world, f"Gulf Summit{INJECTION}2026", f"Dubai{INJECTION}")
    reader = world.attendee(f"Huda{INJECTION}Salem")
    other = world.attendee(f"Omar{INJECTION}Khalil")
    world.scan(reader, other, note=f"note{INJECTION}")
    world.scan(other, reader)
    world.close()
    assert drain(make_sender()) == {"sent": 2}
    received = smtp_server.wait_for(2)
    for mail in received:
        assert_clean(mail)
        assert (
            mail.message["From"].addresses[0].display_name
            == "Gulf Summit Bcc: victim@example.net X-Injected: yes 2026"
        )
        assert mail.message["X-Rapport-Campaign"] == "followup"
        assert "\n" not in mail.message["Subject"] and "Gulf Summit Bcc" in mail.message["Subject"]
    to_names = {m.message["To"].addresses[0].display_name for m in received}
    assert to_names == {
        "Huda Bcc: victim@example.net X-Injected: yes Salem",
        "Omar Bcc: victim@example.net X-Injected: yes Khalil",
    }


def test_a_nudge_subject_with_an_injected_name_and_an_arabic_event_stays_one_header(
    world, service, smtp_server
):
    rename_event(world, f"ملتقى{INJECTION}الرياض", "")
    reader = world.attendee("Huda Salem", language="ar")
    other = world.attendee(f"Omar\u2028Khalil{INJECTION}")
    world.scan(reader, other)
    with service.sessions() as session:
        row = session.get(Attendee, reader)
        digest = load_digests(session, [row])[reader]
        me = person(row)
    event = EventInfo(world.event_id, f"ملتقى{INJECTION}الرياض", contact_email="team@example.org")
    composed = service.composer.compose(event, digest, "nudge-7")
    data = to_mime(
        composed,
        me,
        "Rapport <rapport@example.org>",
        message_id("nudge-7", reader, "rapport@example.org"),
        campaign="nudge-7",
        event=event,
    )
    transport = SmtpTransport(SmtpSettings.from_url(smtp_server.url))
    transport.send("rapport@example.org", me.email, data, lambda: None)
    transport.close()
    [mail] = smtp_server.wait_for(1)
    assert_clean(mail)
    subject = mail.message["Subject"]  # names the people met, or the event, by the reader's variant
    assert "Omar Khalil Bcc: victim@example.net" in subject or "ملتقى Bcc: victim@example.net" in subject
    assert mail.message["Reply-To"].addresses[0].addr_spec == "team@example.org"
    assert mail.message["X-Rapport-Campaign"] == "nudge-7"


def test_an_address_with_a_line_break_is_refused_and_nothing_is_sent(
    world, service, smtp_server, make_sender
):
    bad = world.attendee("Lina Haddad", email="lina@example.org\r\nRCPT TO:<victim@example.net>")
    good = world.attendee("Huda Salem")
    world.scan(bad, good)
    world.scan(good, bad)
    world.close()
    assert drain(make_sender()) == {"sent": 1}
    [mail] = smtp_server.wait_for(1)
    assert mail.recipients == (f"{good}@example.org",)
    with service.sessions() as session:
        row = session.scalars(sa.select(Delivery).where(Delivery.attendee_id == bad)).one()
    assert row.status == "failed" and row.last_error.startswith("refused: not a usable email address")


def test_the_envelope_refuses_a_line_break_even_when_asked_directly(smtp_server):
    transport = SmtpTransport(SmtpSettings.from_url(smtp_server.url))
    with pytest.raises(SmtpRefused, match="not a usable address") as refused:
        transport.send(
            "rapport@example.org",
            "a@example.org\r\nRCPT TO:<victim@example.net>",
            b"Subject: x\r\n\r\nbody\r\n",
            lambda: None,
        )
    transport.close()
    assert refused.value.permanent
    assert smtp_server.messages == []


def test_from_is_the_event_and_replies_go_to_its_contact_address(world, service, smtp_server, make_sender):
    world.apply(
        ev.EventUpdated(
            event_id=world.event_id,
            name="Gulf Product Summit",
            venue="Dubai",
            starts_at=iso(world.started),
            ends_at=iso(world.started),
            timezone="Asia/Dubai",
            language="en",
            contact_email="hello@gulfsummit.example",
        )
    )
    reader, other = world.attendee("Huda Salem"), world.attendee("Omar Khalil")
    world.scan(reader, other)
    world.close()
    assert drain(make_sender()) == {"sent": 2}  # Omar hears that Huda met him
    [mail, _] = sorted(smtp_server.wait_for(2), key=lambda m: m.recipients != (f"{reader}@example.org",))
    assert_clean(mail)
    sender = mail.message["From"].addresses[0]
    assert (sender.display_name, sender.addr_spec) == ("Gulf Product Summit", "rapport@example.org")
    assert mail.message["Reply-To"].addresses[0].addr_spec == "hello@gulfsummit.example"
    assert mail.message["X-Rapport-Campaign"] == "followup"
    assert mail.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert mail.mail_from == "rapport@example.org"  # the envelope stays ours (SPF, bounces)
