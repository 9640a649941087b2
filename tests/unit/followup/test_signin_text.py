"""The sign-in email's words: the same keys and placeholders in both languages, and its minutes."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from services.followup.signin import TEXT, minutes_left

FIELD = re.compile(r"{(\w+)}")
NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def test_both_languages_have_every_text_with_the_same_placeholders():
    assert TEXT["ar"].keys() == TEXT["en"].keys()
    for key, english in TEXT["en"].items():
        if isinstance(english, str):
            assert set(FIELD.findall(TEXT["ar"][key])) == set(FIELD.findall(english)), key


def test_the_minutes_said_are_what_is_left_of_the_link_to_the_nearest():
    assert minutes_left(NOW + timedelta(minutes=30), NOW + timedelta(milliseconds=40)) == 30  # sent at once
    assert (
        minutes_left(NOW + timedelta(minutes=30), NOW + timedelta(minutes=12, seconds=10)) == 18
    )  # after retries
    assert minutes_left(NOW + timedelta(seconds=20), NOW) == 1  # never "0 minutes"
