"""On an attendee's page the organizer words the email in that attendee's language: a live
preview of this attendee's email with the draft (nothing saved), save, and back to Rapport's text;
all through the real follow-up service."""

from __future__ import annotations

import io
import re

from services.scan.domain import meeting_id
from shared import events as ev
from shared.envelope import iso, utc_now
from tests.integration.dashboard.conftest import HTML, csrf_of
from tests.integration.dashboard.test_run_event import CSV, browser, create_event, dashboard_settings, others  # noqa: F401


def an_attendee_who_met_someone(app, browser, others) -> tuple[str, str]:
    _, location = create_event(browser, language="en")
    event_id = location.rsplit("/", 1)[1]
    page = browser.get(f"/events/{event_id}/attendees", headers=HTML).text
    browser.post(
        f"/events/{event_id}/attendees/import",
        headers=HTML,
        content_type="multipart/form-data",
        data={"csrf_token": csrf_of(page), "file": (io.BytesIO(CSV), "people.csv")},
    )
    others.deliver(app)
    listing = browser.get(f"/events/{event_id}/attendees").text
    lina, sara = (
        re.search(rf'/events/{event_id}/attendees/(\w+)" dir="auto">{name}<', listing).group(1)
        for name in ("Lina Haddad", "Sara Nasser")
    )
    scan = ev.ScanRecorded(
        event_id=event_id,
        meeting_id=meeting_id(event_id, lina, sara),
        scanner=lina,
        scanned=sara,
        scanned_at=iso(utc_now()),
        client_scan_id="c1",
        note="roasters",
    )
    with others.bus.producer() as producer:
        producer.send(scan.TOPIC, scan.key(), ev.to_envelope(scan).to_bytes())
        producer.flush()
    others.deliver(app)
    return event_id, lina


def test_preview_save_and_reset_the_organizers_wording(app, browser, others):
    event_id, lina = an_attendee_who_met_someone(app, browser, others)
    person = f"/events/{event_id}/attendees/{lina}"
    page = browser.get(person, headers=HTML).text
    assert 'id="wording"' in page and 'formtarget="preview"' in page and "Back to Rapport" not in page
    draft = {
        "csrf_token": csrf_of(page),
        "subject": "{first}, thank you",
        "opening": "What a day at {event}!",
        "signature": "Mariam and the crew",
    }
    preview = browser.post(f"{person}/wording/preview", data=draft, headers=HTML)
    assert preview.status_code == 200 and preview.headers["Content-Security-Policy"].startswith("sandbox")
    assert "Mariam and the crew" in preview.text and "What a day at" in preview.text
    assert "Mariam" not in browser.get(f"{person}/followup").text  # a preview saves nothing
    saved = browser.post(f"{person}/wording", data=draft, headers=HTML)
    assert saved.status_code == 303 and saved.headers["Location"].endswith("#wording")
    page = browser.get(person, headers=HTML).text
    assert 'value="Mariam and the crew"' in page and "Back to Rapport" in page
    assert "Mariam and the crew" in browser.get(f"{person}/followup").text
    browser.post(f"{person}/wording", data={"csrf_token": csrf_of(page), "reset": "1"}, headers=HTML)
    assert "Mariam" not in browser.get(f"{person}/followup").text


def test_wording_with_a_line_break_in_the_subject_is_refused_naming_the_field(app, browser, others):
    event_id, lina = an_attendee_who_met_someone(app, browser, others)
    person = f"/events/{event_id}/attendees/{lina}"
    page = browser.get(person, headers=HTML).text
    answer = browser.post(
        f"{person}/wording", data={"csrf_token": csrf_of(page), "subject": "Hi\r\nBcc: x@y.org"}, headers=HTML
    )
    assert answer.status_code == 422 and "subject" in answer.text
