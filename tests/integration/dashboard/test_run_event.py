"""Running an event from the dashboard's pages, against the real badge and follow-up services over
HTTP. What they publish reaches the dashboard the real way: their outbox, the bus, its consumer."""

from __future__ import annotations

import io
import re
from dataclasses import replace

import pikepdf
import pytest
from PIL import Image

from services.badge import create_app as badge_app
from services.dashboard.consumer import GROUP
from services.dashboard.handlers import READ_MODEL_TYPES, apply_event
from services.followup import create_app as followup_app
from services.followup import readmodel as followup_readmodel
from services.scan.domain import meeting_id
from shared import events as ev
from shared.bus import DEAD_LETTER_TOPIC, bus_from_url
from shared.envelope import iso, utc_now
from shared.events import ALL_TOPICS, ATTENDEES_TOPIC, EVENTS_TOPIC, SCANS_TOPIC
from tests.datakeys import keyring_for
from tests.integration.dashboard.conftest import HTML, csrf_of, log_in
from tests.integration.dashboard.running import Served, catch_up, relay

CSV = """name,email,company,interests,consent_share_contact
Lina Haddad,lina@example.org,Souk Labs,coffee;design,yes
عمر الفاروق,omar@example.org,مدرسة المستقبل,تعليم,no
No Email,,Nowhere,,no
Sara Nasser,sara@example.org,Dhow Logistics,logistics,yes
Lina Again,lina@example.org,,,no
""".encode()


class Others:
    """The badge and follow-up services, served, and the bus between them and the dashboard."""

    def __init__(self, settings, new_database):
        base = replace(settings, badge_database_url=new_database(), followup_database_url=new_database())
        self.badge_app, self.followup_app = badge_app(base), followup_app(base)
        self.badge, self.followup = Served(self.badge_app), Served(self.followup_app)
        self.bus = bus_from_url(settings.bus_url, partitions=2)
        self.bus.ensure_topics([*ALL_TOPICS, DEAD_LETTER_TOPIC], 2)
        self.keys = keyring_for(self.badge_app)

    def deliver(self, dashboard_app) -> None:
        """The badge relay, then the dashboard's and the follow-up service's consumers."""
        relay(self.badge_app.extensions["badge"].sessions, self.bus)
        catch_up(
            self.bus,
            GROUP,
            ALL_TOPICS,
            READ_MODEL_TYPES,
            dashboard_app.extensions["dashboard"].sessions,
            apply_event,
            self.keys,
        )
        catch_up(
            self.bus,
            "followup",
            [EVENTS_TOPIC, ATTENDEES_TOPIC, SCANS_TOPIC],
            followup_readmodel.READ_MODEL_TYPES,
            self.followup_app.extensions["followup"].sessions,
            followup_readmodel.apply_event,
            self.keys,
        )

    def stop(self) -> None:
        self.badge.stop()
        self.followup.stop()


@pytest.fixture
def others(settings, new_database):
    running = Others(settings, new_database)
    yield running
    running.stop()


@pytest.fixture
def dashboard_settings(settings, database_url, others):
    return replace(
        settings,
        dashboard_database_url=database_url,
        badge_url=others.badge.url,
        followup_url=others.followup.url,
    )


@pytest.fixture
def browser(client, alice):
    """Alice, logged in."""
    log_in(client, alice)
    return client


def create_event(browser, **fields) -> tuple[int, str]:
    page = browser.get("/events", headers=HTML).text
    form = {
        "name": "Riyadh Design Week",
        "venue": "Jax District",
        "starts_at": "2026-12-01T09:00",
        "ends_at": "2026-12-01T18:00",
        "timezone": "Asia/Riyadh",
        "language": "ar",
        **fields,
    }
    answer = browser.post("/events", data={**form, "csrf_token": csrf_of(page)}, headers=HTML)
    return answer.status_code, answer.headers.get("Location") or answer.text


def test_an_organizer_creates_an_event_and_sees_it_at_once(browser, others):
    status, location = create_event(browser)
    assert status == 303
    event_id = re.fullmatch(r"/events/(\w+)", location).group(1)
    badge_side = (
        others.badge_app.test_client()
        .get(f"/v1/events/{event_id}", headers={"Authorization": "Bearer test-admin-token"})
        .json
    )
    assert badge_side["starts_at"] == "2026-12-01T06:00:00.000Z"  # 9:00 in Riyadh
    assert "Riyadh Design Week" in browser.get("/events", headers=HTML).text
    live = browser.get(location, headers=HTML)
    assert live.status_code == 200 and 'id="graph"' in live.text and 'id="stat-meetings">0<' in live.text


def test_the_event_form_shows_the_badge_services_reason_next_to_the_field(browser):
    status, page = create_event(browser, ends_at="2026-12-01T08:00")
    assert status == 422 and "must be after starts_at" in page and 'value="Jax District"' in page
    status, page = create_event(browser, timezone="Mars/Olympus")
    assert status == 422 and "is not a time zone" in page


@pytest.mark.parametrize(
    "starts_at, ends_at, timezone",
    [
        (
            "0001-01-01T00:00",
            "0001-01-01T09:00",
            "Pacific/Kiritimati",
        ),  # year 1 at +14:00: before any UTC instant
        (
            "9999-12-31T10:00",
            "9999-12-31T23:00",
            "Pacific/Pago_Pago",
        ),  # year 9999 at -11:00 ends in year 10000
    ],
)
def test_an_event_at_the_ends_of_the_calendar_is_refused_next_to_the_field_not_a_503(
    browser, starts_at, ends_at, timezone
):
    status, page = create_event(browser, starts_at=starts_at, ends_at=ends_at, timezone=timezone)
    assert status == 422 and "must fall in the years 2000 to 2999" in page


def test_a_5000_character_time_zone_is_refused_next_to_the_field(browser):
    status, page = create_event(browser, timezone="Asia/" + "x" * 5000)
    assert status == 422 and "is not a time zone" in page


def test_importing_a_csv_shows_each_rejected_row_and_the_attendees_arrive(app, browser, others):
    _, location = create_event(browser)
    event_id = location.rsplit("/", 1)[1]
    page = browser.get(f"/events/{event_id}/attendees", headers=HTML).text
    result = browser.post(
        f"/events/{event_id}/attendees/import",
        headers=HTML,
        content_type="multipart/form-data",
        data={"csrf_token": csrf_of(page), "file": (io.BytesIO(CSV), "people.csv")},
    )
    assert result.status_code == 200
    assert "3 added, 0 updated, 0 unchanged." in result.text
    rejected = dict(re.findall(r"<tr><td>(\d+)</td><td dir=\"auto\">([^<]+)</td></tr>", result.text))
    assert set(rejected) == {"4", "6"} and "same email as line 2" in rejected["6"]

    others.deliver(app)
    listing = browser.get(f"/events/{event_id}/attendees", headers=HTML).text
    assert "عمر الفاروق" in listing and "Sara Nasser" in listing and "(3)" in listing
    assert browser.get(f"/v1/events/{event_id}/stats").json["attendees"] == 3


def test_badges_print_sheets_and_each_badge_come_from_the_badge_service(app, browser, others):
    _, location = create_event(browser)
    event_id = location.rsplit("/", 1)[1]
    page = browser.get(f"/events/{event_id}/attendees", headers=HTML).text
    browser.post(
        f"/events/{event_id}/attendees/import",
        headers=HTML,
        content_type="multipart/form-data",
        data={"csrf_token": csrf_of(page), "file": (io.BytesIO(CSV), "people.csv")},
    )
    others.deliver(app)
    # The test settings' public URL is localhost: the page warns, and printing needs "print anyway".
    listing = browser.get(f"/events/{event_id}/attendees", headers=HTML).text
    assert "would open http://localhost:8002, which" in listing and 'name="force"' in listing
    refused = browser.get(f"/events/{event_id}/badges.pdf", query_string={"layout": "a4-a6"}, headers=HTML)
    assert refused.status_code == 409 and "RAPPORT_PUBLIC_URL" in refused.text
    pdf = browser.get(
        f"/events/{event_id}/badges.pdf", query_string={"layout": "a4-a6", "sides": "2", "force": "1"}
    )
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert len(pikepdf.open(io.BytesIO(pdf.data)).pages) == 2  # three badges fit one sheet, and its back
    refused = browser.get(
        f"/events/{event_id}/badges.pdf", query_string={"layout": "napkin", "force": "1"}, headers=HTML
    )
    assert refused.status_code == 400 and "layout" in refused.text

    listing = browser.get(f"/events/{event_id}/attendees").text
    attendee_id = re.search(rf'/events/{event_id}/attendees/(\w+)" dir="auto">Sara Nasser<', listing).group(1)
    person = browser.get(f"/events/{event_id}/attendees/{attendee_id}", headers=HTML).text
    assert f'src="/events/{event_id}/attendees/{attendee_id}/badge.png"' in person
    png = browser.get(f"/events/{event_id}/attendees/{attendee_id}/badge.png")
    assert png.mimetype == "image/png" and Image.open(io.BytesIO(png.data)).width > 500


def test_the_follow_up_email_preview_comes_from_the_follow_up_service_sandboxed(app, browser, others):
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
    nothing = browser.get(f"/events/{event_id}/attendees/{lina}/followup", headers=HTML)
    assert nothing.status_code == 404 and "no email would be sent" in nothing.text  # she met nobody yet

    scan = ev.ScanRecorded(
        event_id=event_id,
        meeting_id=meeting_id(event_id, lina, sara),
        scanner=lina,
        scanned=sara,
        scanned_at=iso(utc_now()),
        client_scan_id="c1",
        note="supply chain data for small roasters",
    )
    with others.bus.producer() as producer:  # as the scan service's relay publishes it
        producer.send(scan.TOPIC, scan.key(), ev.to_envelope(scan).to_bytes())
        producer.flush()
    others.deliver(app)
    email = browser.get(f"/events/{event_id}/attendees/{lina}/followup")
    assert email.status_code == 200 and email.mimetype == "text/html" and "Sara Nasser" in email.text
    assert email.headers["Content-Security-Policy"].startswith("sandbox")
    text = browser.get(f"/events/{event_id}/attendees/{lina}/followup?format=text")
    assert text.mimetype == "text/plain" and "Sara Nasser" in text.text and "<" not in text.text[:200]
    person = browser.get(f"/events/{event_id}/attendees/{lina}", headers=HTML).text
    assert '<iframe class="preview" sandbox' in person


def test_closing_the_event_goes_through_the_badge_service(app, browser, others):
    _, location = create_event(browser)
    event_id = location.rsplit("/", 1)[1]
    live = browser.get(location, headers=HTML).text
    closed = browser.post(f"/events/{event_id}/close", data={"csrf_token": csrf_of(live)}, headers=HTML)
    assert closed.status_code == 303 and closed.headers["Location"] == f"/events/{event_id}/after"
    assert browser.get(f"/v1/events/{event_id}/stats").json["status"] == "closed"
    others.deliver(app)  # the bus says so too, later: nothing changes
    assert browser.get(f"/v1/events/{event_id}/stats").json["status"] == "closed"
    again = browser.post(f"/events/{event_id}/close", data={"csrf_token": csrf_of(live)}, headers=HTML)
    assert again.status_code in (303, 409)


def test_a_script_creates_an_event_with_an_api_token_and_reads_its_figures(app, client, alice, others):
    from tests.integration.dashboard.conftest import token_for

    headers = token_for(app, alice)
    made = client.post(
        "/v1/events",
        headers=headers,
        json={
            "name": "Gulf Product Summit",
            "starts_at": "2026-12-05T09:00:00+04:00",
            "ends_at": "2026-12-05T17:00:00+04:00",
            "timezone": "Asia/Dubai",
            "language": "en",
        },
    )
    assert made.status_code == 201, made.json
    assert client.get(made.headers["Location"], headers=headers).json["name"] == "Gulf Product Summit"
    refused = client.post("/v1/events", headers=headers, json={"name": "", "starts_at": "soon"})
    assert refused.status_code == 422 and {"name", "starts_at", "ends_at"} <= set(refused.json["errors"])
