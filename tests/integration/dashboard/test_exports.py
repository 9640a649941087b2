"""CSV exports of attendees and meetings: contact details only where people agreed to share them."""

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


def test_the_attendee_export_has_emails_only_of_those_who_share_them(client, world, as_alice):
    lina = world.attendee("Lina", interests=("coffee", "design"), share_contact=True)
    omar = world.attendee("عمر الفاروق", share_contact=False)
    world.attendee('=HYPERLINK("http://evil.example")', share_contact=True)
    world.attendee("Sara")
    world.met(lina, omar)
    rows = read_csv(client.get(f"/v1/events/{world.event_id}/exports/attendees.csv", headers=as_alice))
    by_name = {row["name"]: row for row in rows}
    assert len(rows) == 4
    assert (
        by_name["Lina"]["email"] == f"{lina}@example.org" and by_name["Lina"]["interests"] == "coffee; design"
    )
    assert by_name["عمر الفاروق"]["email"] == "" and by_name["عمر الفاروق"]["meetings"] == "1"
    assert '\'=HYPERLINK("http://evil.example")' in by_name  # a spreadsheet shows it, does not run it
    assert by_name["Sara"]["shares_contact"] == "no"


def test_the_meeting_export_lists_each_meeting_once_with_consented_contacts(client, world, as_alice):
    lina = world.attendee("Lina", share_contact=True)
    omar, sara, huda = (world.attendee(n) for n in ("Omar", "Sara", "Huda"))
    world.met(lina, omar, NOW.replace(hour=9))
    world.met(omar, lina, NOW.replace(hour=9, minute=20), mutual=True)
    world.met(sara, lina, NOW.replace(hour=8))
    world.met(huda, sara, NOW.replace(hour=9, minute=30))
    rows = read_csv(client.get(f"/v1/events/{world.event_id}/exports/meetings.csv", headers=as_alice))
    assert [row["met_at"] for row in rows] == [
        "2026-12-01T08:00:00.000Z",
        "2026-12-01T09:00:00.000Z",
        "2026-12-01T09:30:00.000Z",
    ]
    first = rows[0]
    people = {(first["a_name"], first["a_email"]), (first["b_name"], first["b_email"])}
    assert people == {("Lina", f"{lina}@example.org"), ("Sara", "")}
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
    assert sum(f",{cell}," in line for line in answer.text.splitlines()) == 1  # id,name,email,...
    assert read_csv(answer)[0]["name"] == name.replace(";=", ";'=").replace("\t@", "\t'@").replace(
        "|+", "|'+"
    )
