"""PDF output with reportlab: printable QR sheets for client feedback, and the weekly report.

Cyrillic needs a TTF font: training/static/fonts/ first, else Debian's DejaVu. QR codes are drawn as vector
squares from segno's matrix, so no image library is needed and the print stays sharp."""
from __future__ import annotations

from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import segno
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

STATIC_FONTS = Path(__file__).resolve().parent.parent / "static" / "fonts"
SYSTEM_FONTS = Path("/usr/share/fonts/truetype/dejavu")
REGULAR, BOLD = "MetricsSans", "MetricsSans-Bold"


def paragraph_text(value: Any) -> str:
    """Plain text for a reportlab ``Paragraph``, whose text is markup: names and any other data must go through
    here, or `<img src="…">` embeds a file from the server's disk and an unbalanced `<` breaks the document."""
    return escape(str(value))


def _font_path(name: str) -> Path | None:
    for folder in (STATIC_FONTS, SYSTEM_FONTS):
        path = folder / name
        if path.exists():
            return path
    return None


def register_fonts() -> tuple[str, str]:
    """Register the Cyrillic fonts once; returns (regular, bold) font names."""
    if REGULAR in pdfmetrics.getRegisteredFontNames():
        return REGULAR, BOLD
    regular = _font_path("DejaVuSans.ttf")
    if regular is None:
        raise RuntimeError("Нет шрифта с кириллицей: положите DejaVuSans.ttf в training/static/fonts/ "
                           "или установите fonts-dejavu-core.")
    bold = _font_path("DejaVuSans-Bold.ttf") or regular
    pdfmetrics.registerFont(TTFont(REGULAR, str(regular)))
    pdfmetrics.registerFont(TTFont(BOLD, str(bold)))
    return REGULAR, BOLD


def draw_qr(c: canvas.Canvas, data: str, x: float, y: float, size: float) -> None:
    """A QR code of ``data`` with its bottom-left corner at (x, y), ``size`` points wide (quiet zone included)."""
    qr = segno.make(data, error="m", micro=False)
    matrix = [list(row) for row in qr.matrix]
    border = 4
    modules = len(matrix) + 2 * border
    cell = size / modules
    c.setFillColorRGB(1, 1, 1)
    c.rect(x, y, size, size, stroke=0, fill=1)
    c.setFillColorRGB(0, 0, 0)
    for r, row in enumerate(matrix):
        for col, bit in enumerate(row):
            if bit:
                c.rect(x + (col + border) * cell, y + size - (r + border + 1) * cell, cell + 0.05, cell + 0.05,
                       stroke=0, fill=1)
