"""My people's rules without a database: whose notes show, how an edit stands for earlier scans, search."""

from datetime import UTC, datetime

import pytest

from services.scan.domain import ScanError
from services.scan.people import Contact, Edit, ScanNote, clock, current_notes, parse_edit_notes, search


def at(hour: int) -> datetime:
    return datetime(2026, 12, 1, hour, tzinfo=UTC)


SCANS = [
    ScanNote("b", "second", ("Hiring",), at(11)),
    ScanNote("a", "first", ("coffee later",), at(10)),
    ScanNote("c", "", ("hiring",), at(12)),
]


def test_without_an_edit_the_notes_are_the_scans_oldest_first_and_tags_once_each():
    assert current_notes(SCANS, None) == (("first", "second"), ("coffee later", "Hiring"))


def test_an_edit_stands_for_the_scans_it_replaced_and_later_scans_add_after_it():
    edit = Edit(("rewritten",), ("tea",), frozenset({"a", "b"}))
    assert current_notes(SCANS, edit) == (("rewritten",), ("tea", "hiring"))
    assert current_notes(SCANS + [ScanNote("d", "later", (), at(13))], edit)[0] == ("rewritten", "later")


def test_an_edit_command_splits_tags_on_every_separator_and_drops_empty_notes():
    cmd = parse_edit_notes({"notes": [" kept ", "  "], "tags": ["قهوة، تصميم", "Tea; tea"]})
    assert cmd.notes == ("kept",) and cmd.tags == ("قهوة", "تصميم", "Tea")
    assert parse_edit_notes({"tags": []}).notes is None


@pytest.mark.parametrize(
    "body, field",
    [
        ({}, "body"),
        ({"note": "x"}, "body"),
        ({"notes": [2]}, "notes"),
        ({"notes": ["x" * 2001]}, "notes"),
        ({"tags": "a"}, "tags"),
        ({"tags": ["a,b,c,d,e,f,g,h,i"]}, "tags"),
    ],
)
def test_a_bad_edit_is_refused_with_the_field_that_is_wrong(body, field):
    with pytest.raises(ScanError) as refused:
        parse_edit_notes(body)
    assert refused.value.code == "invalid_input" and field in refused.value.extra["errors"]


def test_search_needs_every_word_somewhere_in_name_company_notes_or_tags():
    omar = Contact(
        "1",
        "Omar Farouk",
        "builds tools",
        "Souk Labs",
        "",
        True,
        False,
        at(10),
        at(10),
        ("roasts coffee",),
        ("intro",),
    )
    lina = Contact("2", "Lina", "", "", "", True, True, at(9), at(9))
    assert search([omar, lina], "souk COFFEE") == [omar]
    assert search([omar, lina], "  ") == [omar, lina]
    assert search([omar, lina], "lina intro") == []


def test_clock_is_the_events_time_with_the_day_when_not_today():
    moment = datetime(2026, 12, 1, 8, 55, tzinfo=UTC)
    assert clock(moment, "Asia/Riyadh", now=datetime(2026, 12, 1, 12, tzinfo=UTC)) == "11:55"
    assert clock(moment, "Asia/Riyadh", now=datetime(2026, 12, 2, 12, tzinfo=UTC)) == "01/12 11:55"
    assert clock(moment, "Not/AZone", now=moment) == "08:55"
