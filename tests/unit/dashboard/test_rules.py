"""The dashboard's small rules, without I/O: the new-event form, buckets, interests, CSV cells."""

from __future__ import annotations

import pytest

from services.dashboard.accounts import InvalidInput, validate_organizer
from services.dashboard.exports import safe
from services.dashboard.handlers import bucket_start, fold
from services.dashboard.operations import event_fields
from services.dashboard.pagetext import TEXT, campaign_name
from shared.envelope import parse_iso


def test_the_event_form_turns_local_times_into_the_events_own_zone():
    fields = event_fields(
        {
            "name": " Riyadh Design Week ",
            "starts_at": "2026-12-01T09:00",
            "ends_at": "2026-12-03T18:00",
            "timezone": "Asia/Riyadh",
            "language": "ar",
        }
    )
    assert fields == {
        "name": "Riyadh Design Week",
        "venue": "",
        "timezone": "Asia/Riyadh",
        "language": "ar",
        "starts_at": "2026-12-01T09:00:00+03:00",
        "ends_at": "2026-12-03T18:00:00+03:00",
    }


@pytest.mark.parametrize(
    "form, field",
    [
        ({"starts_at": "", "ends_at": "2026-12-01T09:00", "timezone": "UTC"}, "starts_at"),
        ({"starts_at": "2026-12-01T09:00", "ends_at": "tomorrow", "timezone": "UTC"}, "ends_at"),
        ({"starts_at": "2026-12-01T09:00", "ends_at": "2026-12-01T10:00", "timezone": "Riyadh"}, "timezone"),
    ],
)
def test_the_event_form_says_which_field_is_wrong(form, field):
    with pytest.raises(InvalidInput) as refused:
        event_fields({"name": "X", **form})
    assert set(refused.value.errors) == {field}


@pytest.mark.parametrize(
    "moment, bucket",
    [
        ("2026-12-01T09:00:00Z", "2026-12-01T09:00:00+00:00"),
        ("2026-12-01T09:09:59.999Z", "2026-12-01T09:00:00+00:00"),
        ("2026-12-01T09:10:00Z", "2026-12-01T09:10:00+00:00"),
        ("2026-12-01T23:59:30Z", "2026-12-01T23:50:00+00:00"),
    ],
)
def test_meetings_fall_into_ten_minute_buckets(moment, bucket):
    assert bucket_start(parse_iso(moment)).isoformat() == bucket


def test_interests_match_whatever_their_case_and_spacing():
    assert fold("  Coffee   Roasting ") == fold("coffee roasting") == "coffee roasting"
    assert fold("قهوة") == "قهوة"


@pytest.mark.parametrize(
    "cell, shown",
    [
        ("=1+1", "'=1+1"),
        ("+966 55", "'+966 55"),
        ("-x", "'-x"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", '"\'\tx"'),
        ("x;=1+1", '"x;\'=1+1"'),
        ("a,b", '"a,b"'),
        ('say "hi"', '"say ""hi"""'),
        ("Lina", "Lina"),
        ("ليلى", "ليلى"),
        (None, ""),
        (3, "3"),
    ],
)
def test_csv_cells_never_run_as_spreadsheet_formulas(cell, shown):
    assert safe(cell) == shown


def test_campaigns_have_names_in_both_languages():
    assert campaign_name("followup", TEXT["en"]) == "Follow-up"
    assert campaign_name("nudge-7", TEXT["ar"]) == "تذكير، اليوم 7"
    assert campaign_name("spring-promo", TEXT["en"]) == "spring-promo"


def test_both_languages_have_every_word():
    assert set(TEXT["en"]) == set(TEXT["ar"])


def test_an_organizers_email_is_kept_in_lower_case():
    assert (
        validate_organizer({"email": "Lina@Example.ORG", "name": "Lina", "password": "ten chars!"}).email
        == "lina@example.org"
    )
