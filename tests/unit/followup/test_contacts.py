"""The "add to contacts" card, read back with vobject as an address book would."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import vobject

from services.followup.contacts import vcard
from services.followup.digest import Person
from shared.scripts import split_name
from shared.vcard import Where

MET = datetime(2026, 12, 1, 21, 30, tzinfo=UTC)  # 2 December in Riyadh (UTC+3)
WHERE = Where("Riyadh Design Week", "JAX District", "Asia/Riyadh")


@pytest.mark.parametrize(
    "name, family, given, additional",
    [
        ("Daniel Brooks", "Brooks", "Daniel", ""),
        ("ليلى حداد", "حداد", "ليلى", ""),
        ("Madonna", "", "Madonna", ""),  # one word: a given name, filed under it
        ("هدى", "", "هدى", ""),
        ("Abdul Rahman Al Saud", "Al Saud", "Abdul Rahman", ""),
        ("عبد الله الأحمد", "الأحمد", "عبد الله", ""),
        ("Mohammed bin Salman Al Saud", "Al Saud", "Mohammed", "bin Salman"),
        ("محمد بن سلمان آل سعود", "آل سعود", "محمد", "بن سلمان"),
        ("Ludwig van Beethoven", "van Beethoven", "Ludwig", ""),
        ("Maria José da Silva", "da Silva", "Maria", "José"),
        ("  Omar   Khalil ", "Khalil", "Omar", ""),
    ],
)
def test_the_family_name_is_the_last_word_with_its_particles(name, family, given, additional):
    assert split_name(name) == (family, given, additional)


def read(card: str):
    parsed = vobject.readOne(card)
    assert parsed.version.value == "4.0"
    return parsed


def test_a_card_files_under_the_family_name_and_keeps_the_name_as_written():
    card = read(
        vcard(
            "en",
            Person(
                "p1",
                "Daniel Brooks",
                "dan@example.org",
                "en",
                "Stripe",
                "Staff Engineer",
                consent_share_contact=True,
            ),
            WHERE,
            met_at=MET,
        )
    )
    assert card.fn.value == "Daniel Brooks"
    assert (card.n.value.family, card.n.value.given) == ("Brooks", "Daniel")
    assert "N:Brooks;Daniel;;;" in card.serialize()
    assert card.email.value == "dan@example.org" and card.org.value == ["Stripe"]
    assert card.title.value == "Staff Engineer"


def test_the_note_says_when_and_where_in_the_readers_language_with_the_readers_notes():
    person = Person("p1", "Daniel Brooks", "dan@example.org", "en", consent_share_contact=True)
    english = read(vcard("en", person, WHERE, met_at=MET, notes=("checkout; retries", "call after Q1")))
    assert english.note.value == (
        "Met at Riyadh Design Week (JAX District) on 2 December 2026.\n"
        "Your notes: checkout; retries / call after Q1"
    )
    arabic = read(vcard("ar", person, WHERE, met_at=MET, notes=("يعمل على الدفع",)))
    assert arabic.note.value == (
        "التقيتما في \u2068Riyadh Design Week\u2069 (\u2068JAX District\u2069) يوم 2 ديسمبر "
        "2026.\nملاحظاتك: يعمل على الدفع"
    )  # Latin names isolated in the Arabic line


def test_no_email_company_or_title_without_consent():
    card = read(
        vcard(
            "ar",
            Person(
                "p2",
                "ليلى حداد",
                "layla@example.org",
                "ar",
                "قهوة وكود",
                "مؤسسة",
                consent_share_contact=False,
            ),
            Where("ملتقى الرياض"),
            met_at=MET,
        )
    )
    assert card.fn.value == "ليلى حداد" and card.n.value.family == "حداد"
    for field in ("email", "org", "title"):
        assert field not in card.contents
    assert card.note.value == "التقيتما في ملتقى الرياض يوم 1 ديسمبر 2026."


def test_someone_only_pointed_to_for_a_shared_interest_says_so():
    card = read(
        vcard(
            "en",
            Person("p3", "Mei Tanaka", "mei@example.org", consent_share_contact=True),
            Where("Gulf Product Summit"),
            met_at=None,
            shared_interests=("design", "fintech"),
        )
    )
    assert card.note.value == "At Gulf Product Summit you share an interest in design and fintech."
