"""Every layout and side keeps what a badge is for: the name, the headline and a QR that scans.

Checked on the printed PDF itself: its text read back by PDFium (what a screen reader or a search
finds) and its QR codes read back by zxing-cpp from the rasterised page. The cards carry long
Arabic and Latin names and headlines near the badge service's limits (120 and 140 characters),
with title, company and interests competing for the same space.
"""

from __future__ import annotations

from collections import Counter

import pypdfium2
import pytest
import zxingcpp

from services.badge.render import LAYOUTS, render_pdf
from tests.unit.badge.test_render import card

LONG_LATIN = card(
    "Maximilian Alexander Christopher von Hohenzollern-Sigmaringen",
    headline="Helping small specialty coffee roasters in the Gulf sell online and ship across the region",
    company="Qahwa Labs International Trading Company",
    title="Founder and Chief Executive Officer",
    interests=("specialty coffee", "e-commerce", "logistics", "retail design", "export"),
)
LONG_ARABIC = card(
    "عبد الرحمن بن عبد العزيز بن محمد آل الشيخ الهاشمي",
    "ar",
    token="B" * 50,
    headline="أصمم مدارس صديقة للأطفال في المدن الكبيرة وأبحث عن شركاء في التعليم المبكر والعمارة المستدامة",
    company="استوديو نخلة للعمارة والتصميم الداخلي",
    title="مديرة التصميم",
    interests=("تعليم", "عمارة", "design", "استدامة", "مدن"),
    event_name="أسبوع الرياض للتصميم",
)
LONG_MIXED = card(
    "Omar الفاروق bin Khalid Al-Mansouri",
    "ar",
    token="C" * 50,
    headline="أبني أدوات open source للمطورين العرب وأبحث عن من يساهم في الترجمة والتوثيق",
)
CARDS = {"latin": LONG_LATIN, "arabic": LONG_ARABIC, "mixed": LONG_MIXED}


def missing_words(wanted: str, text: str) -> list[str]:
    """The words of `wanted` that the page's text lacks (as many times as they occur). Words, not
    the whole string: lines wrap at spaces, and PDFium reads a Latin run inside an Arabic line
    ("open source") in the order it sits on the page, right to left."""
    have = Counter(text.split())
    have.subtract(wanted.split())
    return [word for word, count in have.items() if count < 0]


def printed(layout: str, badge, side: str) -> tuple[str, set[str]]:
    """The text and the decoded QR codes of one badge's page on this side."""
    document = pypdfium2.PdfDocument(render_pdf([badge], layout=layout, double_sided=side == "back"))
    page = document[0 if side == "front" else 1]
    codes = {r.text for r in zxingcpp.read_barcodes(page.render(scale=300 / 72).to_pil())}
    return page.get_textpage().get_text_range(), codes


@pytest.mark.parametrize("who", sorted(CARDS))
@pytest.mark.parametrize("side", ["front", "back"])
@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_name_headline_and_qr_are_on_every_layout_and_side(layout, side, who):
    badge = CARDS[who]
    text, codes = printed(layout, badge, side)
    assert not missing_words(badge.headline, text), f"the headline is cut on {layout} {side}"
    assert not missing_words(badge.name, text), f"the name is cut on {layout} {side}"
    expected = badge.qr_text if side == "front" else badge.profile_url
    assert expected in codes, f"the QR on {layout} {side} does not scan to {expected}"
