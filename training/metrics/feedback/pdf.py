"""QR sheets and cards for the client feedback links of a centre."""
from __future__ import annotations

import io
from dataclasses import dataclass

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas

from training.pdf import draw_qr, register_fonts


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
