"""The scan pages' one text table: every key, refusal and placeholder in both languages."""

import re

from services.scan.pagetext import SCRIPT_TEXT, TEXT


def test_both_languages_have_the_same_keys_refusals_and_placeholders():
    en, ar = TEXT["en"], TEXT["ar"]
    assert en.keys() == ar.keys()
    assert en["refusals"].keys() == ar["refusals"].keys()
    for key, text in en.items():
        if isinstance(text, str):
            assert set(re.findall(r"{\w+}", text)) == set(re.findall(r"{\w+}", ar[key])), key


def test_the_scanner_script_gets_only_keys_that_exist():
    assert set(SCRIPT_TEXT) <= TEXT["en"].keys()
