"""Honest delivery records, against a real SMTP server (aiosmtpd on loopback) that refuses after
the final dot, or never answers it: "sent" (and followup.sent on the bus) only after the server's
250; a refusal after the dot defers or fails the email; a lost answer or a dead sender leaves it
"unconfirmed", never "sent" and never sent twice; a sender that lost its lease finishes nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller

from deploy.rig.ports import free_port
from services.followup import delivery
from services.followup.models import Delivery
from shared.envelope import utc_now
from shared.smtp import NotSent, SmtpSettings, SmtpTransport, send_together
from tests.integration.followup.test_sender import deliveries, drain, published


class AfterTheDot:
    """Answers the final dot with `reply`, or, with reply None, drops the connection instead."""

    def __init__(self):
        self.reply: str | None = "250 OK"
        self.received: list[list[str]] = []

    async def handle_DATA(self, server, session, envelope):
        self.received.append(list(envelope.rcpt_tos))
        if self.reply is None:
            server.transport.close()  # the message arrived; its answer never leaves
            return "250 OK"
        return self.reply


@pytest.fixture
def server():
    handler = AfterTheDot()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    handler.url = f"smtp://127.0.0.1:{controller.port}"
    yield handler
    controller.stop()


def one_email(world):
    reader, other = world.attendee("Huda Salem", share=False), world.attendee("Omar Khalil", consent=False)
    world.scan(reader, other, note="n")
    world.close()
    return reader


def planned(service):
    now = utc_now()
    with service.sessions() as session:
        delivery.plan(session, now, timedelta(0), (), settle=timedelta(0))
        session.commit()
    return now


def sent_events(service):
    return [e for e in published(service) if e.TYPE == "followup.sent"]


def later(service, reader, minutes: int = 5):
    """Move the deferred row's next try into the past (the backoff has passed)."""
    with service.sessions() as session:
        session.execute(
            sa.update(Delivery)
            .where(Delivery.attendee_id == reader)
            .values(due_at=utc_now() - timedelta(minutes=minutes))
        )
        session.commit()


def test_a_4xx_after_the_dot_is_deferred_not_sent_then_sent_once_accepted(
    world, service, server, make_sender
):
    reader = one_email(world)
    server.reply = "451 4.3.0 queue full, try later"
    sender = make_sender(server.url)
    assert drain(sender) == {"deferred": 1}
    row = deliveries(service)[(reader, "followup")]
    assert (row.status, row.sent_at) == ("deferred", None) and "451" in row.last_error
    assert sent_events(service) == []
    [deferred] = [e for e in published(service) if e.TYPE == "followup.deferred"]  # the dashboard shows it so
    assert deferred.attendee_id == reader and "451" in deferred.reason
    server.reply = "250 OK"
    later(service, reader)
    assert drain(sender) == {"sent": 1}
    assert deliveries(service)[(reader, "followup")].status == "sent"
    assert [e.attendee_id for e in sent_events(service)] == [reader]
    assert len(server.received) == 2  # the refused attempt and the accepted one, nothing more


def test_a_5xx_after_the_dot_fails_the_email(world, service, server, make_sender):
    reader = one_email(world)
    server.reply = "554 5.7.1 rejected as spam"
    assert drain(make_sender(server.url)) == {"failed": 1}
    row = deliveries(service)[(reader, "followup")]
    assert row.status == "failed" and "554" in row.last_error and sent_events(service) == []


def test_a_lost_answer_is_unconfirmed_and_never_sent_again(world, service, server, make_sender):
    reader = one_email(world)
    server.reply = None
    sender = make_sender(server.url)
    assert drain(sender) == {"unconfirmed": 1}
    row = deliveries(service)[(reader, "followup")]
    assert row.status == "unconfirmed" and "no answer after the final dot" in row.last_error
    assert sent_events(service) == []
    server.reply = "250 OK"
    later(service, reader, minutes=120)
    assert drain(sender) == {}
    assert len(server.received) == 1  # the server may have it; it never gets it twice


def test_a_sender_that_lost_its_lease_finishes_nothing(world, service, server):
    one_email(world)
    now = planned(service)
    with service.sessions() as session:
        [mine] = delivery.claim(session, now, 10, lease=timedelta(seconds=1))
    with service.sessions() as session:  # this sender stalled past its lease: another took the row
        [theirs] = delivery.claim(session, now + timedelta(seconds=2), 10, lease=timedelta(seconds=60))

    def commit(ready):
        with service.sessions() as session:
            held = delivery.mark_final(session, [(mine, "<m@x>", 1)], utc_now())
            session.commit()
        return held

    transport = SmtpTransport(SmtpSettings.from_url(server.url))
    [outcome] = send_together(
        [transport], [("rapport@example.org", "huda@example.org", b"Subject: x\r\n\r\nx\r\n")], commit
    )
    transport.close()
    assert isinstance(outcome, NotSent) and server.received == []
    assert (
        deliveries(service)[(theirs.attendee_id, "followup")].status == "sending"
    )  # still the other sender's


def test_a_sender_killed_between_the_dot_and_the_answer_leaves_it_unconfirmed(world, service):
    reader = one_email(world)
    now = planned(service)
    with service.sessions() as session:
        [row] = delivery.claim(session, now, 10, lease=timedelta(seconds=30))
        assert delivery.mark_final(session, [(row, "<m@x>", 1)], now) == [True]
        session.commit()  # ... and here the sender dies, its dot perhaps on the wire
    with service.sessions() as session:
        assert delivery.claim(session, now + timedelta(minutes=5), 10, lease=timedelta(seconds=30)) == []
    record = deliveries(service)[(reader, "followup")]
    assert record.status == "unconfirmed" and "unknown" in record.last_error
    assert sent_events(service) == []
