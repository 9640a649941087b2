import pytest

from shared.text import single_line_problem


@pytest.mark.parametrize("value", ["Lina Haddad", "ليلى حداد", "Lina حداد (Souk Labs)", "Zoë O'Brien-Ngô", "😀", ""])
def test_names_in_any_script_and_mixed_direction_are_fine(value):
    assert single_line_problem(value) is None


@pytest.mark.parametrize("value, reason", [
    ("Lina\x00", "control character U+0000"), ("Lina\x1b[31m", "control character U+001B"),
    ("Lina\nHaddad", "control character U+000A"), ("Lina\x85", "control character U+0085"),
    ("Lina \u202egro.elpmaxe", "direction control U+202E"), ("\u202aLina", "direction control U+202A"),
    ("\u2066Lina\u2069", "direction control U+2066"), ("Lina\u2069", "direction control U+2069"),
    ("Lina\ud800", "lone surrogate"),
])
def test_control_characters_bidi_overrides_and_lone_surrogates_are_refused(value, reason):
    assert reason in single_line_problem(value)
