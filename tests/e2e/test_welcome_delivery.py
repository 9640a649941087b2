"""Welcome emails end to end on the real parts: 40 registrations go onto a real Kafka broker as
the badge service publishes them; the follow-up consumer and sender run as their own processes
on PostgreSQL and deliver to a real SMTP server on loopback. The sender is killed with SIGKILL
in the middle of the batch and restarted: everyone gets exactly one welcome."""

from __future__ import annotations

import signal
import time
from collections import Counter
from datetime import timedelta

import sqlalchemy as sa

from deploy.rig.smtp import SmtpSink
from shared import events as ev
from shared import identity
from shared.envelope import iso, utc_now
from shared.events import to_envelope
from tests.e2e.test_followup_delivery import rig, wait_until_every_delivery_is_settled  # noqa: F401 (fixture)


def registrations(count: int, welcome: str) -> tuple[str, list[ev.Event]]:
    event_id = identity.new_event_id()
    messages: list[ev.Event] = [ev.EventCreated(
        event_id=event_id, name="Levant Makers Meetup", venue="Amman", starts_at=iso(utc_now() + timedelta(days=1)),
        ends_at=iso(utc_now() + timedelta(days=1, hours=8)), timezone="Asia/Amman", language="ar", welcome=welcome)]
    for i in range(count):
        attendee_id = identity.new_attendee_id()
        messages.append(ev.AttendeeRegistered(
            event_id=event_id, attendee_id=attendee_id, name=f"Guest{i:02d} Person", email=f"guest{i:02d}@example.org",
            language="ar" if i % 2 else "en", short_code=identity.new_short_code(), consent_followup=i % 3 == 0))
        messages.append(ev.BadgeIssued(event_id=event_id, attendee_id=attendee_id, token_id=f"{attendee_id}.1",
                                       short_code=messages[-1].short_code, serial=1))
    return event_id, messages


def publish(bus, messages) -> None:
    with bus.producer() as producer:
        for message in messages:
            producer.send(message.TOPIC, message.key(), to_envelope(message).to_bytes())
        producer.flush()


def test_sigkill_mid_batch_welcomes_everyone_exactly_once(rig):  # noqa: F811
    bus, database_url, start, settings = rig
    event_id, messages = registrations(40, "on_registration")
    publish(bus, messages)
    expected = {m.email for m in messages if isinstance(m, ev.AttendeeRegistered)}
    with SmtpSink(delay=0.05) as smtp:  # a slow relay, so the kill lands while mail is in flight
        start("services.followup.consumer")
        sender = start("services.followup.sender", "--lease", "3", "--idle", "0.2", smtp_url=smtp.url)
        smtp.wait_for(5, timeout=120)
        sender.send_signal(signal.SIGKILL)
        sender.wait(10)
        assert len(smtp.messages) < len(expected)  # killed mid-way
        start("services.followup.sender", "--lease", "3", "--idle", "0.2", smtp_url=smtp.url)
        smtp.wait_for(len(expected), timeout=120)
        wait_until_every_delivery_is_settled(database_url, event_id)  # a duplicate would be out by then
        received = smtp.messages
    counts = Counter(m.recipients[0] for m in received)
    assert set(counts) == expected
    assert [r for r, n in counts.items() if n > 1] == []
    assert {m.message["X-Rapport-Campaign"] for m in received} == {"welcome"}
    assert len({m.message["Message-ID"] for m in received}) == len(received)


def test_off_welcomes_nobody_through_kafka(rig):  # noqa: F811
    bus, database_url, start, settings = rig
    quiet_id, quiet = registrations(5, "off")
    loud_id, loud = registrations(2, "on_registration")
    publish(bus, quiet + loud)
    with SmtpSink() as smtp:
        start("services.followup.consumer")
        wait_for_attendees(database_url, 7)  # all in the read model before any sender plans
        start("services.followup.sender", "--idle", "0.2", smtp_url=smtp.url)
        smtp.wait_for(2, timeout=120)
        wait_until_every_delivery_is_settled(database_url, loud_id)
        received = smtp.messages
    assert sorted(m.recipients[0] for m in received) == sorted(
        m.email for m in loud if isinstance(m, ev.AttendeeRegistered))
    engine = sa.create_engine(database_url)
    with engine.connect() as connection:
        assert connection.scalar(sa.text("SELECT count(*) FROM deliveries WHERE event_id = :e"), {"e": quiet_id}) == 0
    engine.dispose()


def wait_for_attendees(database_url: str, count: int, timeout: float = 120) -> None:
    engine = sa.create_engine(database_url)
    deadline = time.monotonic() + timeout
    try:
        while True:
            try:
                with engine.connect() as connection:
                    if connection.scalar(sa.text("SELECT count(*) FROM attendees")) >= count:
                        return
            except sa.exc.ProgrammingError:  # the consumer has not made its tables yet
                pass
            assert time.monotonic() < deadline, "the consumer never caught up"
            time.sleep(0.2)
    finally:
        engine.dispose()
