"""What a badge is drawn from: boxes, fitted text and QR codes, placed in millimetres from the
card's top-left corner. design.py makes them; png.py and sheet.py draw them."""

from __future__ import annotations

from dataclasses import dataclass

from services.badge.render.qr import QUIET_ZONE, Matrix
from services.badge.render.text import Fitted

PT = 25.4 / 72  # millimetres per point
INK, GREY, ACCENT, WHITE = (29, 29, 27), (85, 85, 90), (17, 75, 95), (255, 255, 255)


@dataclass(frozen=True)
class Box:
    x: float
    y: float
    w: float
    h: float
    color: tuple[int, int, int]


@dataclass(frozen=True)
class Text:
    """Lines of one paragraph in a column [x, x + w], every line at most w wide."""

    x: float
    y: float  # top of the first line
    w: float
    fitted: Fitted
    weight: str  # "regular" or "bold"
    align: str  # "left", "right" or "center"
    color: tuple[int, int, int]
    rtl: bool = False  # the paragraph's direction, kept by each of its wrapped lines
    leading: float = 1.2

    @property
    def line_height(self) -> float:
        return self.fitted.size * PT * self.leading

    @property
    def bottom(self) -> float:
        return self.y + self.line_height * len(self.fitted.lines)

    def baseline(self, index: int) -> float:
        """Line `index`'s baseline: the leading split evenly around the x-height."""
        return self.y + (index + 0.5) * self.line_height + self.fitted.size * PT * 0.35


@dataclass(frozen=True)
class Qr:
    x: float
    y: float
    size: float  # including the quiet zone, which nothing else may cover
    matrix: Matrix

    @property
    def module(self) -> float:
        return self.size / (len(self.matrix) + 2 * QUIET_ZONE)
