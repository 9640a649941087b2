"""Badge rendering, checked by structure and by a real QR decoder (zxing-cpp), not by pixels."""

from __future__ import annotations

import io

import pypdfium2
import pytest
import zxingcpp
from PIL import Image, ImageDraw, ImageFont

from services.badge.render import LAYOUTS, BadgeCard, qr_matrix, render_image, render_pdf, render_png
from services.badge.render import design
from services.badge.render.design import PT, Text
from services.badge.render.fonts import font_path
from services.badge.render.text import fit, visual

PREFIX = "https://meet.example.org/c/"
TOKEN = "AEBAGBAFAYDQQCIKBMGA2DQPCAIREEYUCULBOGAZDINRYHI6D4QA"[:50]


def card(name="Lina Haddad", language="en", **fields) -> BadgeCard:
    return BadgeCard(name=name, language=language, event_name=fields.pop("event_name", "Riyadh Design Week"),
                     qr_prefix=PREFIX, token=fields.pop("token", TOKEN), short_code="K7P2QX",
                     profile_url=PREFIX + fields.get("token", TOKEN), **fields)


LATIN = card(headline="Helping small roasters sell online", company="Qahwa Labs", title="Founder",
             interests=("coffee", "retail"))
ARABIC = card("ليلى عبد الرحمن", "ar", headline="أصمم مدارس صديقة للأطفال", company="Studio Nakhla",
              interests=("تعليم", "design"), token="B" * 50)
MIXED = card("Omar الفاروق", "ar", headline="أبني أدوات open source للمطورين", token="C" * 50)


def decode(image: Image.Image) -> set[str]:
    return {result.text for result in zxingcpp.read_barcodes(image)}


@pytest.mark.parametrize("badge", [LATIN, ARABIC, MIXED], ids=["latin", "arabic", "mixed"])
def test_the_png_badge_scans_back_to_its_url(badge):
    image = Image.open(io.BytesIO(render_png(badge)))
    assert image.size == (1240, 1748)  # A6 at 300 dpi
    assert image.info["dpi"][0] == pytest.approx(300, abs=1)
    assert decode(image) == {badge.qr_text}


def test_the_qr_stays_small_enough_to_read_at_arms_length():
    matrix = qr_matrix(PREFIX, TOKEN)
    assert len(matrix) <= 17 + 4 * 5  # version 5 or less
    [result] = zxingcpp.read_barcodes(render_image(LATIN))
    assert result.ec_level == "M"


def test_a_public_url_too_long_for_a_small_qr_is_refused_clearly():
    with pytest.raises(ValueError, match="RAPPORT_PUBLIC_URL"):
        qr_matrix("https://" + "very-long-conference-name." * 3 + "example.org/c/", TOKEN)


@pytest.mark.parametrize("name", ["Maximilian Alexander Christopher von Hohenzollern-Sigmaringen the Third",
                                  "عبد الرحمن بن عبد العزيز بن محمد بن سعود آل الشيخ الهاشمي القرشي",
                                  "Supercalifragilisticexpialidocious-Wolfeschlegelsteinhausenbergerdorff"])
@pytest.mark.parametrize("size", [(105, 148), (105, 74), (85.725, 59.27)])
def test_no_line_ever_overflows_its_box(name, size):
    items = design.front(card(name, "ar" if "عبد" in name else "en", headline=name * 2), *size)
    texts = [i for i in items if isinstance(i, Text)]
    assert texts, "the name is drawn"
    for item in texts:
        assert item.fitted.width(item.weight) * PT <= item.w * 1.001, item.fitted.lines
        assert len(item.fitted.lines) <= 4


def test_a_long_name_shrinks_then_wraps_before_it_is_cut():
    short = fit("Lina", "bold", 200, 34, 18, 2)
    long = fit("Christopher Alexander Montgomery-Smith", "bold", 200, 34, 18, 2)
    assert short.lines == ("Lina",) and short.size == 34
    assert len(long.lines) == 2 and "…" not in "".join(long.lines)


def test_arabic_is_really_shaped():
    name = "محمد"
    # Raqm (HarfBuzz) joins the letters; the basic layout draws them isolated.
    shaped = ImageFont.truetype(font_path("bold"), 80, layout_engine=ImageFont.Layout.RAQM)
    unshaped = ImageFont.truetype(font_path("bold"), 80, layout_engine=ImageFont.Layout.BASIC)
    images = []
    for font in (shaped, unshaped):
        image = Image.new("L", (400, 120), 255)
        ImageDraw.Draw(image).text((10, 10), name, font=font)
        images.append(image.tobytes())
    assert images[0] != images[1]
    # The PDF gets contextual forms (initial meem U+FEE3 ...) in right-to-left visual order.
    assert visual(name) == "\ufeaa\ufee4\ufea4\ufee3"  # final dal ... initial meem
    assert visual("Lina") == "Lina"


def pdf_pages(data: bytes) -> list:
    document = pypdfium2.PdfDocument(data)
    return [document[i] for i in range(len(document))]


@pytest.mark.parametrize("layout, count, double_sided, pages", [
    ("a4-a6", 9, False, 3), ("a4-a6", 9, True, 6), ("a4-a7", 9, False, 2), ("letter", 5, False, 2),
    ("avery-5395", 9, False, 2), ("single-a6", 3, True, 6),
])
def test_print_sheets_hold_the_right_number_of_badges(layout, count, double_sided, pages):
    cards = [card(f"Guest {i}", token=f"{chr(65 + i)}" * 50) for i in range(count)]
    assert len(pdf_pages(render_pdf(cards, layout=layout, double_sided=double_sided))) == pages


@pytest.mark.parametrize("layout, size", [("a4-a6", (595.28, 841.89)), ("letter", (612, 792)),
                                          ("avery-5395", (612, 792)), ("single-a6", (297.64, 419.53))])
def test_pages_are_the_paper_they_claim(layout, size):
    [page] = pdf_pages(render_pdf([LATIN], layout=layout))
    assert page.get_size() == pytest.approx(size, abs=0.1)


def test_every_qr_on_a_printed_sheet_scans_back_to_its_badge():
    cards = [LATIN, ARABIC, MIXED, card("Sara", token="D" * 50)]
    front, back = pdf_pages(render_pdf(cards, layout="a4-a6", double_sided=True))
    assert decode(front.render(scale=200 / 72).to_pil()) == {c.qr_text for c in cards}
    text = back.get_textpage().get_text_range()
    assert "ما يشغلني" in text and "What I'm passionate about" in text  # logical order, extractable
    assert "أصمم مدارس صديقة للأطفال" in text


def test_backs_sit_behind_their_fronts_when_flipped_on_the_long_edge():
    layout = LAYOUTS["a4-a6"]
    assert [layout.back_slot(i)[0] for i in range(4)] == [layout.slots[1][0], layout.slots[0][0]] * 2


def test_progress_is_reported_for_every_badge():
    done = []
    render_pdf([LATIN] * 5, layout="a4-a7", progress=done.append)
    assert sum(done) == 5
