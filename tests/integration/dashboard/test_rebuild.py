"""The read model comes from the bus: the dashboard's consumer group builds it from real topics
(the embedded log), and `rebuild` throws it away and replays the topics into the same figures."""

from __future__ import annotations

from services.dashboard import rebuild
from services.dashboard.consumer import GROUP
from services.dashboard.handlers import READ_MODEL_TYPES, apply_event
from shared.bus import DEAD_LETTER_TOPIC, bus_from_url
from shared.events import ALL_TOPICS, to_envelope
from tests.integration.dashboard.conftest import a_day_of_meetings, grant
from tests.integration.dashboard.running import catch_up


def publish(bus, events) -> None:
    with bus.producer() as producer:
        for event in events:
            producer.send(event.TOPIC, event.key(), to_envelope(event).to_bytes())
        producer.flush()


def consume(bus, sessions) -> int:
    """What `python -m services.dashboard.consumer` does, until it has read everything."""
    return catch_up(bus, GROUP, ALL_TOPICS, READ_MODEL_TYPES, sessions, apply_event)


def test_the_read_model_is_rebuilt_by_replaying_the_topics(app, client, settings, alice, as_alice):
    event_id, story, expected = a_day_of_meetings()
    grant(app, alice, event_id)
    sessions = app.extensions["dashboard"].sessions
    bus = bus_from_url(settings.bus_url, partitions=3)
    bus.ensure_topics([*ALL_TOPICS, DEAD_LETTER_TOPIC], 3)

    def figures() -> dict:
        answer = client.get(f"/v1/events/{event_id}/stats", headers=as_alice).json
        answer.pop("version")  # the order topics are replayed in may differ; the figures may not
        return answer

    half = len(story) // 2
    publish(bus, story[:half])
    consume(bus, sessions)
    publish(bus, story[half:])
    consume(bus, sessions)
    built = figures()
    assert {key: built[key] for key in expected} == expected

    rebuild.clear(sessions)
    assert figures()["meetings"] == 0
    assert rebuild.replay(bus, sessions, poll_timeout=0.5) == len(story)
    assert figures() == built

    consume(bus, sessions)  # the consumer, back, resumes at its own offsets and changes nothing
    assert figures() == built
