"""Badge rendering, checked by structure and by a real QR decoder (zxing-cpp), not by pixels."""

from __future__ import annotations

import base64
import io
import random
import unicodedata

import pytest
import qrcode
import zxingcpp
from PIL import Image, ImageDraw, ImageFont
from qrcode.constants import ERROR_CORRECT_M
from qrcode.util import MODE_8BIT_BYTE, MODE_ALPHA_NUM, QRData

from services.badge.render import (
    BadgeCard,
    design,
    fonts,
    qr_matrix,
    qr_version,
    render_image,
    render_png,
    shapes,
)
from services.badge.render.bidi import _fpdf2_levels, _levels, bidi_runs
from services.badge.render.fonts import font_path, hb_font
from services.badge.render.png import palette, text_lines
from services.badge.render.qr import MASK
from services.badge.render.shapes import Text
from services.badge.render.shaping import shape
from services.badge.render.text import URL_BREAKS, fit

PREFIX = "https://meet.example.org/c/"
TOKEN = "AEBAGBAFAYDQQCIKBMGA2DQPCAIREEYUCULBOGAZDINRYHI6D4"  # 50 base32 characters


def card(name: str = "Lina Haddad", language: str = "en", token: str = TOKEN, **fields) -> BadgeCard:
    fields.setdefault("event_name", "Riyadh Design Week")
    return BadgeCard(
        name=name,
        language=language,
        qr_prefix=PREFIX,
        token=token,
        short_code="K7P2QX",
        profile_url=PREFIX + token,
        **fields,
    )


LATIN = card(
    headline="Helping small roasters sell online",
    company="Qahwa Labs",
    title="Founder",
    interests=("coffee", "retail"),
)
ARABIC = card(
    "ليلى عبد الرحمن",
    "ar",
    token="B" * 50,
    headline="أصمم مدارس صديقة للأطفال",
    company="Studio Nakhla",
    interests=("تعليم", "design"),
    event_name="أسبوع الرياض للتصميم",
)
MIXED = card("Omar الفاروق", "ar", token="C" * 50, headline="أبني أدوات open source للمطورين")
LONG_NAMES = [
    "Maximilian Alexander Christopher von Hohenzollern-Sigmaringen the Third",
    "عبد الرحمن بن عبد العزيز بن محمد بن سعود آل الشيخ الهاشمي القرشي",
    "Supercalifragilisticexpialidociousandwolfeschlegelsteinhausenbergerdorff",
]


def decoded(image: Image.Image) -> list:
    return zxingcpp.read_barcodes(image)


@pytest.mark.parametrize("badge", [LATIN, ARABIC, MIXED], ids=["latin", "arabic", "mixed"])
def test_the_png_badge_is_a6_at_300_dpi_and_scans_back_to_its_url(badge):
    image = Image.open(io.BytesIO(render_png(badge)))
    assert image.size == (1240, 1748)  # 105 x 148 mm at 300 dpi
    assert image.info["dpi"][0] == pytest.approx(300, abs=0.01)
    [result] = decoded(image)
    assert result.text == badge.qr_text
    assert result.ec_level == "M" and int(result.extra["Version"]) <= 5


def test_a_badge_url_is_a_version_5_code_at_level_m_with_the_token_in_alphanumeric_mode():
    matrix = qr_matrix(PREFIX, TOKEN)
    assert qr_version(matrix) == 5 and len(matrix) == 17 + 4 * 5
    # The token in alphanumeric mode is what keeps a code small: a 24-character prefix fits
    # version 4 with it, and needs version 5 with the whole URL in byte mode.
    assert qr_version(qr_matrix("http://localhost:8002/c/", TOKEN)) == 4
    assert qr_version(qr_matrix("http://localhost:8002/c/" + TOKEN)) == 5


def test_the_fast_encoder_makes_exactly_the_code_qrcode_makes():
    rng = random.Random(5)
    for _ in range(60):
        token = base64.b32encode(rng.randbytes(40)).decode().rstrip("=")[: rng.randint(0, 60)]
        prefix = rng.choice([PREFIX, "https://x.io/", "http://a/"])
        try:
            ours = qr_matrix(prefix, token)
        except ValueError:
            continue
        reference = qrcode.QRCode(
            version=qr_version(ours), error_correction=ERROR_CORRECT_M, border=0, mask_pattern=MASK
        )
        reference.add_data(QRData(prefix.encode(), mode=MODE_8BIT_BYTE))
        if token:
            reference.add_data(QRData(token, mode=MODE_ALPHA_NUM))
        reference.make(fit=False)
        assert [[bool(m) for m in row] for row in ours] == reference.modules


def test_a_token_that_is_not_ours_is_encoded_whole_in_byte_mode():
    badge = card(token="lower-case_token")
    [result] = decoded(render_image(badge))
    assert result.text == PREFIX + "lower-case_token"


def test_missing_fonts_say_how_to_install_them(monkeypatch, tmp_path):
    monkeypatch.setenv("RAPPORT_FONT_DIR", str(tmp_path))
    fonts.font_path.cache_clear()
    try:
        with pytest.raises(fonts.FontsMissing, match="rapport up"):
            fonts.font_path("bold")
    finally:
        fonts.font_path.cache_clear()


def test_a_public_url_too_long_for_a_small_qr_is_refused_clearly():
    with pytest.raises(ValueError, match="RAPPORT_PUBLIC_URL"):
        qr_matrix("https://" + "very-long-conference-name." * 3 + "example.org/c/", TOKEN)


def test_the_png_keeps_paper_white_and_the_design_colours_exact():
    swatch = Image.new("RGB", (5, 1))
    colors = [shapes.WHITE, shapes.INK, shapes.GREY, shapes.ACCENT, (0, 0, 0)]
    swatch.putdata(colors)
    mapped = swatch.quantize(palette=palette(), dither=Image.Dither.NONE).convert("RGB")
    assert [mapped.getpixel((x, 0)) for x in range(5)] == colors


@pytest.mark.parametrize("name", LONG_NAMES)
@pytest.mark.parametrize(
    "size",
    [(105, 148), (105, 74), (85.725, 59.267), (107.95, 139.7)],
    ids=["a6", "a7", "label", "quarter-letter"],
)
@pytest.mark.parametrize("side", ["front", "back"])
def test_no_drawn_line_ever_leaves_its_column(name, size, side):
    badge = card(
        name, "ar" if "عبد" in name else "en", headline=name * 2, company=name, interests=(name,) * 5
    )
    px = 300 / 25.4
    items = design.front(badge, *size) if side == "front" else design.back(badge, *size)
    draw = ImageDraw.Draw(Image.new("RGB", (10, 10)))
    texts = [item for item in items if isinstance(item, Text)]
    assert any(name[:8] in "".join(t.fitted.lines) for t in texts), "the name is drawn"
    for item in texts:
        for xy, line, font, options in text_lines(item, px):
            left, top, right, bottom = draw.textbbox(xy, line, font=font, **options)
            # Ink may overhang its advance box by a side bearing: a pixel or two.
            assert item.x * px - 2 <= left and right <= (item.x + item.w) * px + 2, (line, item.x, item.w)
            assert 0 <= top and bottom <= size[1] * px
        assert item.x >= 0 and item.x + item.w <= size[0]


def test_every_fitted_line_fits_by_its_shaped_width():
    for name in LONG_NAMES + ["Lina", "محمد بن سلمان"]:
        for lines in (1, 2, 3):
            fitted = fit(name, "bold", 200, 34, 18, lines)
            for line in fitted.lines:
                assert shape(line, "bold").advance / hb_font("bold").face.upem * fitted.size <= 200


def test_a_long_name_shrinks_then_wraps_before_it_is_cut():
    short = fit("Lina", "bold", 200, 34, 18, 2)
    assert short.lines == ("Lina",) and short.size == 34
    long = fit("Christopher Alexander Montgomery-Smith", "bold", 200, 34, 18, 2)
    assert len(long.lines) == 2 and "…" not in "".join(long.lines) and long.size >= 18
    hopeless = fit(
        "Supercalifragilisticexpialidociousandwolfeschlegelsteinhausenbergerdorff", "bold", 200, 34, 18, 2
    )
    assert hopeless.size == 18 and hopeless.lines[-1].endswith("…")


def test_a_url_breaks_at_its_slashes_not_in_the_middle_of_the_token():
    fitted = fit(PREFIX + TOKEN, "regular", 200, 8, 5, 3, URL_BREAKS)
    assert "".join(fitted.lines) == PREFIX + TOKEN and len(fitted.lines) > 1
    assert fitted.lines[-1] == TOKEN


def test_arabic_is_really_shaped():
    font = hb_font("bold")
    shaped = [g.gid for g in shape("محمد", "bold").glyphs]
    isolated = [font.get_nominal_glyph(ord(c)) for c in reversed("محمد")]
    assert len(shaped) == 4 and shaped != isolated  # contextual forms, drawn right to left
    assert len(shape("لا", "bold").glyphs) == 1  # the lam-alef ligature
    assert any(g.dy or g.dx for g in shape("مُحَمَّد", "bold").glyphs)  # harakat placed by GPOS
    # Pillow: raqm (HarfBuzz) joins the letters, the basic layout draws them isolated.
    images = []
    for engine in (ImageFont.Layout.RAQM, ImageFont.Layout.BASIC):
        image = Image.new("L", (400, 120), 255)
        font = ImageFont.truetype(font_path("bold"), 80, layout_engine=engine)
        ImageDraw.Draw(image).text((10, 10), "محمد", font=font)
        images.append(image.tobytes())
    assert images[0] != images[1]


def test_mixed_lines_follow_the_bidi_algorithm():
    assert bidi_runs("Lina Haddad", False) == [("Lina Haddad", False)]
    assert bidi_runs("ليلى عبد الرحمن", True) == [("ليلى عبد الرحمن", True)]
    # An Arabic line: the Latin words keep their order inside it, the line reads right to left.
    assert bidi_runs("أبني أدوات open source للمطورين", True) == [
        (" للمطورين", True),
        ("open source", False),
        ("أبني أدوات ", True),
    ]
    assert bidi_runs("Omar الفاروق", False) == [("Omar ", False), ("الفاروق", True)]
    # The second line of a wrapped Arabic headline still reads right to left, Latin first.
    assert bidi_runs("source للمطورين", True) == [(" للمطورين", True), ("source", False)]
    assert bidi_runs("Hello!", True) == [("!", True), ("Hello", False)]


def test_the_back_side_renders_and_scans_too():
    [result] = decoded(render_image(ARABIC, side="back"))
    assert result.text == ARABIC.profile_url


def test_the_fast_bidi_levels_agree_with_fpdf2s_full_algorithm():
    pool = [
        *"abcXY",
        *"אבג",
        *"ابتمحد",
        *"019",
        *"٠١٢",
        *"۱۲",
        *"+-",
        *"$%#°",
        *",.:/",
        "\u064e",
        "\u0651",
        "\u0301",
        " ",
        "\u00a0",
        *"!?*·'\"&—“”«»",
    ]
    rng = random.Random(3)
    for _ in range(3000):
        text = "".join(rng.choice(pool) for _ in range(rng.randint(1, 14)))
        types = [unicodedata.bidirectional(c) for c in text]
        for rtl in (False, True):
            assert _levels(types, rtl) == _fpdf2_levels(text, rtl), (text, rtl)
