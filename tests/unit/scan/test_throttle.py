"""The lookup limit: so many a minute per attendee, counted on an injected clock."""

from services.scan.throttle import Throttle


def test_each_attendee_gets_so_many_lookups_a_minute_and_more_once_it_has_passed():
    now = [0.0]
    throttle = Throttle(per_minute=3, clock=lambda: now[0])
    assert [throttle.allow("lina") for _ in range(4)] == [True, True, True, False]
    assert throttle.allow("omar")  # another attendee has a count of their own
    now[0] = 59.9
    assert not throttle.allow("lina")
    now[0] = 60.1
    assert throttle.allow("lina")


def test_quiet_attendees_are_forgotten_when_many_have_asked():
    now = [0.0]
    throttle = Throttle(per_minute=1, clock=lambda: now[0], remember=2)
    for who in ("a", "b"):
        throttle.allow(who)
    now[0] = 61.0
    assert throttle.allow("c") and set(throttle._seen) == {"c"}
