"""The welcome email's words: the same keys and the same placeholders in both languages."""

from __future__ import annotations

import re

from services.followup.welcome import TEXT

FIELD = re.compile(r"{(\w+)}")


def test_both_languages_have_every_text_with_the_same_placeholders():
    assert TEXT["ar"].keys() == TEXT["en"].keys()
    for key, english in TEXT["en"].items():
        assert set(FIELD.findall(TEXT["ar"][key])) == set(FIELD.findall(english)), key
