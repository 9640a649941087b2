"""Print sheets: page counts, paper sizes, mirrored backs, and every QR read back by zxing-cpp
from a rasterised page (PDFium), for Arabic and Latin attendees."""

from __future__ import annotations

import io
import re

import pikepdf
import pypdfium2
import pytest
import zxingcpp

from services.badge.render import LAYOUTS, render_pdf
from tests.unit.badge.test_render import ARABIC, LATIN, MIXED, card


def guests(count: int) -> list:
    return [
        card(f"Guest {i}", token=f"{i:04d}".translate(str.maketrans("0123456789", "ABCDEFGHIJ")) * 12 + "QQ")
        for i in range(count)
    ]


def pages(data: bytes) -> list:
    document = pypdfium2.PdfDocument(data)
    return [document[i] for i in range(len(document))]


def qr_texts(page, dpi: int = 200) -> set[str]:
    return {result.text for result in zxingcpp.read_barcodes(page.render(scale=dpi / 72).to_pil())}


@pytest.mark.parametrize(
    "layout, count, double_sided, expected",
    [
        ("a4-a6", 9, False, 3),
        ("a4-a6", 9, True, 6),
        ("a4-a7", 9, False, 2),
        ("a4-a7", 16, True, 4),
        ("letter", 5, False, 2),
        ("avery-5395", 9, False, 2),
        ("single-a6", 3, True, 6),
    ],
)
def test_print_sheets_hold_the_layouts_number_of_badges(layout, count, double_sided, expected):
    assert len(pages(render_pdf(guests(count), layout=layout, double_sided=double_sided))) == expected


@pytest.mark.parametrize(
    "layout, size",
    [
        ("a4-a6", (595.28, 841.89)),
        ("a4-a7", (595.28, 841.89)),
        ("letter", (612, 792)),
        ("avery-5395", (612, 792)),
        ("single-a6", (297.64, 419.53)),
    ],
)
def test_pages_are_the_paper_they_claim(layout, size):
    [page] = pages(render_pdf([LATIN], layout=layout))
    assert page.get_size() == pytest.approx(size, abs=0.01)


def test_every_qr_on_a_printed_sheet_scans_back_to_its_badge():
    cards = [LATIN, ARABIC, MIXED, card("Sara", token="D" * 50)]
    front, back = pages(render_pdf(cards, layout="a4-a6", double_sided=True))
    assert qr_texts(front) == {c.qr_text for c in cards}
    assert qr_texts(back) == {c.profile_url for c in cards}


@pytest.mark.parametrize("layout", ["a4-a7", "avery-5395"])
def test_eight_small_badges_on_a_sheet_all_scan(layout):
    cards = [LATIN, ARABIC, MIXED, *guests(5)]
    [page] = pages(render_pdf(cards, layout=layout))
    assert qr_texts(page) == {c.qr_text for c in cards}


def test_the_back_carries_the_heading_in_the_cards_language_and_text_that_extracts_in_logical_order():
    _, back = pages(render_pdf([LATIN, ARABIC], layout="a4-a6", double_sided=True))
    text = back.get_textpage().get_text_range()
    assert "ما يشغلني" in text and "What I'm passionate about" in text
    assert "ليلى عبد الرحمن" in text and "أصمم مدارس صديقة للأطفال" in text


def test_the_pdf_text_is_shaped_glyphs_in_embedded_subsets():
    pdf = pikepdf.open(io.BytesIO(render_pdf([ARABIC], layout="single-a6")))
    fonts = list(pdf.pages[0].Resources.Font.values())
    assert fonts and all(f.Subtype == "/Type0" for f in fonts)
    descendants = [f.DescendantFonts[0] for f in fonts]
    assert all("/FontFile2" in d.FontDescriptor for d in descendants)  # embedded
    assert all(len(d.FontDescriptor.FontFile2.read_bytes()) < 60_000 for d in descendants)  # subset
    # HarfBuzz joined lam and hamza-alef (in "للأطفال") into one glyph, so the PDF maps a single
    # glyph to both characters (in drawing order): drawing code point by code point never would.
    cmaps = b"".join(f.ToUnicode.read_bytes() for f in fonts)
    assert re.search(rb"<[0-9A-F]{4}> <06230644>", cmaps)


def test_backs_sit_behind_their_fronts_when_flipped_on_the_long_edge():
    for name in ("a4-a6", "a4-a7", "letter"):
        layout = LAYOUTS[name]
        for i, (x, y) in enumerate(layout.slots):
            back_x, back_y = layout.back_slot(i)
            assert back_y == y and back_x == pytest.approx(layout.page[0] - x - layout.card[0])


@pytest.mark.parametrize("name", sorted(LAYOUTS))
def test_cards_sit_on_the_paper_without_overlapping(name):
    layout = LAYOUTS[name]
    (page_w, page_h), (w, h) = layout.page, layout.card
    for i, (x, y) in enumerate(layout.slots):
        assert -0.01 <= x and x + w <= page_w + 0.01 and -0.01 <= y and y + h <= page_h + 0.01
        for ox, oy in layout.slots[i + 1 :]:
            assert abs(x - ox) >= w - 0.01 or abs(y - oy) >= h - 0.01


def test_cut_sheets_have_crop_marks_and_labels_do_not():
    def strokes(layout: str) -> int:
        pdf = pikepdf.open(io.BytesIO(render_pdf([LATIN], layout=layout)))
        return sum(1 for operands, op in pikepdf.parse_content_stream(pdf.pages[0]) if str(op) == "S")

    assert strokes("a4-a6") >= 1 and strokes("a4-a7") >= 1 and strokes("letter") >= 1
    assert strokes("avery-5395") == 0 and strokes("single-a6") == 0


def test_progress_is_reported_for_every_badge():
    done = []
    render_pdf(guests(11), layout="a4-a7", progress=done.append)
    assert sum(done) == 11 and len(done) == 2


def test_two_workers_give_the_same_sheets_in_the_same_order():
    cards = guests(4 * 90)
    done = []
    data = render_pdf(cards, layout="a4-a6", workers=2, progress=done.append)
    sheets = pages(data)
    assert len(sheets) == 90 and sum(done) == len(cards)
    assert {sheet.get_size() for sheet in sheets} == {pages(render_pdf([LATIN]))[0].get_size()}
    assert qr_texts(sheets[45]) == {c.qr_text for c in cards[180:184]}  # the second worker's first
    assert qr_texts(sheets[-1]) == {c.qr_text for c in cards[-4:]}


@pytest.mark.parametrize("kwargs, message", [({"layout": "a5"}, "unknown layout"), ({}, "no badges")])
def test_bad_requests_are_refused_clearly(kwargs, message):
    with pytest.raises(ValueError, match=message):
        render_pdf([] if not kwargs else [LATIN], **kwargs)
