"""CSV exports of attendees and meetings: the import's columns, the organizer's own contact details
(or none, for a reader without contacts), times in the event's zone with their offset."""

from __future__ import annotations

import csv
import io

import pytest

from tests.integration.dashboard.conftest import NOW


def read_csv(answer) -> list[dict]:
    assert answer.status_code == 200 and answer.mimetype == "text/csv"
    assert answer.data.startswith("\ufeff".encode())  # spreadsheets then read Arabic as UTF-8
    assert "attachment" in answer.headers["Content-Disposition"]
    assert answer.headers["Cache-Control"] == "no-store"  # people's names and emails: no cache keeps them
    return list(csv.DictReader(io.StringIO(answer.text.lstrip("\ufeff"))))


@pytest.fixture(autouse=True)
def small_batches(monkeypatch):
    from services.dashboard import exports

    monkeypatch.setattr(exports, "BATCH", 2)  # several batches from a few rows, as from 100,000


def test_the_attendee_export_has_the_import_columns_and_every_email_the_organizer_uploaded(
    client, world, as_alice
):
    lina = world.attendee("Lina", interests=("coffee", "design"), share_contact=True)
    omar = world.attendee("عمر الفاروق", share_contact=False)
    world.attendee('=HYPERLINK("http://evil.example")', share_contact=True)
    world.attendee("Sara")
    world.met(lina, omar)
    answer = client.get(f"/v1/events/{world.event_id}/exports/attendees.csv", headers=as_alice)
    header = answer.text.lstrip("\ufeff").split("\r\n", 1)[0]
    assert header == (
        "name,email,company,title,headline,interests,language,consent_followup,consent_share_contact,"
        "can_help_with,looking_for,consent_suggest,short_code,meetings"
    )
    rows = read_csv(answer)
    by_name = {row["name"]: row for row in rows}
    assert len(rows) == 4
    assert (
        by_name["Lina"]["email"] == f"{lina}@example.org" and by_name["Lina"]["interests"] == "coffee; design"
    )
    # Consent governs what attendees see of each other, not what the organizer uploaded.
    assert (
        by_name["عمر الفاروق"]["email"] == f"{omar}@example.org" and by_name["عمر الفاروق"]["meetings"] == "1"
    )
    assert (
        by_name["عمر الفاروق"]["consent_share_contact"] == "no"
        and by_name["Lina"]["consent_followup"] == "yes"
    )
    assert '\'=HYPERLINK("http://evil.example")' in by_name  # a spreadsheet shows it, does not run it


def test_an_export_without_contacts_has_no_email_in_any_row(app, world):
    from services.dashboard import exports
    from services.dashboard.models import Event

    lina, omar = world.attendee("Lina", share_contact=True), world.attendee("Omar")
    world.met(lina, omar)
    with app.extensions["dashboard"].sessions() as session:
        event = session.get(Event, world.event_id)
        people = "".join(exports.attendees_csv(session, event, with_contacts=False))
        meetings = "".join(exports.meetings_csv(session, event, with_contacts=False))
    assert "@" not in people and "@" not in meetings
    assert "Lina" in people and "Omar" in meetings


def test_the_meeting_export_lists_each_meeting_once_with_local_times_and_offsets(client, world, as_alice):
    lina = world.attendee("Lina", share_contact=True)
    omar, sara, huda = (world.attendee(n) for n in ("Omar", "Sara", "Huda"))
    world.met(lina, omar, NOW.replace(hour=9))
    world.met(omar, lina, NOW.replace(hour=9, minute=20), mutual=True)
    world.met(sara, lina, NOW.replace(hour=8))
    world.met(huda, sara, NOW.replace(hour=9, minute=30))
    rows = read_csv(client.get(f"/v1/events/{world.event_id}/exports/meetings.csv", headers=as_alice))
    assert [row["met_at"] for row in rows] == [  # the event is in Asia/Riyadh: UTC+3
        "2026-12-01T11:00:00+03:00",
        "2026-12-01T12:00:00+03:00",
        "2026-12-01T12:30:00+03:00",
    ]
    first = rows[0]
    people = {(first["a_name"], first["a_email"]), (first["b_name"], first["b_email"])}
    assert people == {("Lina", f"{lina}@example.org"), ("Sara", f"{sara}@example.org")}
    assert [row["mutual"] for row in rows] == ["no", "yes", "no"]


def test_an_unknown_export_is_not_found(client, world, as_alice):
    answer = client.get(f"/v1/events/{world.event_id}/exports/everything.zip", headers=as_alice)
    assert answer.status_code == 404 and answer.json["code"] == "unknown_export"


@pytest.mark.parametrize(
    "name, cell",
    [
        ("x;=1+1", '"x;\'=1+1"'),  # split on ";" it would be two cells, the second a formula
        ("Lina\t@SUM(A1)", '"Lina\t\'@SUM(A1)"'),
        ("a|+1", '"a|\'+1"'),
        ("Huda, PhD", '"Huda, PhD"'),
    ],
)
def test_a_cell_holding_a_separator_is_quoted_and_no_formula_follows_one(client, world, as_alice, name, cell):
    world.attendee(name, share_contact=False)
    answer = client.get(f"/v1/events/{world.event_id}/exports/attendees.csv", headers=as_alice)
    assert sum(line.lstrip("\ufeff").startswith(f"{cell},") for line in answer.text.splitlines()) == 1
    assert read_csv(answer)[0]["name"] == name.replace(";=", ";'=").replace("\t@", "\t'@").replace(
        "|+", "|'+"
    )
