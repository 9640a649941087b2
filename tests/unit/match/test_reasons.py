"""Reasons in words, and the bilingual text table."""

from __future__ import annotations

import re

import pytest

from services.match.profile import Profile
from services.match.ranking import Suggestion
from services.match.reasons import QUOTE_LIMIT, quote, reason
from services.match.texts import TEXTS

ME = Profile(
    "me",
    "ev",
    "Layla",
    language="ar",
    looking_for="مستثمر في تقنيات التعليم",
    can_help_with="I can help with Arabic UX writing",
    interests=("Coffee", "EdTech"),
)
THEM = Profile(
    "them",
    "ev",
    "Sam",
    can_help_with="I invest in early-stage edtech startups in the Gulf region and beyond",
    looking_for="a designer",
    interests=("edtech", "Chess"),
    headline="Angel investor",
)


def test_both_languages_have_the_same_texts_and_placeholders():
    en, ar = TEXTS["en"], TEXTS["ar"]
    assert en.keys() == ar.keys()
    for key in en:
        assert set(re.findall(r"{\w+}", en[key])) == set(re.findall(r"{\w+}", ar[key])), key


@pytest.mark.parametrize("language, marks", [("ar", "«»"), ("en", "\u201c\u201d")])
def test_quotes_are_short_and_in_the_readers_marks(language, marks):
    quoted = quote(THEM.can_help_with, language)
    assert quoted[0] == marks[0] and quoted[-1] == marks[1]
    assert len(quoted) <= QUOTE_LIMIT + 2 and quoted[-2] == "…"
    assert quote("short", language) == f"{marks[0]}short{marks[1]}"


def test_a_give_seek_fit_quotes_what_they_offer_in_the_readers_language():
    fit = Suggestion(THEM, 3.0, {"ask": 2.5, "offer": 0.1, "about": 0.0, "shared": 0.0})
    arabic, english = reason(ME, fit), reason(ME, fit, "en")
    assert "«I invest in early-stage edtech" in arabic and "تبحث عن" in arabic
    assert "\u201cI invest in early-stage edtech" in english and "looking for" in english


def test_both_ways_when_both_gain():
    fit = Suggestion(THEM, 5.0, {"ask": 2.0, "offer": 1.5, "about": 0.0, "shared": 0.0})
    assert "Arabic UX writing" in reason(ME, fit, "en") and "edtech" in reason(ME, fit, "en")


def test_otherwise_the_interests_they_share():
    weak = Suggestion(THEM, 1.0, {"ask": 0.2, "offer": 0.1, "about": 0.3, "shared": 2.0})
    assert reason(ME, weak, "en") == "You both care about edtech."
