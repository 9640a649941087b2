"""Running attendees and the event from the dashboard's pages, against the real badge and follow-up
services over HTTP: add, edit, erase, reissue, a new private link, one badge or a chosen set
printed, search, the list right after an import, each person's emails, the event's settings in
its own time zone, and the export that imports again unchanged."""

from __future__ import annotations

import csv
import io
import re

import pikepdf
import pytest
import sqlalchemy as sa

from services.dashboard.models import Attendee
from shared import identity
from tests.integration.dashboard.conftest import HTML, csrf_of, log_in
from tests.integration.dashboard.test_run_event import (  # noqa: F401 (fixtures)
    CSV,
    browser,
    create_event,
    dashboard_settings,
    others,
)

BADGE_ADMIN = {"Authorization": "Bearer test-admin-token"}


@pytest.fixture
def event_id(browser):
    _, location = create_event(browser)
    return location.rsplit("/", 1)[1]


def csrf(browser, path: str) -> str:
    return csrf_of(browser.get(path, headers=HTML).text)


def upload(browser, event_id: str, data: bytes):
    return browser.post(
        f"/events/{event_id}/attendees/import",
        headers=HTML,
        content_type="multipart/form-data",
        data={
            "csrf_token": csrf(browser, f"/events/{event_id}/attendees"),
            "file": (io.BytesIO(data), "people.csv"),
        },
    )


def person_id(browser, event_id: str, name: str) -> str:
    listing = browser.get(f"/events/{event_id}/attendees", headers=HTML).text
    return re.search(rf'/events/{event_id}/attendees/(\w+)" dir="auto">{name}<', listing).group(1)


def badge_side(others, path: str):
    return others.badge_app.test_client().get(path, headers=BADGE_ADMIN)


def post_form(browser, path: str, form_page: str, **fields):
    return browser.post(path, data={"csrf_token": csrf(browser, form_page), **fields}, headers=HTML)


def test_the_list_is_right_straight_after_an_import_before_the_bus_delivers(browser, event_id):
    result = upload(browser, event_id, CSV)
    assert "3 added, 0 updated, 0 unchanged." in result.text
    assert "No attendees yet" not in result.text and "(3)" in result.text  # no consumer has run
    assert "عمر الفاروق" in result.text and "Sara Nasser" in result.text


def test_search_finds_people_by_name_company_email_or_short_code(app, browser, event_id):
    upload(browser, event_id, CSV)
    with app.extensions["dashboard"].sessions() as session:
        sara_code = session.scalar(sa.select(Attendee.short_code).where(Attendee.name == "Sara Nasser"))

    def found(q: str) -> set[str]:
        page = browser.get(f"/events/{event_id}/attendees", query_string={"q": q}, headers=HTML).text
        return set(re.findall(r'dir="auto">([^<]+)</a></td>', page))

    assert found("dhow") == {"Sara Nasser"}  # company
    assert found("OMAR@example") == {"عمر الفاروق"}  # email, any case
    assert found(f"{sara_code[:3].lower()}-{sara_code[3:]}") == {
        "Sara Nasser"
    }  # the code as typed from a badge
    assert found("lina") == {"Lina Haddad"}
    assert found("%") == set()  # a LIKE wildcard is a character, not "everyone"


def test_an_organizer_adds_an_attendee_with_each_fields_reason_shown_next_to_it(
    app, browser, event_id, others
):
    new = f"/events/{event_id}/attendees/new"
    refused = post_form(browser, new, new, name="", email="not-an-email", language="en")
    assert refused.status_code == 422
    assert re.search(r'id="name-error">required<', refused.text)
    assert 'id="email-error">' in refused.text and 'value="not-an-email"' in refused.text

    made = post_form(
        browser, new, new, name="Huda Saleh", email="Huda@Example.org", company="Palm Studio",
        interests="design، coffee", language="ar", consent_followup="1",
    )  # fmt: skip
    assert made.status_code == 303 and made.headers["Location"].endswith("?done=added")
    person = browser.get(made.headers["Location"], headers=HTML).text
    assert "Huda Saleh" in person and "huda@example.org" in person and "Their badge is ready" in person
    attendee_id = made.headers["Location"].split("/")[-1].split("?")[0]
    held = badge_side(others, f"/v1/attendees/{attendee_id}").json
    assert held["interests"] == ["design", "coffee"] and held["consent"] == {
        "followup": True, "share_contact": False, "suggest": False,
    }  # fmt: skip

    again = post_form(browser, new, new, name="Another Huda", email="huda@example.org", language="en")
    assert again.status_code == 409 and "already registered" in again.text


def test_an_organizer_edits_an_attendee_and_the_list_shows_it_at_once(browser, event_id, others):
    upload(browser, event_id, CSV)
    sara = person_id(browser, event_id, "Sara Nasser")
    edit = f"/events/{event_id}/attendees/{sara}/edit"
    form = browser.get(edit, headers=HTML).text
    assert 'value="Dhow Logistics"' in form and 'name="consent_share_contact" value="1" checked' in form
    saved = post_form(
        browser, edit, edit, name="Sara Nasser", email="sara@example.org", company="Gulf Freight",
        headline="Cold chains that waste nothing", language="en", consent_share_contact="1", consent_suggest="1",
    )  # fmt: skip
    assert saved.status_code == 303 and saved.headers["Location"].endswith("?done=saved")
    assert "Gulf Freight" in browser.get(f"/events/{event_id}/attendees", headers=HTML).text
    assert badge_side(others, f"/v1/attendees/{sara}").json["headline"] == "Cold chains that waste nothing"
    too_long = post_form(browser, edit, edit, name="x" * 121, email="sara@example.org", language="en")
    assert too_long.status_code == 422 and "at most 120 characters" in too_long.text


def test_erasing_asks_first_says_what_goes_and_then_forgets_the_person(browser, event_id, others):
    upload(browser, event_id, CSV)
    lina = person_id(browser, event_id, "Lina Haddad")
    confirm = browser.get(f"/events/{event_id}/attendees/{lina}/erase", headers=HTML)
    assert confirm.status_code == 200 and "cannot be undone" in confirm.text
    assert "the meetings they recorded" in confirm.text and "lina@example.org" in confirm.text
    assert badge_side(others, f"/v1/attendees/{lina}").status_code == 200  # asking erased nothing

    gone = post_form(
        browser, f"/events/{event_id}/attendees/{lina}/erase", f"/events/{event_id}/attendees/{lina}/erase"
    )
    assert gone.status_code == 303 and gone.headers["Location"].endswith("?erased=1")
    listing = browser.get(gone.headers["Location"], headers=HTML).text
    assert "erased everywhere" in listing and "Lina Haddad" not in listing and "(2)" in listing
    assert badge_side(others, f"/v1/attendees/{lina}").status_code == 404
    assert browser.get(f"/events/{event_id}/attendees/{lina}", headers=HTML).status_code == 404


def test_reissuing_a_badge_gives_a_new_short_code_at_once_and_the_old_badge_is_refused(
    browser, event_id, others
):
    upload(browser, event_id, CSV)
    omar = person_id(browser, event_id, "عمر الفاروق")
    before = badge_side(others, f"/v1/attendees/{omar}").json
    page = f"/events/{event_id}/attendees/{omar}"
    done = post_form(browser, f"{page}/reissue", page)
    assert done.status_code == 303 and done.headers["Location"].endswith("?done=reissued")
    after = badge_side(others, f"/v1/attendees/{omar}").json
    assert after["short_code"] != before["short_code"]
    shown = browser.get(done.headers["Location"], headers=HTML).text
    assert f'id="short-code">{after["short_code"]}<' in shown and after["short_code"] in shown
    verify = others.badge_app.test_client().post(
        f"/v1/events/{event_id}/badges/verify", headers=BADGE_ADMIN, json={"token": before["badge_token"]}
    )
    assert verify.status_code == 410 and verify.json["code"] == "revoked"
    found = browser.get(
        f"/events/{event_id}/attendees", query_string={"q": after["short_code"]}, headers=HTML
    )
    assert "عمر الفاروق" in found.text


def test_a_new_private_link_is_shown_once_and_the_old_one_stops(browser, event_id, others):
    upload(browser, event_id, CSV)
    sara = person_id(browser, event_id, "Sara Nasser")
    old = badge_side(others, f"/v1/attendees/{sara}").json["private_url"]
    page = f"/events/{event_id}/attendees/{sara}"
    answer = post_form(browser, f"{page}/private-link", page)
    assert answer.status_code == 200
    new = re.search(r'<code class="secret">([^<]+)</code>', answer.text).group(1)
    assert new != old and new == badge_side(others, f"/v1/attendees/{sara}").json["private_url"]
    assert new not in browser.get(page, headers=HTML).text  # shown once, not on every visit
    old_page = others.badge_app.test_client().get(old.replace(others.badge.url, ""), headers=HTML)
    assert old_page.status_code in (404, 410)


def test_one_badge_or_a_chosen_set_prints_as_a_pdf_of_just_those(browser, event_id):
    upload(browser, event_id, CSV)
    lina, sara = (person_id(browser, event_id, n) for n in ("Lina Haddad", "Sara Nasser"))
    one = browser.get(f"/events/{event_id}/attendees/{lina}/badge.pdf", query_string={"force": "1"})
    assert one.status_code == 200 and one.mimetype == "application/pdf"
    assert len(pikepdf.open(io.BytesIO(one.data)).pages) == 1  # single-a6: one badge, one page
    chosen = browser.get(
        f"/events/{event_id}/badges/chosen.pdf",
        query_string=[("id", lina), ("id", sara), ("layout", "single-a6"), ("force", "1")],
    )
    assert chosen.status_code == 200 and len(pikepdf.open(io.BytesIO(chosen.data)).pages) == 2
    none = browser.get(f"/events/{event_id}/badges/chosen.pdf", headers=HTML)
    assert none.status_code == 422 and "choose 1 to 1000 attendees" in none.text
    stranger = browser.get(
        f"/events/{event_id}/badges/chosen.pdf", query_string={"id": identity.new_attendee_id()}, headers=HTML
    )
    assert stranger.status_code == 404


def test_each_persons_emails_show_what_was_sent_and_why_not(app, browser, event_id, others):
    from services.followup.models import Attendee as Reader
    from services.followup.models import Delivery

    upload(browser, event_id, CSV)
    others.deliver(app)  # the follow-up service learns the event and its people from the bus
    omar = person_id(browser, event_id, "عمر الفاروق")
    page = f"/events/{event_id}/attendees/{omar}"
    post_form(browser, f"{page}/welcome", page)  # queues a welcome email
    # What its sender does to the row, and what its unsubscribe link does to the person.
    with others.followup_app.extensions["followup"].sessions() as session:
        session.execute(
            sa.update(Delivery)
            .where(Delivery.attendee_id == omar)
            .values(status="skipped", last_error="no consent")
        )
        session.execute(sa.update(Reader).where(Reader.id == omar).values(unsubscribed_at=sa.func.now()))
        session.commit()
    shown = browser.get(page, headers=HTML).text
    record = shown[shown.index('id="record"') :]
    assert "Welcome email" in record and "not sent, on purpose" in record
    assert "they did not agree to follow-up emails" in record and "Unsubscribed on " in record


def test_the_event_settings_show_and_take_times_in_the_events_zone(app, browser, event_id, others):
    settings = f"/events/{event_id}/settings"
    form = browser.get(settings, headers=HTML).text
    assert 'value="2026-12-01T09:00"' in form  # created as 09:00 in Riyadh: shown as 09:00, not 06:00 UTC
    saved = post_form(
        browser, settings, settings, name="Riyadh Design Week 2026", venue="King Abdullah Financial District",
        starts_at="2026-12-01T10:00", ends_at="2026-12-01T19:00", timezone="Asia/Riyadh", language="en",
        contact_email="team@example.org", followup_at="2026-12-02T09:30", meeting_point="The coffee bar by hall B",
        welcome="on_registration",
    )  # fmt: skip
    assert saved.status_code == 303
    held = badge_side(others, f"/v1/events/{event_id}").json
    assert held["starts_at"] == "2026-12-01T07:00:00.000Z" and held["followup_at"].startswith(
        "2026-12-02T06:30"
    )
    assert held["meeting_point"] == "The coffee bar by hall B" and held["contact_email"] == "team@example.org"
    page = browser.get(saved.headers["Location"], headers=HTML).text
    assert "Saved." in page and "Riyadh Design Week 2026" in page and "2026-12-01 10:00 +03:00" in page
    times = {"name": "x", "starts_at": "2026-12-01T10:00", "timezone": "Asia/Riyadh"}
    refused = post_form(browser, settings, settings, **times, ends_at="2026-12-01T09:00")
    assert refused.status_code == 422 and re.search(
        r'id="ends_at-error">must be after starts_at<', refused.text
    )
    assert 'value="2026-12-01T09:00"' in refused.text  # the form as sent, to mend
    refused = post_form(
        browser, settings, settings, **times, ends_at="2026-12-01T19:00", contact_email="a@b.org, c@d.org"
    )
    assert refused.status_code == 422 and 'id="contact_email-error">must be one email address' in refused.text


# A second file with the other import columns, and cells a spreadsheet would take for formulas.
MORE = (
    b"name,email,company,title,headline,interests,can_help_with,looking_for,consent_suggest,language\n"
    b'+Huda Saleh,huda@example.org,@Home Studio,-,=Data; not guesses,"design, ux",Arabic type,a co-founder,no,ar\n'
)


def test_the_export_imports_again_unchanged_and_into_a_new_event_with_the_same_people(browser, event_id):
    upload(browser, event_id, CSV)
    assert "1 added" in upload(browser, event_id, MORE).text
    first = browser.get(f"/v1/events/{event_id}/exports/attendees.csv").data
    assert b"'+Huda Saleh" in first and b"'=Data" in first  # no spreadsheet runs them
    again = upload(browser, event_id, first)
    assert "0 added, 0 updated, 4 unchanged." in again.text and "Rows not imported" not in again.text
    assert browser.get(f"/v1/events/{event_id}/exports/attendees.csv").data == first

    _, location = create_event(browser, name="Riyadh Design Week, day 2")
    other = location.rsplit("/", 1)[1]
    assert "4 added" in upload(browser, other, first).text
    copied = browser.get(f"/v1/events/{other}/exports/attendees.csv").data

    def people(raw: bytes) -> tuple[list[str], list[dict]]:
        rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
        return list(rows[0]), [{k: v for k, v in r.items() if k != "short_code"} for r in rows]

    assert people(copied) == people(first)  # same columns, same people; only their short codes are new


# In Arabic: every message the organizer reads ------------------------------------------------

ARABIC = re.compile("[\u0600-\u06ff]")
BAD_ROWS = b"""name,email,language,interests,consent_followup
,nobody@example.org,en,,no
Lina,not-an-email,en,,no
Lina Haddad,lina@example.org,fr,,no
Huda,huda@example.org,en,"a,b,c,d,e,f,g,h,i",no
Sara,sara@example.org,en,,maybe
Yusuf Amin,yusuf@example.org,en,,no
Yusuf Again,yusuf@example.org,en,,no
"""


@pytest.fixture
def arabic(client, organizer, admin):
    log_in(client, organizer("Noura", language="ar"))
    return client


def test_import_errors_read_in_arabic_for_an_arabic_organizer(arabic):
    _, location = create_event(arabic)
    event_id = location.rsplit("/", 1)[1]
    result = upload(arabic, event_id, BAD_ROWS)
    reasons = dict(re.findall(r"<tr><td>(\d+)</td><td dir=\"auto\">([^<]+)</td></tr>", result.text))
    assert set(reasons) == {"2", "3", "4", "5", "6", "8"}, reasons
    assert reasons["2"] == "الاسم: مطلوب" and reasons["3"] == "البريد: ليس عنوان بريد إلكتروني صالحًا"
    assert reasons["8"] == "البريد نفسه في السطر 7"
    for reason in reasons.values():
        assert ARABIC.search(reason) and not re.search(r"\b(required|must|at most|same email)\b", reason), (
            reason
        )

    no_email = upload(arabic, event_id, b"name,company\nLina,Souk\n")
    assert no_email.status_code == 422 and "ليس فيه عمود email" in no_email.text
    assert "has no" not in no_email.text
    latin1 = upload(arabic, event_id, "name,email\nRené,r@example.org\n".encode("latin-1"))
    assert latin1.status_code == 422 and "ليس بترميز UTF-8" in latin1.text


def test_refusal_pages_read_in_arabic(arabic):
    status, page = create_event(arabic, timezone="Mars/Olympus", ends_at="2026-12-01T08:00")
    assert status == 422 and "ليست منطقة زمنية" in page and "is not a time zone" not in page
    _, location = create_event(arabic)
    event_id = location.rsplit("/", 1)[1]
    stranger = arabic.get(f"/events/{event_id}/attendees/{identity.new_attendee_id()}", headers=HTML)
    assert stranger.status_code == 404 and "لا يوجد هذا المشارك في هذه الفعالية." in stranger.text
    assert "this event has no attendee" not in stranger.text
    nowhere = arabic.get(f"/events/{event_id}/nowhere/at/all", headers=HTML)
    assert (
        nowhere.status_code == 404
        and "هذه الصفحة غير موجودة." in nowhere.text
        and 'dir="rtl"' in nowhere.text
    )
    settings = f"/events/{event_id}/settings"
    refused = post_form(
        arabic, settings, settings, name="x", starts_at="2026-12-01T10:00", ends_at="2026-12-01T09:00",
        timezone="Asia/Riyadh",
    )  # fmt: skip
    assert refused.status_code == 422 and "يجب أن تكون النهاية بعد البداية" in refused.text
    new = f"/events/{event_id}/attendees/new"
    refused = post_form(arabic, new, new, name="", email="x", language="ar")
    assert refused.status_code == 422 and 'id="name-error">مطلوب<' in refused.text
    assert 'id="email-error">ليس عنوان بريد إلكتروني صالحًا<' in refused.text
    # Scripts still get the services' English detail and the stable code.
    answer = arabic.get(
        f"/events/{event_id}/attendees/{identity.new_attendee_id()}",
        headers={"Accept": "application/problem+json"},
    )
    assert answer.status_code == 404 and answer.json["code"] == "unknown_attendee"


def test_attendee_actions_land_in_the_audit_log_by_id_and_the_erased_name_is_not_kept(
    app, browser, event_id, others, alice
):
    from services.dashboard.models import AuditEntry

    upload(browser, event_id, CSV)
    lina, omar = person_id(browser, event_id, "Lina Haddad"), person_id(browser, event_id, "عمر الفاروق")
    page = f"/events/{event_id}/attendees/{omar}"
    assert post_form(browser, f"{page}/reissue", page).status_code == 303
    assert post_form(browser, f"{page}/private-link", page).status_code == 200
    assert browser.get(f"{page}/badge.pdf?force=1").status_code == 200
    assert browser.get(f"{page}/badge.pdf").status_code == 409  # the print warning: not printed, not logged
    erase = f"/events/{event_id}/attendees/{lina}/erase"
    assert post_form(browser, erase, erase).status_code == 303
    with app.extensions["dashboard"].sessions() as session:
        logged = session.scalars(
            sa.select(AuditEntry).where(AuditEntry.event_id == event_id).order_by(AuditEntry.id)
        ).all()
    actions = [(e.action, e.subject, e.organizer_email) for e in logged if e.action != "imported"]
    assert actions[-4:] == [
        ("reissued", omar, alice.email),
        ("new_private_link", omar, alice.email),
        ("badges_printed", omar, alice.email),
        ("erased", lina, alice.email),
    ]
    assert not [e for e in logged if "Lina" in f"{e.subject} {e.detail}"]
