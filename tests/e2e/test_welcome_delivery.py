"""Welcome emails end to end on the real parts: 40 registrations go onto a real Kafka broker as
the badge service publishes them; the follow-up consumer and sender run as their own processes
on PostgreSQL and deliver to a real SMTP server on loopback. The sender is killed with SIGKILL
in the middle of the batch and restarted: everyone gets exactly one welcome, and everyone who asked
for a sign-in link (signin.requested, as the scan relay publishes it) exactly one sign-in email."""

from __future__ import annotations

import secrets
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
    messages: list[ev.Event] = [
        ev.EventCreated(
            event_id=event_id,
            name="Levant Makers Meetup",
            venue="Amman",
            starts_at=iso(utc_now() + timedelta(days=1)),
            ends_at=iso(utc_now() + timedelta(days=1, hours=8)),
            timezone="Asia/Amman",
            language="ar",
            welcome=welcome,
        )
    ]
    for i in range(count):
        attendee_id = identity.new_attendee_id()
        messages.append(
            ev.AttendeeRegistered(
                event_id=event_id,
                attendee_id=attendee_id,
                name=f"Guest{i:02d} Person",
                email=f"guest{i:02d}.{event_id}@example.org",
                language="ar" if i % 2 else "en",
                short_code=identity.new_short_code(),
                consent_followup=i % 3 == 0,
            )
        )
        messages.append(
            ev.BadgeIssued(
                event_id=event_id,
                attendee_id=attendee_id,
                token_id=f"{attendee_id}.1",
                short_code=messages[-1].short_code,
                serial=1,
            )
        )
    return event_id, messages


def publish(bus, messages) -> None:
    with bus.producer() as producer:
        for message in messages:
            producer.send(message.TOPIC, message.key(), to_envelope(message).to_bytes())
        producer.flush()


def test_sigkill_mid_batch_sends_each_welcome_and_each_signin_exactly_once(rig):  # noqa: F811
    bus, database_url, start, settings = rig
    event_id, messages = registrations(40, "on_registration")
    people = [m for m in messages if isinstance(m, ev.AttendeeRegistered)]
    asked = people[::4]  # a sign-in link each, after their registration on the same partition
    messages += [
        ev.SigninRequested(
            event_id=event_id,
            attendee_id=m.attendee_id,
            link_id=secrets.token_hex(16),
            expires_at=iso(utc_now() + timedelta(minutes=30)),
        )
        for m in asked
    ]
    publish(bus, messages)
    expected = {m.email for m in people}
    with SmtpSink(delay=0.05) as smtp:  # a slow relay, so the kill lands while mail is in flight
        start("services.followup.consumer")
        sender = start("services.followup.sender", "--lease", "3", "--idle", "0.2", smtp_url=smtp.url)
        wait_for_recipients(smtp, expected, at_least=5)
        sender.send_signal(signal.SIGKILL)
        sender.wait(10)
        assert len({m.recipients[0] for m in smtp.messages} & expected) < len(expected)  # killed mid-way
        start("services.followup.sender", "--lease", "3", "--idle", "0.2", smtp_url=smtp.url)
        wait_for_recipients(smtp, expected)
        wait_until_every_delivery_is_settled(database_url, event_id)  # a duplicate would be out by then
        received = smtp.messages
    # The session's Kafka topics also hold other tests' events (welcomed too, if theirs are on): ours only.
    ours = [m for m in received if m.recipients[0] in expected]
    counts = Counter((m.recipients[0], m.message["X-Rapport-Campaign"]) for m in ours)
    assert set(counts) == {(e, "welcome") for e in expected} | {(m.email, "signin") for m in asked}
    assert [r for r, n in counts.items() if n > 1] == []
    assert len({m.message["Message-ID"] for m in ours}) == len(ours)


def test_off_welcomes_nobody_through_kafka(rig):  # noqa: F811
    bus, database_url, start, settings = rig
    quiet_id, quiet = registrations(5, "off")
    loud_id, loud = registrations(2, "on_registration")
    publish(bus, quiet + loud)
    with SmtpSink() as smtp:
        start("services.followup.consumer")
        wait_for_attendees(
            database_url, {quiet_id: 5, loud_id: 2}
        )  # all in the read model before any sender plans
        start("services.followup.sender", "--idle", "0.2", smtp_url=smtp.url)
        wait_for_recipients(smtp, {m.email for m in loud if isinstance(m, ev.AttendeeRegistered)})
        wait_until_every_delivery_is_settled(database_url, loud_id)
        received = smtp.messages
    addresses = Counter(m.recipients[0] for m in received)
    assert all(addresses[m.email] == 1 for m in loud if isinstance(m, ev.AttendeeRegistered))
    assert not [m.email for m in quiet if isinstance(m, ev.AttendeeRegistered) and m.email in addresses]
    engine = sa.create_engine(database_url)
    with engine.connect() as connection:
        assert (
            connection.scalar(sa.text("SELECT count(*) FROM deliveries WHERE event_id = :e"), {"e": quiet_id})
            == 0
        )
    engine.dispose()


def wait_for_recipients(
    smtp: SmtpSink, expected: set[str], at_least: int | None = None, timeout: float = 120
) -> None:
    """Until `at_least` (else all) of these addresses have mail."""
    deadline = time.monotonic() + timeout
    while len({m.recipients[0] for m in smtp.messages} & expected) < (at_least or len(expected)):
        assert time.monotonic() < deadline, "not everyone was welcomed"
        time.sleep(0.2)


def wait_for_attendees(database_url: str, counts: dict[str, int], timeout: float = 120) -> None:
    engine = sa.create_engine(database_url)
    deadline = time.monotonic() + timeout
    try:
        while True:
            try:
                with engine.connect() as connection:
                    have = dict(
                        connection.execute(
                            sa.text("SELECT event_id, count(*) FROM attendees GROUP BY event_id")
                        ).all()
                    )
                    if all(have.get(event_id, 0) >= n for event_id, n in counts.items()):
                        return
            except sa.exc.ProgrammingError:  # the consumer has not made its tables yet
                pass
            assert time.monotonic() < deadline, "the consumer never caught up"
            time.sleep(0.2)
    finally:
        engine.dispose()
