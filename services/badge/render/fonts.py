"""The badge fonts: IBM Plex Sans Arabic (Arabic and Latin in one design, SIL OFL), installed
by the project from npm (package.json), so a badge never depends on what a machine has.

Each font file is opened once per process, as a Pillow font per pixel size (PNG) and as one
HarfBuzz font (measuring and the PDF's glyph runs): parsing a TTF costs milliseconds.
"""

from __future__ import annotations

import os
from functools import cache, lru_cache
from pathlib import Path

import uharfbuzz as hb
from PIL import ImageFont, features

PACKAGE = "@expo-google-fonts/ibm-plex-sans-arabic"
FILES = {
    "regular": "400Regular/IBMPlexSansArabic_400Regular.ttf",
    "bold": "700Bold/IBMPlexSansArabic_700Bold.ttf",
}


class FontsMissing(FileNotFoundError):
    pass


def font_dir() -> Path:
    """RAPPORT_FONT_DIR if set (a directory laid out like the npm package), else the package in
    the nearest node_modules above this file (the repository root, or /app in the image)."""
    override = os.environ.get("RAPPORT_FONT_DIR")
    if override:
        return Path(override)
    here = Path(__file__).resolve()
    for parent in here.parents:
        candidate = parent / "node_modules" / PACKAGE
        if candidate.is_dir():
            return candidate
    return here.parents[3] / "node_modules" / PACKAGE


@cache
def font_path(weight: str) -> str:
    path = font_dir() / FILES[weight]
    if not path.is_file():
        raise FontsMissing(
            f"badge font {path} is missing: run ./rapport up (or npm ci in the repository), "
            f"which installs the fonts with npm"
        )
    return str(path)


@lru_cache(maxsize=512)
def pil_font(weight: str, size_px: float) -> ImageFont.FreeTypeFont:
    """A Pillow font laid out by raqm (FriBiDi + HarfBuzz): Arabic joins and runs right to left,
    mixed lines follow the Unicode bidi algorithm. Without raqm Arabic would print as isolated
    letters in the wrong order, so its absence is an error, not a fallback."""
    if not features.check("raqm"):
        raise RuntimeError(
            "Pillow was built without raqm (libraqm, FriBiDi, HarfBuzz): badges need it for Arabic"
        )
    return ImageFont.truetype(font_path(weight), size_px, layout_engine=ImageFont.Layout.RAQM)


@cache
def hb_font(weight: str) -> hb.Font:
    """The HarfBuzz font at its design scale: positions come back in font units (see upem)."""
    return hb.Font(hb.Face(hb.Blob.from_file_path(font_path(weight))))


def upem(weight: str) -> int:
    return hb_font(weight).face.upem
