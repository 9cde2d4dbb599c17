"""Printable client-vote sheets (PDF, one A4 page per employee) and QR pictures for the window screen."""
from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import segno
from flask import current_app
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

SYSTEM_FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")


def find_font(filename: str = "DejaVuSans.ttf") -> Path | None:
    """A TTF with Cyrillic: the app's own copy in static/fonts first, then Debian's fonts-dejavu."""
    candidates = [Path(current_app.static_folder or "") / "fonts" / filename, SYSTEM_FONT_DIR / filename]
    return next((path for path in candidates if path.is_file()), None)


def _fonts() -> tuple[str, str]:
    """Register and return (regular, bold) font names; bold falls back to regular."""
    names = []
    for name, filename in (("RecognitionSans", "DejaVuSans.ttf"), ("RecognitionSans-Bold", "DejaVuSans-Bold.ttf")):
        if name not in pdfmetrics.getRegisteredFontNames():
            path = find_font(filename)
            if path is None:
                names.append(None)
                continue
            pdfmetrics.registerFont(TTFont(name, str(path)))
        names.append(name)
    regular, bold = names
    if regular is None:
        raise RuntimeError("Не найден шрифт с кириллицей (DejaVuSans.ttf): установите fonts-dejavu-core "
                           "или положите шрифт в training/static/fonts/.")
    return regular, bold or regular


@dataclass
class SheetEntry:
    name: str
    position: str
    place: str
    url: str


def _draw_qr(pdf: canvas.Canvas, data: str, x: float, y: float, size: float) -> None:
    """Vector QR: one rectangle per run of dark modules, with the quiet zone included in ``size``."""
    qr = segno.make(data, error="m")
    border = 4
    matrix = list(qr.matrix)
    count = len(matrix) + 2 * border
    module = size / count
    pdf.setFillColorRGB(0, 0, 0)
    for row_index, row in enumerate(matrix):
        top = y + size - (row_index + border + 1) * module
        col = 0
        while col < len(row):
            if row[col]:
                start = col
                while col < len(row) and row[col]:
                    col += 1
                pdf.rect(x + (start + border) * module, top, (col - start) * module, module, stroke=0, fill=1)
            else:
                col += 1


def _wrap(pdf: canvas.Canvas, text: str, font: str, size: float, width: float) -> list[str]:
    lines, line = [], ""
    for word in text.split():
        candidate = f"{line} {word}".strip()
        if pdf.stringWidth(candidate, font, size) <= width or not line:
            line = candidate
        else:
            lines.append(line)
            line = word
    if line:
        lines.append(line)
    return lines


def vote_sheets_pdf(entries: list[SheetEntry]) -> bytes:
    regular, bold = _fonts()
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    pdf.setTitle("Голосование клиентов: «Сотрудник месяца»")
    width, height = A4
    for entry in entries:
        centre_x = width / 2
        pdf.setFont(bold, 24)
        pdf.drawCentredString(centre_x, height - 30 * mm, "Вам понравилось, как вас обслужили?")
        pdf.setFont(regular, 15)
        pdf.drawCentredString(centre_x, height - 41 * mm, "Отдайте голос специалисту в конкурсе «Сотрудник месяца»")
        y = height - 58 * mm
        pdf.setFont(bold, 20)
        for line in _wrap(pdf, entry.name, bold, 20, width - 40 * mm):
            pdf.drawCentredString(centre_x, y, line)
            y -= 9 * mm
        pdf.setFont(regular, 13)
        for line in _wrap(pdf, ", ".join(p for p in (entry.position, entry.place) if p), regular, 13, width - 40 * mm):
            pdf.drawCentredString(centre_x, y, line)
            y -= 6 * mm
        qr_size = 110 * mm
        qr_y = y - 6 * mm - qr_size
        _draw_qr(pdf, entry.url, centre_x - qr_size / 2, qr_y, qr_size)
        y = qr_y - 10 * mm
        pdf.setFont(regular, 13)
        for step in ("1. Наведите камеру телефона на QR-код.",
                     "2. Введите код из 6 знаков — его покажет или назовёт специалист.",
                     "3. Нажмите «Голосую». Можно оставить короткий отзыв."):
            pdf.drawString(30 * mm, y, step)
            y -= 7 * mm
        y -= 3 * mm
        pdf.setFont(regular, 10)
        pdf.setFillColorRGB(0.3, 0.3, 0.3)
        for line in _wrap(pdf, "Голосование анонимное: мы не спрашиваем имя, телефон и другие личные данные. "
                               f"Адрес страницы: {entry.url}", regular, 10, width - 60 * mm):
            pdf.drawString(30 * mm, y, line)
            y -= 5 * mm
        pdf.setFillColorRGB(0, 0, 0)
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def qr_svg_data_uri(data: str) -> str:
    """A QR picture for an <img src> (the CSP allows data: images)."""
    return segno.make(data, error="m").svg_data_uri(scale=6, border=2)
