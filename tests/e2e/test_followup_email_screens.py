"""The follow-up email as a recipient sees it: rendered by Debian's Chromium at a phone's width
(390 x 844 CSS px, an iPhone 12-15) and counted in phone screens. Each person appears once;
a 6-person email fits in 3 screens, a 15-person one in 5 (two of the people in each scanned the
reader without being scanned back); Arabic runs right to left, and the
page never scrolls sideways. Screenshots land in test-artifacts/ for a person to look at."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from tests.e2e.followup_samples import MET_YOU, PEOPLE, composer, sample

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
PHONE = {"width": 390, "height": 844}
SCREENS = {6: 3, 15: 5}


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"]
        )
        yield browser
        browser.close()


@pytest.mark.parametrize("lang", ["en", "ar"])
@pytest.mark.parametrize("people", sorted(SCREENS))
def test_the_email_fits_its_phone_screens_with_each_person_once(browser, lang, people):
    event, digest = sample(lang, people)
    email = composer().compose(event, digest, "followup")
    page = browser.new_page(viewport=PHONE)
    page.set_content(email.html)
    height, width = page.evaluate(
        "[document.documentElement.scrollHeight, document.documentElement.scrollWidth]"
    )
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"followup-{lang}-{people}-phone.png"), full_page=True)
    names = page.eval_on_selector_all(".n", "els => els.map(e => e.textContent.trim())")
    direction = page.evaluate("getComputedStyle(document.querySelector('.w')).direction")
    page.close()
    assert height <= SCREENS[people] * PHONE["height"], f"{height / PHONE['height']:.2f} screens"
    assert width <= PHONE["width"]  # nothing scrolls sideways
    assert direction == ("rtl" if lang == "ar" else "ltr")
    # each person once: one entry (a card or a compact line) per person met
    assert sorted(re.sub(r"\s*(met both ways|لقاء متبادل)$", "", n) for n in names) == sorted(
        name for name, *_ in PEOPLE[: people - 2] + MET_YOU
    )


def test_arabic_message_lines_start_on_the_right(browser):
    """A message in Arabic inside an English email is laid out right to left, right-aligned."""
    event, digest = sample("en", 6)
    email = composer().compose(event, digest, "followup")
    page = browser.new_page(viewport=PHONE)
    page.set_content(email.html)
    quote = page.locator('blockquote[lang="ar"]').first
    box = quote.bounding_box()
    style = quote.evaluate("q => [getComputedStyle(q).direction, getComputedStyle(q).textAlign]")
    first_word = page.evaluate(
        """q => { const r = document.createRange(); const t = q.firstChild;
        r.setStart(t, 0); r.setEnd(t, 1); return r.getBoundingClientRect().right; }""",
        quote.element_handle(),
    )
    page.close()
    assert style[0] == "rtl" and style[1] in ("start", "right")
    assert first_word > box["x"] + box["width"] * 0.8  # the message's first letter is at the right edge
