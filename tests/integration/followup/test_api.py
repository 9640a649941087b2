"""The follow-up service over HTTP: status, previews, and the links in the emails."""

from __future__ import annotations

import vobject

from tests.integration.followup.conftest import ADMIN
from tests.integration.followup.test_sender import drain, published, small_event


def links(service, reader_id: str, contact_id: str) -> dict[str, str]:
    base = "https://followup.example"
    return {
        name: getattr(service.links, name)(*ids).removeprefix(base)
        for name, ids in (
            ("unsubscribe", (reader_id,)),
            ("followed_up", (reader_id, contact_id)),
            ("vcard", (reader_id, contact_id)),
        )
    }


def test_status_counts_every_outcome(world, service, client, make_sender):
    people = small_event(world)
    world.close()
    drain(make_sender())
    answer = client.get(f"/v1/events/{world.event_id}/followups", headers=ADMIN)
    assert answer.status_code == 200
    body = answer.json
    assert body["summary"] == {
        "queued": 0,
        "sending": 0,
        "finishing": 0,
        "sent": 3,
        "deferred": 0,
        "unconfirmed": 0,
        "failed": 0,
        "skipped": 0,
        "unsubscribed": 0,
    }
    assert {i["attendee_id"] for i in body["items"]} == {people[n] for n in ("Amal", "Bilal", "Chadi")}
    assert all(i["sent_at"] and i["status"] == "sent" for i in body["items"])
    page = client.get(f"/v1/events/{world.event_id}/followups?limit=2", headers=ADMIN).json
    rest = client.get(
        f"/v1/events/{world.event_id}/followups?limit=2&after={page['next_after']}", headers=ADMIN
    ).json
    assert len(page["items"]) == 2 and len(rest["items"]) == 1 and rest["next_after"] is None


def test_status_refuses_bad_requests_with_problems(world, client):
    url = f"/v1/events/{world.event_id}/followups"
    for path, headers, status, code in (
        (url, {}, 401, "missing_token"),
        (url, {"Authorization": "Bearer nope"}, 401, "bad_token"),
        ("/v1/events/unknown/followups", ADMIN, 404, "unknown_event"),
        (url + "?status=lost", ADMIN, 400, "invalid_input"),
        (url + "?limit=0", ADMIN, 422, "invalid_input"),
        (url + "?campaign=spam", ADMIN, 400, "invalid_input"),
    ):
        answer = client.get(path, headers=headers)
        assert (answer.status_code, answer.json["code"]) == (status, code), path
        assert answer.content_type == "application/problem+json"


def test_preview_before_the_event_closes(world, client):
    me, other = world.attendee("Huda", language="ar"), world.attendee("Omar")
    world.scan(me, other, note="تمويل الشركات الناشئة")
    url = f"/v1/events/{world.event_id}/attendees/{me}/followup/preview"
    html = client.get(url, headers=ADMIN)
    assert html.status_code == 200 and html.content_type.startswith("text/html")
    assert 'dir="rtl"' in html.text and "تمويل الشركات الناشئة" in html.text
    text = client.get(url + "?format=text", headers=ADMIN)
    assert text.content_type.startswith("text/plain") and "Omar" in text.text
    assert client.get(url + "?format=json", headers=ADMIN).json["language"] == "ar"
    lonely = world.attendee("Rami", interests=["beekeeping"])
    nothing = client.get(f"/v1/events/{world.event_id}/attendees/{lonely}/followup/preview", headers=ADMIN)
    assert (nothing.status_code, nothing.json["code"]) == (404, "nothing_to_send")
    assert client.get(url + "?format=pdf", headers=ADMIN).status_code == 400
    assert client.get(url).status_code == 401


def test_unsubscribe_needs_a_click_then_stops_everything(world, service, client, make_sender, smtp_server):
    people = small_event(world)
    link = links(service, people["Amal"], people["Bilal"])["unsubscribe"]
    page = client.get(link)
    assert page.status_code == 200 and '<form method="post">' in page.text  # a link scanner changes nothing
    assert client.post(link, data={"List-Unsubscribe": "One-Click"}).status_code == 200  # RFC 8058
    assert client.post(link).status_code == 200  # twice is fine
    world.close()
    assert drain(make_sender()) == {"sent": 2}
    assert all(not m.recipients[0].startswith(people["Amal"]) for m in smtp_server.wait_for(2))
    assert [e.attendee_id for e in published(service) if e.TYPE == "followup.unsubscribed"] == [
        people["Amal"]
    ]
    status = client.get(f"/v1/events/{world.event_id}/followups", headers=ADMIN).json
    assert status["summary"]["unsubscribed"] == 1


def test_followed_up_link_marks_once(world, service, client):
    people = small_event(world)
    link = links(service, people["Amal"], people["Bilal"])["followed_up"]
    assert "Bilal" in client.get(link).text
    assert client.post(link).status_code == 200
    assert client.post(link).status_code == 200
    marked = [e for e in published(service) if e.TYPE == "followup.followed_up"]
    assert [(e.attendee_id, e.contact) for e in marked] == [(people["Amal"], people["Bilal"])]


def test_vcard_only_while_the_contact_shares(world, service, client):
    me = world.attendee("Huda Salem")
    sharer = world.attendee("Omar Khalil", company="Acme; Inc", title="CTO", share=True)
    private = world.attendee("Lina Haddad", share=False)
    world.scan(me, sharer, note="open banking in Morocco")
    world.scan(me, private)
    card = client.get(links(service, me, sharer)["vcard"])
    assert card.status_code == 200 and card.content_type.startswith("text/vcard")
    parsed = vobject.readOne(card.text)
    assert parsed.version.value == "4.0" and parsed.fn.value == "Omar Khalil"
    assert (parsed.n.value.family, parsed.n.value.given) == ("Khalil", "Omar")
    assert parsed.email.value == f"{sharer}@example.org" and parsed.org.value == ["Acme; Inc"]
    assert parsed.note.value.startswith("Met at Gulf Product Summit (Dubai) on ")
    assert parsed.note.value.endswith("\nYour notes: open banking in Morocco")
    refused = client.get(links(service, me, private)["vcard"])
    assert (refused.status_code, refused.json["code"]) == (404, "not_shared")
    stranger = world.attendee("Sami Aziz", share=True)  # shares, but never met Huda nor shares an interest
    refused = client.get(links(service, me, stranger)["vcard"])
    assert (refused.status_code, refused.json["code"]) == (404, "not_shared")


def test_forged_and_repurposed_links_are_refused(world, service, client):
    people = small_event(world)
    good = links(service, people["Amal"], people["Bilal"])
    token = good["unsubscribe"].removeprefix("/u/")
    middle = len(token) // 2  # a character inside the tag (the last one may hold only padding bits)
    tampered = "/u/" + token[:middle] + ("A" if token[middle] != "A" else "B") + token[middle + 1 :]
    other_purpose = service.signer.sign("badge", people["Amal"].encode())  # signed by us, for another use
    for path in (tampered, "/u/not-a-token", f"/u/{other_purpose}", f"/d/{other_purpose}/{people['Bilal']}"):
        answer = client.post(path)
        assert (answer.status_code, answer.json["code"]) == (404, "bad_link"), path


def test_followed_up_link_to_someone_of_another_event_marks_nothing_and_names_nobody(world, service, client):
    from tests.integration.followup.conftest import World

    people = small_event(world)
    other = World(service)
    stranger = other.attendee("Zaid Stranger")
    link = links(service, people["Amal"], stranger)["followed_up"]
    unknown = links(service, people["Amal"], "nosuchattendee")["followed_up"]
    for method in (client.get, client.post):
        answer, nobody = method(link), method(unknown)
        assert answer.status_code == nobody.status_code == 200
        assert "Zaid" not in answer.text and answer.text == nobody.text
    assert [e for e in published(service) if e.TYPE == "followup.followed_up"] == []


def test_the_email_link_pages_and_the_contact_card_are_never_stored(world, service, client):
    people = small_event(world)
    urls = links(service, people["Amal"], people["Bilal"])
    for name in ("unsubscribe", "followed_up"):
        page = client.get(urls[name])
        assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store", name
        assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"], name
