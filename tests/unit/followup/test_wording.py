"""The words of the emails: both languages say the same things, Arabic counts agree with their
number, lists use the Arabic comma, and names of the other script are isolated."""

from __future__ import annotations

import pytest

from services.followup import messages
from services.followup import wording as w
from services.followup.compose import Phrase
from shared import vcard
from shared.scripts import FSI, PDI, isolate


def keys(table) -> set:
    if isinstance(table, dict):
        return {(k, sub) for k, v in table.items() for sub in keys(v)} | set(table)
    return set()


@pytest.mark.parametrize("table", [w.TEXT, messages.PARTS, vcard.TEXT], ids=["emails", "messages", "vcards"])
def test_english_and_arabic_have_the_same_keys(table):
    en, ar = table["en"], table["ar"]
    plural_keys = {
        k for k, v in ar.items() if isinstance(v, dict) and "few" in v
    }  # Arabic has more plural forms
    assert keys({k: v for k, v in en.items() if k not in plural_keys}) == keys(
        {k: v for k, v in ar.items() if k not in plural_keys}
    )
    assert plural_keys == {k for k, v in en.items() if isinstance(v, dict) and "other" in v and k in ar}


# Reviewed: what the Arabic email says for 1, 2, 3, 11 and 100 people met (and days since).
ARABIC_COUNTS = [
    (1, "شكرًا لحضورك ملتقى الرياض. التقيت شخصًا واحدًا، وإليك رسالة يمكنك إرسالها.", "يوم واحد"),
    (2, "شكرًا لحضورك ملتقى الرياض. التقيت شخصين، وإليك تفاصيل اللقاءين مع رسالة يمكنك إرسالها.", "يومان"),
    (3, "شكرًا لحضورك ملتقى الرياض. التقيت 3 أشخاص، وإليك أهم لقاءاتك مع رسالة يمكنك إرسالها.", "3 أيام"),
    (11, "شكرًا لحضورك ملتقى الرياض. التقيت 11 شخصًا، وإليك أهم لقاءاتك مع رسالة يمكنك إرسالها.", "11 يومًا"),
    (100, "شكرًا لحضورك ملتقى الرياض. التقيت 100 شخص، وإليك أهم لقاءاتك مع رسالة يمكنك إرسالها.", "100 يوم"),
]


@pytest.mark.parametrize("n, intro, days", ARABIC_COUNTS)
def test_arabic_counts_agree_with_their_number(n, intro, days):
    template = w.TEXT["ar"]["intro"][w.category("ar", n)].replace("{n}", str(n))
    assert str(Phrase("ar", template, event="ملتقى الرياض")) == intro
    assert w.days("ar", n) == days


@pytest.mark.parametrize(
    "n, category",
    [
        (0, "other"),
        (1, "one"),
        (2, "two"),
        (3, "few"),
        (10, "few"),
        (11, "many"),
        (99, "many"),
        (100, "other"),
        (102, "other"),
        (103, "few"),
        (111, "many"),
        (1000, "other"),
    ],
)
def test_arabic_plural_categories(n, category):
    assert w.plural_ar(n) == category


def test_lists_use_the_arabic_comma_and_wa():
    assert w.joined("ar", ["القهوة", "التصميم", "التعليم"]) == "القهوة، التصميم والتعليم"
    assert w.joined("en", ["coffee", "design", "education"]) == "coffee, design and education"


def test_a_latin_name_in_an_arabic_sentence_is_isolated_and_an_arabic_one_is_not():
    assert isolate("STC-ORG", "ar") == f"{FSI}STC-ORG{PDI}" and isolate("قهوة وكود", "ar") == "قهوة وكود"
    assert isolate("ليلى حداد", "en") == f"{FSI}ليلى حداد{PDI}" and isolate("Careem", "en") == "Careem"
    phrase = Phrase("ar", "اسمك بين لقاءات {name} في {event}.", name="Daniel <Brooks>", event="ملتقى الرياض")
    assert str(phrase) == f"اسمك بين لقاءات {FSI}Daniel <Brooks>{PDI} في ملتقى الرياض."
    assert phrase.__html__() == "اسمك بين لقاءات <bdi>Daniel &lt;Brooks&gt;</bdi> في <bdi>ملتقى الرياض</bdi>."


def test_no_masculine_only_verbs_about_the_people_met():
    """Sentences about a named person use no verb that would be wrong for a woman."""
    about_them = [w.TEXT["ar"][k] for k in ("met_you_tip", "unreachable", "met_you", "shares")]
    for masculine in ("حفظك", "التقى بهم", "يشاركك", "لم يشارك", "التقوا"):
        assert not any(masculine in text for text in about_them), masculine
