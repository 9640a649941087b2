"""What the follow-up email says, read from the composed email as the attendee would."""

from __future__ import annotations

import re

from services.followup.compose import EventInfo
from services.followup.models import Attendee
from services.followup.store import load_digests


def compose(service, world, attendee_id, campaign="followup"):
    with service.sessions() as session:
        reader = session.get(Attendee, attendee_id)
        digest = load_digests(session, [reader])[attendee_id]
    return service.composer.compose(EventInfo(world.event_id, "Gulf Product Summit"), digest, campaign)


def visible_text(html: str) -> str:
    html = re.sub(r"<style>.*?</style>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_names_exactly_the_people_met_with_the_readers_own_notes(world, service):
    me = world.attendee("Huda Salem", interests=["fintech", "design"])
    met = [
        world.attendee(n, interests=i)
        for n, i in (("Omar Khalil", ["Fintech"]), ("Lina Haddad", []), ("Youssef Amrani", []))
    ]
    stranger = world.attendee("Karim Nasser")
    world.scan(me, met[0], note="open banking APIs in Morocco", tags=["coffee later"])
    world.scan(me, met[1])
    world.scan(me, met[2], note="his team is hiring a PM")
    world.scan(met[1], me, note="Lina's private note about Huda")
    email = compose(service, world, me)
    text = email.text
    for name in ("Omar Khalil", "Lina Haddad", "Youssef Amrani"):
        assert name in text
    assert "Karim Nasser" not in text and "Karim Nasser" not in email.html  # registered, never met
    assert stranger not in email.html  # not even in a link
    assert "open banking APIs in Morocco" in text and "his team is hiring a PM" in text
    assert "Lina's private note" not in text and "Lina's private note" not in email.html
    assert "fintech" in text  # the shared interest, in the reader's spelling
    assert email.contacts == 3


def test_at_most_five_highlights_each_with_its_reason(world, service):
    me = world.attendee("Huda Salem")
    people = [world.attendee(f"Person {i}") for i in range(9)]
    for i, other in enumerate(people):
        world.scan(me, other, note=f"topic number {i}" if i < 7 else "")
    world.scan(people[8], me)  # mutual with someone she wrote nothing about
    email = compose(service, world, me)
    highlights = email.text.split("==")[2]
    assert highlights.count("\n* ") + highlights.startswith("* ") <= 5
    assert "* Person 8 (met both ways)" in highlights
    assert highlights.count("Your note, only you see this: ") == 4  # the note is why the other four are there
    assert "Person 7" not in highlights  # no note, not mutual: listed, not highlighted
    assert "Person 7" in email.text.split("== Also met ==")[1]
    for i in range(9):  # each person once
        assert email.text.count(f"Person {i}\n") + email.text.count(f"Person {i} ") == 1


def test_suggested_message_gives_before_it_asks_and_never_quotes_the_note(world, service):
    me = world.attendee("Huda Salem", interests=["Arabic NLP"])
    other = world.attendee("Omar Khalil", interests=["arabic nlp"])
    world.scan(me, other, note="Arabic NLP for customer support; send him the SDK docs", tags=["send a link"])
    email = compose(service, world, me)
    suggestion = email.text.split("> ", 1)[1].splitlines()[0]
    assert "customer support" not in suggestion and "SDK" not in suggestion
    assert suggestion.index("here is the link") < suggestion.index("coffee")
    assert email.text.count("Arabic NLP for customer support") == 1  # the note once, marked private
    assert "only you see this: Arabic NLP for customer support" in email.text
    assert visible_text(email.html).count("Arabic NLP for customer support") == 1


def test_contact_details_only_with_consent(world, service):
    me = world.attendee("Huda Salem")
    sharer, private = world.attendee("Omar Khalil", share=True), world.attendee("Lina Haddad", share=False)
    world.scan(me, sharer)
    world.scan(me, private)
    email = compose(service, world, me)
    assert f"{sharer}@example.org" in email.text and f"{sharer}@example.org" in email.html
    assert f"{private}@example.org" not in email.text and f"{private}@example.org" not in email.html
    assert email.html.count("/v/") == 1  # one "add to contacts" link: the sharer's


def test_people_who_met_you_only_if_they_agreed_to_share(world, service):
    me = world.attendee("Huda Salem")
    sharer, private = world.attendee("Omar Khalil", share=True), world.attendee("Lina Haddad", share=False)
    world.scan(sharer, me, note="Omar's own note")
    world.scan(private, me)
    email = compose(service, world, me)
    assert "They met you: say hello?" in email.text
    assert "* Omar Khalil · " in email.text.split("== They met you: say hello? ==")[1]
    assert "Lina Haddad" not in email.text and "Omar's own note" not in email.text


def test_met_nobody_gets_people_who_share_interests_or_nothing(world, service):
    me = world.attendee("Huda Salem", interests=["Climate tech"])
    world.attendee("Omar Khalil", interests=["climate tech", "AI"], share=True)
    world.attendee("Lina Haddad", interests=["climate tech"], share=False)
    world.attendee("Sami Aziz", interests=["golf"], share=True)
    email = compose(service, world, me)
    assert "Omar Khalil" in email.text and "Climate tech" in email.text
    assert "Lina Haddad" not in email.text and "Sami Aziz" not in email.text
    loner = world.attendee("Rami Odeh", interests=["beekeeping"])
    assert compose(service, world, loner) is None


def test_no_empty_placeholders_when_fields_are_missing(world, service):
    me, bare = world.attendee("Huda"), world.attendee("Omar")  # no company, title, headline, interests
    world.scan(me, bare)
    email = compose(service, world, me)
    for text in (email.text, visible_text(email.html)):
        assert "{" not in text and "None" not in text and "“”" not in text and '""' not in text
    assert (
        "* Omar\n  A message you could send:" in email.text
    )  # no empty role, headline or notes lines between


def test_wording_varies_between_attendees(world, service):
    people = [world.attendee(f"Reader {i}") for i in range(12)]
    other = world.attendee("Omar Khalil", headline="Helping clinics go paperless")
    for reader in people:
        world.scan(reader, other, note="the paperless clinic pilot")
    emails = [compose(service, world, r) for r in people]
    assert len({e.subject for e in emails}) > 1 and len({e.text.splitlines()[0] for e in emails}) > 1
    # the suggested message is the reviewed one for this case (tests/unit/followup/test_messages.py)
    assert len({e.text.split("> ", 1)[1].splitlines()[0].split(", ", 1)[1] for e in emails}) == 1


def test_arabic_email_is_right_to_left_and_decodes(world, service, smtp_server):
    from services.followup.compose import message_id, to_mime
    from services.followup.store import person

    me = world.attendee("هدى سالم", language="ar", interests=["التقنية المالية"])
    other = world.attendee("عمر خليل", interests=["التقنية المالية"], company="بنك المستقبل")
    world.scan(me, other, note="الخدمات المصرفية المفتوحة")
    email = compose(service, world, me)
    assert '<html lang="ar" dir="rtl">' in email.html
    with service.sessions() as session:
        reader = person(session.get(Attendee, me))
    mime = to_mime(
        email,
        reader,
        "فريق القمة <team@example.org>",
        message_id("followup", me, "team@example.org"),
        campaign="followup",
    )
    import smtplib

    with smtplib.SMTP(
        smtp_server.url.split("//")[1].split(":")[0], int(smtp_server.url.rsplit(":", 1)[1])
    ) as smtp:
        smtp.sendmail("team@example.org", [reader.email], mime)
    [received] = smtp_server.wait_for(1)
    message = received.message
    assert message["Subject"] == email.subject and not email.subject.isascii()
    html = message.get_body(("html",)).get_content()
    text = message.get_body(("plain",)).get_content()
    assert 'dir="rtl"' in html and 'lang="ar"' in html
    assert "عمر خليل" in text and "الخدمات المصرفية المفتوحة" in text and "بنك المستقبل" in html
    assert "عمر خليل" in str(message.get_body(("html",)).get_content())
    assert received.raw.isascii()  # 7-bit on the wire: any relay accepts it
    assert message["From"].addresses[0].display_name == "فريق القمة"
    assert message["To"].addresses[0].display_name == "هدى سالم"
    assert not message.defects and all(not part.defects for part in message.walk())


def test_a_compact_line_opens_the_suggested_message_ready_to_send(world, service):
    from urllib.parse import unquote

    me = world.attendee("Huda Salem")
    people = [world.attendee(f"Person {i}", company="Careem") for i in range(7)]
    for i, other in enumerate(people):
        world.scan(me, other, note=f"private thought {i}")
    email = compose(service, world, me)
    compact = email.html.split("<h2>Also met</h2>")[1]
    [link] = [href for href in re.findall(r'href="(mailto:[^"]+)"', compact) if people[6] in href]
    body = unquote(link.split("body=", 1)[1])
    assert body.startswith("Hi Person, it was good to meet you at Gulf Product Summit.")
    assert "private thought" not in body and body.endswith("Best,\nHuda")


def test_someone_who_did_not_share_is_reached_through_the_organizers_only_if_a_reply_reaches_them(
    world, service
):
    me, private = world.attendee("Huda Salem"), world.attendee("Lina Haddad", share=False)
    world.scan(me, private, note="her bakery app")
    with service.sessions() as session:
        digest = load_digests(session, [session.get(Attendee, me)])[me]
    with_contact = service.composer.compose(
        EventInfo(world.event_id, "Gulf Product Summit", "team@gps.example"), digest, "followup"
    )
    without = service.composer.compose(EventInfo(world.event_id, "Gulf Product Summit"), digest, "followup")
    for email in (with_contact, without):
        assert (
            "A message you could send" not in email.text
            and "Lina Haddad did not share contact details" in email.text
        )
    assert "reply to this email" in with_contact.text and "reply to this email" not in without.text
