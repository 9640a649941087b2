"""Print layouts: which paper, which card size, where each card sits, and where to cut."""

from __future__ import annotations

from dataclasses import dataclass

A4 = (210.0, 297.0)
LETTER = (215.9, 279.4)
INCH = 25.4


@dataclass(frozen=True)
class Layout:
    name: str
    page: tuple[float, float]  # mm
    card: tuple[float, float]  # mm; wider than tall means a landscape card
    slots: tuple[tuple[float, float], ...]  # top-left corner of each card on the page, reading order
    columns: int
    crop_marks: bool = True
    description: str = ""

    @property
    def per_page(self) -> int:
        return len(self.slots)

    def back_slot(self, index: int) -> tuple[float, float]:
        """Where the back of card `index` goes so that it lands behind its front when the sheet is
        printed double-sided, flipping on the long edge (columns swap, rows stay)."""
        x, y = self.slots[index]
        return self.page[0] - x - self.card[0], y

    def crop_mark_lines(self) -> list[tuple[float, float, float, float]]:
        """Cut guides (x1, y1, x2, y2 in mm) on the cut lines themselves, since the cards tile
        the sheet: 5 mm in from the paper's edges, and small crosses where inner cuts meet, so
        that cutting removes them. None on die-cut labels or a badge printer's single cards."""
        if not self.crop_marks:
            return []
        (page_w, page_h), (w, h) = self.page, self.card
        xs = sorted({round(v, 2) for x, _ in self.slots for v in (x, x + w) if 0.5 < v < page_w - 0.5})
        ys = sorted({round(v, 2) for _, y in self.slots for v in (y, y + h) if 0.5 < v < page_h - 0.5})
        lines = [(x, 0, x, 5) for x in xs] + [(x, page_h - 5, x, page_h) for x in xs]
        lines += [(0, y, 5, y) for y in ys] + [(page_w - 5, y, page_w, y) for y in ys]
        return lines + [seg for x in xs for y in ys for seg in ((x - 2, y, x + 2, y), (x, y - 2, x, y + 2))]


def _grid(page, card, columns, rows, left=None, top=None, pitch=None) -> tuple[tuple[float, float], ...]:
    pitch_x, pitch_y = pitch or card
    left = (page[0] - (columns - 1) * pitch_x - card[0]) / 2 if left is None else left
    top = (page[1] - (rows - 1) * pitch_y - card[1]) / 2 if top is None else top
    return tuple((left + c * pitch_x, top + r * pitch_y) for r in range(rows) for c in range(columns))


LAYOUTS: dict[str, Layout] = {
    layout.name: layout
    for layout in (
        Layout(
            "a4-a6",
            A4,
            (105, 148),
            _grid(A4, (105, 148), 2, 2),
            2,
            description="4 A6 badges (105x148 mm) on A4, for A6 badge holders",
        ),
        Layout(
            "a4-a7",
            A4,
            (105, 74),
            _grid(A4, (105, 74), 2, 4),
            2,
            description="8 A7 badges (105x74 mm, landscape) on A4",
        ),
        Layout(
            "letter",
            LETTER,
            (LETTER[0] / 2, LETTER[1] / 2),
            _grid(LETTER, (LETTER[0] / 2, LETTER[1] / 2), 2, 2),
            2,
            description="4 quarter-Letter badges (4.25x5.5 in) on US Letter",
        ),
        # Avery 5395 name badge labels: 8 labels of 3-3/8 x 2-1/3 in, 2 across and 4 down, pitch
        # 3.75 x 2.5 in from a 0.6875 in left and 0.59375 in top margin. Die-cut: no crop marks.
        Layout(
            "avery-5395",
            LETTER,
            (3.375 * INCH, 7 / 3 * INCH),
            _grid(
                LETTER,
                (3.375 * INCH, 7 / 3 * INCH),
                2,
                4,
                left=0.6875 * INCH,
                top=0.59375 * INCH,
                pitch=(3.75 * INCH, 2.5 * INCH),
            ),
            2,
            crop_marks=False,
            description="Avery 5395 adhesive name badge labels (8 per US Letter sheet)",
        ),
        Layout(
            "single-a6",
            (105, 148),
            (105, 148),
            ((0, 0),),
            1,
            crop_marks=False,
            description="one A6 badge per page, for a badge printer",
        ),
    )
}
