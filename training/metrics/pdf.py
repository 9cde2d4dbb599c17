"""PDF output with reportlab: printable QR sheets for client feedback, and the weekly report.

Cyrillic needs a TTF font: training/static/fonts/ first, else Debian's DejaVu. QR codes are drawn as vector
squares from segno's matrix, so no image library is needed and the print stays sharp."""
from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import segno
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

STATIC_FONTS = Path(__file__).resolve().parent.parent / "static" / "fonts"
SYSTEM_FONTS = Path("/usr/share/fonts/truetype/dejavu")
REGULAR, BOLD = "MetricsSans", "MetricsSans-Bold"


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


@dataclass(frozen=True)
class Sheet:
    url: str
    centre: str
    touchpoint: str | None
    specialist: str | None


def _wrap(c: canvas.Canvas, text: str, font: str, size: float, width: float) -> list[str]:
    words, lines, line = text.split(), [], ""
    for word in words:
        candidate = f"{line} {word}".strip()
        if c.stringWidth(candidate, font, size) <= width:
            line = candidate
        else:
            if line:
                lines.append(line)
            line = word
    if line:
        lines.append(line)
    return lines


def qr_sheets_pdf(sheets: list[Sheet], *, cards: bool = False) -> bytes:
    """One A4 poster per link, or (``cards``) four cut-out cards per page for specialists' desks."""
    regular, bold = register_fonts()
    buffer = io.BytesIO()
    c = canvas.Canvas(buffer, pagesize=A4)
    c.setTitle("QR-коды для отзывов клиентов")
    page_w, page_h = A4
    if not cards:
        for sheet in sheets:
            _poster(c, sheet, 0, 0, page_w, page_h, regular, bold, scale=1.0)
            c.showPage()
    else:
        slots = [(0, page_h / 2), (page_w / 2, page_h / 2), (0, 0), (page_w / 2, 0)]
        for index, sheet in enumerate(sheets):
            x, y = slots[index % 4]
            _poster(c, sheet, x, y, page_w / 2, page_h / 2, regular, bold, scale=0.5)
            c.setDash(3, 3)
            c.setStrokeColorRGB(0.6, 0.6, 0.6)
            c.rect(x + 2, y + 2, page_w / 2 - 4, page_h / 2 - 4, stroke=1, fill=0)
            c.setDash()
            if index % 4 == 3 or index == len(sheets) - 1:
                c.showPage()
    if not sheets:
        c.setFont(regular, 14)
        c.drawString(20 * mm, page_h - 30 * mm, "Нет ссылок для печати.")
        c.showPage()
    c.save()
    return buffer.getvalue()


def _poster(c, sheet: Sheet, x0: float, y0: float, w: float, h: float, regular: str, bold: str, scale: float) -> None:
    margin = 18 * mm * scale
    cursor = y0 + h - margin - 28 * scale
    c.setFillColorRGB(0.04, 0.36, 0.68)
    c.setFont(bold, 30 * scale)
    for line in _wrap(c, "Оцените нашу работу", bold, 30 * scale, w - 2 * margin):
        c.drawCentredString(x0 + w / 2, cursor, line)
        cursor -= 36 * scale
    c.setFillColorRGB(0.1, 0.12, 0.14)
    c.setFont(regular, 16 * scale)
    for line in _wrap(c, "Это займёт одну минуту. Мы читаем каждый отзыв.", regular, 16 * scale, w - 2 * margin):
        c.drawCentredString(x0 + w / 2, cursor, line)
        cursor -= 22 * scale
    size = min(w - 2 * margin, 120 * mm * scale)
    qr_y = cursor - 8 * mm * scale - size
    draw_qr(c, sheet.url, x0 + (w - size) / 2, qr_y, size)
    cursor = qr_y - 12 * mm * scale
    c.setFont(bold, 15 * scale)
    for line in _wrap(c, sheet.centre, bold, 15 * scale, w - 2 * margin):
        c.drawCentredString(x0 + w / 2, cursor, line)
        cursor -= 20 * scale
    c.setFont(regular, 14 * scale)
    details = [d for d in (sheet.touchpoint, sheet.specialist) if d]
    for detail in details:
        for line in _wrap(c, detail, regular, 14 * scale, w - 2 * margin):
            c.drawCentredString(x0 + w / 2, cursor, line)
            cursor -= 19 * scale
    c.setFont(regular, 9 * scale if scale < 1 else 10)
    c.setFillColorRGB(0.35, 0.4, 0.44)
    c.drawCentredString(x0 + w / 2, y0 + margin / 2 + 4, sheet.url)
