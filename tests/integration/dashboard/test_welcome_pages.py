"""The welcome email from the dashboard: send it to everyone not yet sent, resend it to one
attendee, see it and whether it went; the private links for an organizer's own mail merge. All
through the real badge and follow-up services, their outboxes and the bus."""

from __future__ import annotations

import csv
import io
import re

from services.dashboard.consumer import GROUP
from services.dashboard.handlers import READ_MODEL_TYPES, apply_event
from shared.events import ALL_TOPICS
from tests.integration.dashboard.conftest import HTML, csrf_of
from tests.integration.dashboard.running import catch_up, relay
from tests.integration.dashboard.test_run_event import CSV, browser, create_event, dashboard_settings, others  # noqa: F401


def imported_event(app, browser, others) -> tuple[str, dict[str, str]]:
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
    ids = dict(re.findall(rf'/events/{event_id}/attendees/(\w+)" dir="auto">([^<]+)<', listing))
    return event_id, {name: attendee_id for attendee_id, name in ids.items()}


def statuses(listing: str) -> list[str]:
    return re.findall(r'<td class="welcome-status">([^<]+)</td>', listing)


def outcomes_reach_the_dashboard(app, others) -> None:
    relay(others.followup_app.extensions["followup"].sessions, others.bus)
    catch_up(
        others.bus,
        GROUP,
        ALL_TOPICS,
        READ_MODEL_TYPES,
        app.extensions["dashboard"].sessions,
        apply_event,
        others.keys,
    )


def test_send_to_everyone_not_yet_sent_then_each_shows_queued(app, browser, others):
    event_id, people = imported_event(app, browser, others)
    page = browser.get(f"/events/{event_id}/attendees", headers=HTML).text
    assert 'id="welcome"' in page and statuses(page) == ["not sent"] * 3
    sent = browser.post(f"/events/{event_id}/welcome", data={"csrf_token": csrf_of(page)}, headers=HTML)
    assert sent.status_code == 303 and sent.headers["Location"].endswith("welcomed=3#welcome")
    outcomes_reach_the_dashboard(app, others)
    page = browser.get(sent.headers["Location"], headers=HTML).text
    assert "Welcome emails queued: 3." in page and statuses(page) == ["queued"] * 3
    again = browser.post(f"/events/{event_id}/welcome", data={"csrf_token": csrf_of(page)}, headers=HTML)
    assert again.headers["Location"].endswith(
        "welcomed=0#welcome"
    )  # nobody is sent a second one by this button


def test_resend_to_one_attendee_and_see_their_welcome_email(app, browser, others):
    event_id, people = imported_event(app, browser, others)
    person = f"/events/{event_id}/attendees/{people['Lina Haddad']}"
    page = browser.get(person, headers=HTML).text
    assert "Send the welcome email" in page and 'class="welcome-status">not sent<' in page
    first = browser.post(f"{person}/welcome", data={"csrf_token": csrf_of(page)}, headers=HTML)
    assert first.status_code == 303 and first.headers["Location"].endswith("welcome=queued#welcome")
    second = browser.post(f"{person}/welcome", data={"csrf_token": csrf_of(page)}, headers=HTML)
    assert second.headers["Location"].endswith("welcome=waiting#welcome")  # the first has not gone yet
    outcomes_reach_the_dashboard(app, others)
    page = browser.get(first.headers["Location"], headers=HTML).text
    assert "The welcome email is on its way." in page and 'class="welcome-status">queued<' in page
    preview = browser.get(f"{person}/welcome", headers=HTML)
    assert preview.status_code == 200 and preview.headers["Content-Security-Policy"].startswith("sandbox")
    assert "Open my page" in preview.text and 'src="data:image/png;base64,' in preview.text


def test_a_resend_without_the_forms_csrf_token_is_refused(app, browser, others):
    event_id, people = imported_event(app, browser, others)
    answer = browser.post(f"/events/{event_id}/attendees/{people['Lina Haddad']}/welcome", headers=HTML)
    assert answer.status_code in (400, 403)


def test_the_private_links_csv_has_each_persons_own_link(app, browser, others):
    event_id, people = imported_event(app, browser, others)
    answer = browser.get(f"/events/{event_id}/private-links.csv")
    assert answer.status_code == 200 and answer.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(answer.text)))
    badge = others.badge_app.test_client()
    for row in rows:
        attendee_id = people[row["name"]]
        own = badge.get(
            f"/v1/attendees/{attendee_id}", headers={"Authorization": "Bearer test-admin-token"}
        ).json
        assert (row["email"], row["short_code"], row["private_url"]) == (
            own["email"],
            own["short_code"],
            own["private_url"],
        )
    assert len(rows) == 3


def test_an_event_made_with_the_welcome_off_is_off_at_the_badge_service(browser, others):
    status, location = create_event(browser, welcome="off")
    assert status == 303
    event = (
        others.badge_app.test_client()
        .get(f"/v1/events/{location.rsplit('/', 1)[1]}", headers={"Authorization": "Bearer test-admin-token"})
        .json
    )
    assert event["welcome"] == "off"
    status, page = create_event(browser, welcome="sometimes")
    assert status == 422 and "on_registration" in page  # the badge service's reason, next to the field


def test_a_scheduled_welcome_takes_its_time_in_the_events_zone(browser, others):
    status, location = create_event(browser, welcome="scheduled", welcome_at="2026-11-30T19:00")
    assert status == 303
    event = (
        others.badge_app.test_client()
        .get(f"/v1/events/{location.rsplit('/', 1)[1]}", headers={"Authorization": "Bearer test-admin-token"})
        .json
    )
    assert (event["welcome"], event["welcome_at"]) == (
        "scheduled",
        "2026-11-30T16:00:00.000Z",
    )  # 19:00 in Riyadh
    status, page = create_event(browser, welcome="scheduled")
    assert status == 422 and "required when welcome is scheduled" in page
