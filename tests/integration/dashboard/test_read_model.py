"""The read model, fed bus events as the consumer feeds them, read through GET /v1/events/{id}/stats,
/live and /graph, on PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

from shared import events as ev
from shared.envelope import iso
from tests.integration.dashboard.conftest import NOW


def stats(client, world, headers) -> dict:
    answer = client.get(f"/v1/events/{world.event_id}/stats", headers=headers)
    assert answer.status_code == 200, answer.json
    return answer.json


def test_repeat_scans_and_redelivered_messages_count_one_meeting(client, world, feed, as_alice):
    lina, omar = world.attendee("Lina"), world.attendee("Omar")
    delivered = world.met(lina, omar)
    world.met(lina, omar, NOW - timedelta(minutes=2))  # she scans him again: a new message, the same meeting
    feed(*[(ev.from_envelope(e), e) for e in delivered])  # at-least-once: the first message comes again
    figures = stats(client, world, as_alice)
    assert figures["meetings"] == 1 and figures["mutual_meetings"] == 0
    assert figures["met_someone"] == 2 and figures["met_nobody"] == 0
    assert [p["meetings"] for p in figures["top_connectors"]] == [1, 1]


def test_a_meeting_becomes_mutual_when_the_second_person_scans(client, world, as_alice):
    lina, omar, sara = (world.attendee(n) for n in ("Lina", "Omar", "Sara"))
    world.met(lina, omar)
    world.met(omar, lina, mutual=True)
    world.met(lina, sara)
    world.met(sara, lina)  # her scan's flag was lost on the way: both directions still make it mutual
    figures = stats(client, world, as_alice)
    assert (figures["meetings"], figures["mutual_meetings"], figures["mutual_share"]) == (2, 2, 1.0)


def test_meetings_per_ten_minutes_by_when_they_happened_with_quiet_times_as_zero(client, world, as_alice):
    a, b, c, d = (world.attendee(n) for n in "ABCD")
    world.met(a, b, NOW.replace(hour=9, minute=3))
    world.met(c, d, NOW.replace(hour=9, minute=31))
    world.met(a, c, NOW.replace(hour=9, minute=39))
    world.met(b, a, NOW.replace(hour=9, minute=45), mutual=True)  # mutual, still met at 9:03
    world.met(d, b, NOW.replace(hour=9, minute=50))
    world.met(d, b, NOW.replace(hour=9, minute=8))  # his phone was offline: that meeting was at 9:08
    assert stats(client, world, as_alice)["per_10_minutes"] == [
        {"starts_at": "2026-12-01T09:00:00.000Z", "meetings": 2, "mutual": 1},
        {"starts_at": "2026-12-01T09:10:00.000Z", "meetings": 0, "mutual": 0},
        {"starts_at": "2026-12-01T09:20:00.000Z", "meetings": 0, "mutual": 0},
        {"starts_at": "2026-12-01T09:30:00.000Z", "meetings": 2, "mutual": 0},
    ]


def test_active_scanners_are_those_who_scanned_in_the_last_ten_minutes(client, world, as_alice):
    a, b, c = (world.attendee(n) for n in "ABC")
    world.met(a, b, NOW - timedelta(minutes=30))
    world.met(c, b, NOW - timedelta(minutes=3))
    figures = stats(client, world, as_alice)
    assert (figures["scanners"], figures["active_scanners"]) == (2, 1)


def test_a_scan_that_arrives_before_the_registrations_is_kept_until_they_arrive(
    client, world, feed, as_alice
):
    early = "aaaaaaaaaa", "bbbbbbbbbb"
    world.met(*early)
    figures = stats(client, world, as_alice)
    assert (figures["attendees"], figures["meetings"]) == (0, 1)
    for attendee_id, name in zip(early, ("Lina", "Omar")):
        feed(world.registered(attendee_id, name))
    figures = stats(client, world, as_alice)
    assert (figures["attendees"], figures["met_someone"], figures["meetings"]) == (2, 2, 1)
    assert {p["name"] for p in figures["top_connectors"]} == {"Lina", "Omar"}


def test_an_erased_attendee_leaves_no_trace_and_their_late_scans_stay_out(client, world, feed, as_alice):
    lina, omar, sara = (world.attendee(n) for n in ("Lina", "Omar", "Sara"))
    world.met(lina, omar)
    world.met(omar, lina, mutual=True)
    world.met(sara, omar)
    feed(ev.AttendeeErased(event_id=world.event_id, attendee_id=omar))
    world.met(lina, omar)  # a phone that was offline syncs a scan of him afterwards
    figures = stats(client, world, as_alice)
    assert (figures["attendees"], figures["meetings"], figures["mutual_meetings"]) == (2, 0, 0)
    assert figures["met_nobody"] == 2 and figures["top_connectors"] == []
    graph = client.get(f"/v1/events/{world.event_id}/graph", headers=as_alice).json
    assert omar not in {n[0] for n in graph["nodes"]} and graph["edges"] == []
    export = client.get(f"/v1/events/{world.event_id}/exports/attendees.csv", headers=as_alice).text
    assert "Omar" not in export


def followup(cls, world, attendee_id, campaign="followup", **extra):
    return cls(event_id=world.event_id, attendee_id=attendee_id, campaign=campaign, **extra)


def test_follow_up_delivery_and_nudge_outcomes_per_campaign(client, world, feed, as_alice):
    a, b, c, d, e = (world.attendee(n) for n in "ABCDE")
    feed(
        *(followup(ev.FollowupQueued, world, who) for who in (a, b, c, d)),
        followup(ev.FollowupSent, world, a, sent_at=iso(NOW)),
        followup(ev.FollowupSent, world, b, sent_at=iso(NOW)),
        followup(ev.FollowupFailed, world, c, reason="mailbox full"),
        followup(ev.FollowupSkipped, world, e, reason="met nobody"),
        followup(ev.FollowupDeferred, world, e, "nudge-7", reason="451 try later"),
        followup(ev.FollowupSent, world, d, sent_at=iso(NOW)),
        followup(ev.FollowupUnsubscribed, world, d, "all"),
        followup(ev.FollowupUnsubscribed, world, d, "all"),  # the link clicked twice: one person
        followup(ev.FollowupQueued, world, a, "nudge-7"),
        followup(ev.FollowupSent, world, a, "nudge-7", sent_at="x"),
        followup(ev.FollowupFollowedUp, world, a, "nudge-7", contact=b),
        followup(ev.FollowupFollowedUp, world, a, "nudge-7", contact=b),  # marked twice: one follow-up
        followup(ev.FollowupFollowedUp, world, a, "followup", contact=c),
        followup(ev.FollowupQueued, world, b, "nudge-30"),
    )
    blank = {
        "queued": 0,
        "deferred": 0,
        "sent": 0,
        "failed": 0,
        "skipped": 0,
        "followed_up": 0,
        "people_following_up": 0,
    }
    assert stats(client, world, as_alice)["followups"] == {
        "summary": {"queued": 1, "deferred": 1, "sent": 4, "failed": 1, "skipped": 1, "unsubscribed": 1},
        "followed_up": 2,
        "by_campaign": {
            "followup": {
                **blank,
                "sent": 3,
                "failed": 1,
                "skipped": 1,
                "followed_up": 1,
                "people_following_up": 1,
            },
            "nudge-7": {**blank, "sent": 1, "deferred": 1, "followed_up": 1, "people_following_up": 1},
            "nudge-30": {**blank, "queued": 1},
        },
    }


def test_people_who_met_nobody_come_with_someone_who_shares_an_interest(client, world, as_alice):
    lina = world.attendee("Lina", interests=("Coffee", "Design"))
    omar = world.attendee("Omar", interests=("coffee ",))
    sara = world.attendee("Sara", interests=("Logistics",))
    huda = world.attendee("Huda", interests=("Coffee",))
    world.met(omar, huda)
    unmet = {
        p["name"]: p
        for p in client.get(f"/v1/events/{world.event_id}/live?since=0", headers=as_alice).json["unmet"]
    }
    assert set(unmet) == {"Lina", "Sara"}
    assert unmet["Lina"]["interests"] == ["Coffee", "Design"]
    assert unmet["Lina"]["introduce_to"]["name"] in (
        "Omar",
        "Huda",
    )  # they share coffee, and are already meeting
    assert unmet["Lina"]["introduce_to"]["interest"] == "coffee"
    assert unmet["Sara"]["introduce_to"] is None
    assert lina and sara


def test_the_live_view_gets_only_what_changed_since_its_last_poll(client, world, feed, as_alice):
    url = f"/v1/events/{world.event_id}/live"
    first = client.get(url, query_string={"since": 0}, headers=as_alice).json
    assert first["reload"] is False and first["nodes"] == first["edges"] == []
    lina, omar = world.attendee("Lina"), world.attendee("Omar")
    seen = client.get(url, query_string={"since": first["version"]}, headers=as_alice).json
    assert sorted(n[1] for n in seen["nodes"]) == ["Lina", "Omar"] and seen["edges"] == []
    world.met(lina, omar)
    changed = client.get(url, query_string={"since": seen["version"]}, headers=as_alice).json
    assert changed["reload"] is False and changed["edges"] == [[min(lina, omar), max(lina, omar), False]]
    assert sorted(n[2] for n in changed["nodes"]) == [1, 1] and changed["stats"]["meetings"] == 1
    quiet = client.get(url, query_string={"since": changed["version"]}, headers=as_alice).json
    assert quiet["nodes"] == [] and quiet["edges"] == []
    world.met(omar, lina, mutual=True)
    became_mutual = client.get(url, query_string={"since": quiet["version"]}, headers=as_alice).json
    assert became_mutual["edges"] == [[min(lina, omar), max(lina, omar), True]]
    feed(ev.AttendeeErased(event_id=world.event_id, attendee_id=omar))
    assert (
        client.get(url, query_string={"since": became_mutual["version"]}, headers=as_alice).json["reload"]
        is True
    )


def test_the_graph_shows_the_best_connected_when_the_event_is_large(
    app, client, world, as_alice, monkeypatch
):
    from services.dashboard import figures

    monkeypatch.setattr(figures, "GRAPH_NODES", 3)  # the 2,000 of a real event, scaled down
    hub, *others = (world.attendee(f"P{i}") for i in range(6))
    for other in others[:2]:
        world.met(hub, other)
    graph = client.get(f"/v1/events/{world.event_id}/graph", headers=as_alice).json
    assert graph["attendees"] == 6 and graph["limit"] == 3
    assert {n[0] for n in graph["nodes"]} == {hub, *others[:2]} and len(graph["edges"]) == 2


def test_live_refuses_a_since_that_is_not_a_version(client, world, as_alice):
    answer = client.get(f"/v1/events/{world.event_id}/live?since=yesterday", headers=as_alice)
    assert answer.status_code == 422 and answer.mimetype == "application/problem+json"
