import pytest

from shared.text import flattened, single_line_problem, text_problem


@pytest.mark.parametrize(
    "value", ["Lina Haddad", "ليلى حداد", "Lina حداد (Souk Labs)", "Zoë O'Brien-Ngô", "😀", ""]
)
def test_names_in_any_script_and_mixed_direction_are_fine(value):
    assert single_line_problem(value) is None


@pytest.mark.parametrize(
    "value, reason",
    [
        ("Lina\x00", "control character U+0000"),
        ("Lina\x1b[31m", "control character U+001B"),
        ("Lina\nHaddad", "control character U+000A"),
        ("Lina\x85", "control character U+0085"),
        ("Lina \u202egro.elpmaxe", "direction control U+202E"),
        ("\u202aLina", "direction control U+202A"),
        ("\u2066Lina\u2069", "direction control U+2066"),
        ("Lina\u2069", "direction control U+2069"),
        ("Lina\ud800", "lone surrogate"),
        ("Lina\u2028Haddad", "line separator U+2028"),
        ("Lina\u2029", "line separator U+2029"),
    ],
)
def test_control_characters_bidi_overrides_and_lone_surrogates_are_refused(value, reason):
    assert reason in single_line_problem(value)


def test_a_paragraph_may_hold_line_feeds_and_nothing_else_invisible():
    assert text_problem("Thank you for coming.\nSee you next year.", multiline=True) is None
    assert "U+000D" in text_problem("Thank you\r\nSee you", multiline=True)
    assert "U+202E" in text_problem("Thank you\n\u202e", multiline=True)


def test_flattened_text_is_one_line_without_controls_or_marks_but_those_kept():
    assert flattened("Summit\r\nBcc: x@y\u2028\u202e\u200f  2026") == "Summit Bcc: x@y 2026"
    assert flattened("\u2068Lina\u2069\n", keep=frozenset("\u2068\u2069")) == "\u2068Lina\u2069"
