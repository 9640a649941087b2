"""The badge fonts: IBM Plex Sans Arabic (Arabic and Latin in one design, SIL OFL), installed
by the project from npm (package.json), so a badge never depends on what a machine has."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from PIL import ImageFont

PACKAGE = "@expo-google-fonts/ibm-plex-sans-arabic"
FILES = {"regular": "400Regular/IBMPlexSansArabic_400Regular.ttf",
         "bold": "700Bold/IBMPlexSansArabic_700Bold.ttf"}


def font_dir() -> Path:
    override = os.environ.get("RAPPORT_FONT_DIR")
    if override:
        return Path(override)
    return Path(__file__).resolve().parents[3] / "node_modules" / PACKAGE


@lru_cache(maxsize=None)
def font_path(weight: str) -> str:
    path = font_dir() / FILES[weight]
    if not path.exists():
        raise FileNotFoundError(f"badge font {path} is missing: run ./rapport up (or npm ci), which installs "
                                f"the fonts from npm")
    return str(path)


@lru_cache(maxsize=256)
def pil_font(weight: str, size_px: int) -> ImageFont.FreeTypeFont:
    """A shaping (raqm) Pillow font: Arabic joins and runs right to left, mixed lines follow bidi."""
    return ImageFont.truetype(font_path(weight), size_px, layout_engine=ImageFont.Layout.RAQM)


REFERENCE_PX = 100


@lru_cache(maxsize=20_000)
def text_width(text: str, weight: str) -> float:
    """Width of `text` at 1 pt in pt: shaped by HarfBuzz (raqm), so Arabic is measured joined.

    Widths scale linearly with size, so one measurement at a reference size serves every size.
    """
    return pil_font(weight, REFERENCE_PX).getlength(text) / REFERENCE_PX
