"""A block's slide deck as a PDF for a classroom or a webinar: A4 landscape, one slide per page, DejaVu fonts, the
diagrams drawn as vectors (svglib) with their text alternative beside them.

The deck itself (which slides, which points) is built from the lesson when the course is loaded
(:func:`training.courses.lesson_extras.build_slides`) and stored with the block; this module only draws it."""
from __future__ import annotations

import io

from reportlab.graphics.shapes import Drawing
from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Frame, KeepInFrame, Paragraph, Spacer
from svglib.svglib import svg2rlg

from training.courses.kit import ACCENT, MUTED, bullets, register_fonts, style, text

PAGE_WIDTH, PAGE_HEIGHT = landscape(A4)
MARGIN = 18 * mm
TITLE_BAND = 24 * mm
PAPER = HexColor("#ffffff")


def _drawing(svg: str) -> Drawing:
    register_fonts()
    return svg2rlg(io.BytesIO(svg.encode("utf-8")))


def _footer(canvas: Canvas, label: str, number: int, total: int) -> None:
    canvas.setFont("DejaVuSans", 9)
    canvas.setFillColor(MUTED)
    canvas.drawString(MARGIN, 10 * mm, label)
    canvas.drawRightString(PAGE_WIDTH - MARGIN, 10 * mm, f"{number} / {total}")


def _flow(canvas: Canvas, content: list, x: float, y: float, width: float, height: float) -> None:
    Frame(x, y, width, height, 0, 0, 0, 0, showBoundary=0).addFromList(
        [KeepInFrame(width, height, content, mode="shrink")], canvas)


def deck_pdf(*, course_title: str, number: int, slides: list[dict], diagrams: dict[str, dict]) -> bytes:
    register_fonts()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(PAGE_WIDTH, PAGE_HEIGHT), invariant=1)
    canvas.setTitle(f"Блок {number}. {slides[0]['title'] if slides else ''}")
    canvas.setAuthor("Клиентоцентричность СЗН")
    total = len(slides)
    body_width = PAGE_WIDTH - 2 * MARGIN
    for index, slide in enumerate(slides, start=1):
        if slide["kind"] == "title":
            content = [Paragraph(text(slide.get("subtitle", "")), style(20, bold=True, colour=ACCENT, spaceAfter=10)),
                       Paragraph(text(slide["title"]), style(32, bold=True, leading=40, spaceAfter=16))]
            content += [Paragraph(text(p), style(16, colour=MUTED, leading=22)) for p in slide["points"]]
            content += [Spacer(1, 14), Paragraph(text(course_title), style(12, colour=MUTED))]
            _flow(canvas, content, MARGIN, MARGIN + 10 * mm, body_width, PAGE_HEIGHT - 2 * MARGIN - 10 * mm)
        else:
            _flow(canvas, [Paragraph(text(slide["title"]), style(24, bold=True, leading=29))],
                  MARGIN, PAGE_HEIGHT - MARGIN - TITLE_BAND, body_width, TITLE_BAND)
            canvas.setStrokeColor(ACCENT)
            canvas.setLineWidth(2)
            canvas.line(MARGIN, PAGE_HEIGHT - MARGIN - TITLE_BAND - 3 * mm, PAGE_WIDTH - MARGIN,
                        PAGE_HEIGHT - MARGIN - TITLE_BAND - 3 * mm)
            top = PAGE_HEIGHT - MARGIN - TITLE_BAND - 8 * mm
            bottom = MARGIN + 6 * mm
            if slide["kind"] == "diagram":
                diagram = diagrams[slide["diagram"]]
                drawing = _drawing(diagram["svg"])
                scale = min((top - bottom) / drawing.height, (body_width * 0.55) / drawing.width)
                drawing.scale(scale, scale)
                drawing.width, drawing.height = drawing.width * scale, drawing.height * scale
                drawing.drawOn(canvas, MARGIN, bottom + (top - bottom - drawing.height) / 2)
                left = MARGIN + drawing.width + 10 * mm
                _flow(canvas, [Paragraph("Схема словами", style(14, bold=True, colour=ACCENT, spaceAfter=6)),
                               Paragraph(text(diagram["desc"]), style(14, leading=19))],
                      left, bottom, PAGE_WIDTH - MARGIN - left, top - bottom)
            else:
                size = 20 if len(slide["points"]) <= 3 else 18
                _flow(canvas, [bullets(slide["points"], style(size, leading=size * 1.3, spaceAfter=10))],
                      MARGIN, bottom, body_width, top - bottom)
        _footer(canvas, f"Блок {number} · {course_title}", index, total)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()
