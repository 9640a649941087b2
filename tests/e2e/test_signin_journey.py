"""The first minute on a fresh phone, in a real browser, Arabic and English: open someone's badge,
write the note, ask for a sign-in link, open it from the real SMTP server's mailbox, land back on
that badge with the note kept, save the meeting.

Debian's Chromium (Playwright) at a phone's width, the scan service over HTTP on PostgreSQL; its
outbox relay puts signin.requested on a real bus (the embedded log), where the follow-up service's
consumer queues the email in the one mail outbox and its sender delivers it to an SMTP server on
loopback, all in threads. Screenshots of every page on the way, 390 and 1280 px wide, in
/tmp/shots-issue-12-signin-outbox/.
"""

from __future__ import annotations

import re
import threading
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect, sync_playwright
from werkzeug.serving import make_server

from deploy.rig.ports import free_port
from services.badge import create_app as badge_app
from services.followup import create_app as followup_app
from services.followup import readmodel
from services.followup.sender import Sender
from services.scan import create_app as scan_app
from services.scan.handlers import apply_event
from services.scan.models import Scan, SigninLink
from shared import events as ev
from shared import identity
from shared.bus import DEAD_LETTER_TOPIC, bus_from_url
from shared.bus.worker import Worker
from shared.consumer import applied_once
from shared.envelope import iso, utc_now
from shared.events import ALL_TOPICS, ATTENDEES_TOPIC, EVENTS_TOPIC, to_envelope
from shared.identity import TokenClaims
from shared.outbox import run_relay
from shared.smtp import SmtpSettings
from shared.tokens import TokenSigner
from tests.e2e.test_scan_pages import CHROMIUM, CHROMIUM_ARGS, PHONE

SHOTS = Path("/tmp/shots-issue-12-signin-outbox")
DESKTOP = {"width": 1280, "height": 900}
ADMIN = {"Authorization": "Bearer test-admin-token"}


def serve(app):
    server = make_server("127.0.0.1", free_port(), app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture
def site(settings, database_url, new_database, smtp_server):
    """The scan service on a port of its own, its public URL that port; its relay, and the follow-up
    service's consumer and sender (the one mail outbox), running on a real bus."""
    port = free_port()
    base = replace(
        settings,
        scan_database_url=database_url,
        followup_database_url=new_database(),
        public_url=f"http://127.0.0.1:{port}",
        smtp_url=smtp_server.url,
        mail_from="Rapport <rapport@example.org>",
    )
    app, followup = scan_app(base), followup_app(base).extensions["followup"]
    app.extensions["followup"] = followup  # for feed(): the follow-up's read model learns the people too
    server = make_server("127.0.0.1", port, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    bus = bus_from_url(settings.bus_url, partitions=2)
    bus.ensure_topics([*ALL_TOPICS, DEAD_LETTER_TOPIC], 2)
    stop = threading.Event()
    sender = Sender(
        followup.sessions,
        followup.composer,
        SmtpSettings.from_url(smtp_server.url),
        base.mail_from,
        settle=timedelta(0),
        connections=1,
    )

    def relay():
        with bus.producer() as producer:
            run_relay(app.extensions["scan"].sessions, producer, stop)

    def consume():
        handler = applied_once(followup.sessions, "followup", readmodel.apply_event)
        with (
            bus.producer() as dead_letters,
            bus.consumer("followup", [EVENTS_TOPIC, ATTENDEES_TOPIC]) as consumer,
        ):
            Worker(consumer, dead_letters, "followup", {t: handler for t in readmodel.READ_MODEL_TYPES}).run(
                stop
            )

    def send():  # as `python -m services.followup.sender` does, with its --idle
        while not stop.is_set():
            if not sender.run_once():
                stop.wait(0.25)

    threads = [threading.Thread(target=target, daemon=True) for target in (relay, consume, send)]
    for thread in threads:
        thread.start()
    yield app, f"http://127.0.0.1:{port}"
    stop.set()
    for thread in threads:
        thread.join(10)
    sender.close()
    server.shutdown()


def feed(app, *events) -> None:
    """Bus events into the scan's and the follow-up's read models, as their consumers apply them."""
    for sessions, apply in (
        (app.extensions["scan"].sessions, apply_event),
        (app.extensions["followup"].sessions, readmodel.apply_event),
    ):
        with sessions() as session:
            for event in events:
                apply(session, event, to_envelope(event))
            session.commit()
    app.extensions["scan"].directory.invalidate()


@pytest.fixture
def people(site):
    app, _ = site
    signer = TokenSigner.from_settings(app.extensions["scan"].settings)
    event_id = identity.new_event_id()
    # welcome "off": the sign-in emails only in the mailbox, no welcome emails
    feed(
        app,
        ev.EventCreated(
            event_id=event_id,
            name="Riyadh Design Week",
            venue="",
            language="en",
            starts_at="2026-12-01T06:00:00Z",
            ends_at="2026-12-03T15:00:00Z",
            timezone="Asia/Riyadh",
            welcome="off",
        ),
    )
    found = {}
    for key, name, language, headline in (
        ("lina", "Lina Haddad", "en", "Helping new brands find their first customers"),
        ("omar", "عمر الفاروق", "ar", "أبني أدوات تساعد المعلمين على متابعة طلابهم"),
    ):
        attendee_id, code = identity.new_attendee_id(), identity.new_short_code()
        feed(
            app,
            ev.AttendeeRegistered(
                event_id=event_id,
                attendee_id=attendee_id,
                name=name,
                language=language,
                email=f"{key}@example.org",
                short_code=code,
                headline=headline,
            ),
            ev.BadgeIssued(
                event_id=event_id, attendee_id=attendee_id, token_id=f"{attendee_id}.1", short_code=code
            ),
        )
        claims = TokenClaims(event_id, attendee_id, 1)
        found[key] = {
            "id": attendee_id,
            "name": name,
            "email": f"{key}@example.org",
            "event_id": event_id,
            "badge": identity.issue_token(signer, identity.BADGE, claims),
            "private": identity.issue_token(signer, identity.PRIVATE, claims),
        }
    return found


@pytest.fixture(scope="module")
def browser():
    assert Path(CHROMIUM).is_file(), "the browser tests need Debian's chromium: ./rapport test installs it"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def phone_in(browser, locale: str):
    return browser.new_context(
        viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True, locale=locale
    )


def shoot(page, name: str) -> None:
    """The page at a phone's width and at a laptop's, full length."""
    SHOTS.mkdir(exist_ok=True)
    page.evaluate("document.fonts.ready")
    page.screenshot(path=str(SHOTS / f"{name}-390.png"), full_page=True)
    page.set_viewport_size(DESKTOP)
    page.screenshot(path=str(SHOTS / f"{name}-1280.png"), full_page=True)
    page.set_viewport_size(PHONE)


JOURNEYS = {
    # (locale, who signs in, whose badge, the note, a quick tag, words on the way)
    "en": (
        "en-US",
        "lina",
        "omar",
        "His teachers' app: send him our pilot notes",
        "send a link",
        {
            "signin": "Sign in on this phone",
            "sent": "Check your email",
            "saved": "Saved",
            "used": "used already",
        },
    ),
    "ar": (
        "ar",
        "omar",
        "lina",
        "تحدثنا عن أول عملاء Souk Labs، وقهوة بعد الجلسة",
        "قهوة لاحقًا",
        {
            "signin": "سجّل الدخول على هذا الهاتف",
            "sent": "تفقّد بريدك",
            "saved": "تم الحفظ",
            "used": "استُخدم رابط الدخول",
        },
    ),
}


@pytest.mark.parametrize("lang", JOURNEYS)
def test_a_fresh_phone_signs_in_by_email_and_saves_the_meeting_with_its_note(
    browser, site, people, smtp_server, lang
):
    app, base = site
    locale, me, them, note, tag, words = JOURNEYS[lang]
    me, them = people[me], people[them]
    context = phone_in(browser, locale)
    page = context.new_page()
    page.goto(f"{base}/c/{them['badge']}")
    expect(page.locator("html")).to_have_attribute(
        "lang", lang
    )  # the phone's language, not the badge owner's
    expect(page.locator("h1")).to_have_text(them["name"])
    expect(page.locator("#signin h2")).to_have_text(words["signin"])
    page.fill("#note", note)
    page.locator(".chip", has_text=tag).click()
    page.fill("#email", me["email"].upper())  # a phone keyboard's capitals
    shoot(page, f"badge-signin-{lang}")
    page.click("#signin button[type=submit]")
    expect(page.locator("h1")).to_have_text(words["sent"])
    expect(page.locator(".address")).to_have_text(me["email"].upper())
    shoot(page, f"signin-sent-{lang}")

    [mail] = smtp_server.wait_for(1)
    assert mail.recipients == (me["email"],) and mail.message["X-Rapport-Campaign"] == "signin"
    html = mail.message.get_body(("html",)).get_content()
    link = re.search(r'href="(http://127\.0\.0\.1:\d+/s/[A-Z2-7]+)"', html).group(1)
    assert link in mail.message.get_body(("plain",)).get_content()
    mail_page = context.new_page()
    mail_page.set_content(html)
    shoot(mail_page, f"signin-email-{lang}")
    mail_page.close()

    page.goto(link)  # opened from the email, on this phone
    assert page.url.startswith(f"{base}/c/{them['badge']}?draft=")
    expect(page.locator("#note")).to_have_value(note)
    expect(page.locator(".chip", has_text=tag).locator("input")).to_be_checked()
    expect(page.locator(".as bdi")).to_have_text(me["name"])
    [cookie] = [c for c in context.cookies() if c["name"] == "rapport_me"]
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"
    shoot(page, f"badge-back-with-note-{lang}")
    page.click("#meeting button[type=submit]")
    expect(page.locator("h1")).to_have_text(words["saved"])
    with app.extensions["scan"].sessions() as session:
        [scan] = session.scalars(sa.select(Scan)).all()
    assert (scan.scanner_id, scan.scanned_id, scan.note, scan.tags) == (me["id"], them["id"], note, [tag])

    again = context.new_page()
    response = again.goto(link)  # the same link a second time: refused, with a form for a new one
    assert response.status == 410
    expect(again.locator(".error")).to_contain_text(words["used"])
    expect(again.locator("#email")).to_be_visible()
    shoot(again, f"signin-link-used-{lang}")
    context.close()


@pytest.mark.parametrize("lang", JOURNEYS)
def test_the_other_pages_a_newcomer_meets(browser, site, people, lang):
    """Screens only (the behaviour has its tests): the bare sign-in form, an expired link, the
    scanner after the close, a replaced private link."""
    app, base = site
    locale = JOURNEYS[lang][0]
    lina = people["lina"]
    context = phone_in(browser, locale)
    page = context.new_page()
    page.goto(f"{base}/scan")
    expect(page.locator("#email")).to_be_visible()
    shoot(page, f"signin-page-{lang}")

    page.fill("#email", lina["email"])
    page.click("#signin button[type=submit]")
    expect(page.locator(".address")).to_be_visible()
    with app.extensions["scan"].sessions() as session:
        [row] = session.scalars(sa.select(SigninLink)).all()
    started = utc_now()
    app.extensions["scan"].clock = lambda: started + timedelta(minutes=31)
    response = page.goto(f"{base}/s/{identity.signin_token(app.extensions['scan'].signer, row.id)}")
    assert response.status == 410
    shoot(page, f"signin-link-expired-{lang}")

    page.goto(f"{base}/i/{lina['private']}?lang={lang}")
    feed(app, ev.EventClosed(event_id=lina["event_id"], closed_at=iso(utc_now())))
    page.goto(f"{base}/scan")
    expect(page.locator(".closed h1")).to_be_visible()
    shoot(page, f"scanner-closed-{lang}")

    feed(app, ev.PrivateLinkRenewed(event_id=lina["event_id"], attendee_id=lina["id"], serial=2))
    page.goto(f"{base}/me/people")
    expect(page.locator(".notice")).to_be_visible()
    shoot(page, f"signin-replaced-cookie-{lang}")
    context.close()


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_the_badge_services_own_page_closed_and_replaced(browser, settings, database_url, lang):
    app = badge_app(replace(settings, badge_database_url=database_url))
    client = app.test_client()
    event = client.post(
        "/v1/events",
        headers=ADMIN,
        json={
            "name": "Riyadh Design Week",
            "venue": "JAX District",
            "starts_at": "2026-12-01T09:00:00+03:00",
            "ends_at": "2026-12-03T18:00:00+03:00",
            "timezone": "Asia/Riyadh",
            "language": lang,
            "followup_at": "2026-12-04T07:00:00Z",
        },
    ).json
    lina = client.post(
        f"/v1/events/{event['id']}/attendees",
        headers=ADMIN,
        json={"name": "ليلى حداد" if lang == "ar" else "Lina Haddad", "email": "lina@example.org"},
    ).json
    server = serve(app)
    base = f"http://127.0.0.1:{server.server_port}"
    context = phone_in(browser, lang)
    page = context.new_page()
    client.post(f"/v1/events/{event['id']}/close", headers=ADMIN)
    page.goto(f"{base}/me/{lina['scanner_token']}")
    expect(page.locator(".closed h2")).to_be_visible()
    shoot(page, f"badge-self-closed-{lang}")
    client.post(f"/v1/attendees/{lina['id']}/private-link", headers=ADMIN)
    response = page.goto(f"{base}/me/{lina['scanner_token']}")
    assert response.status == 410
    shoot(page, f"badge-self-replaced-{lang}")
    context.close()
    server.shutdown()
