"""The course kit as files: the one-page «шпаргалка» of a block (PDF) and the templates of seeds/course/kit/*.yaml
(XLSX to fill in on a computer, PDF to print and fill in by hand).

Files are built deterministically (ReportLab's invariant mode, fixed dates and zip timestamps in XLSX), so the same
content always gives the same bytes: `flask seed course` adds a new version to the materials repository only when
the content changed. Fonts: DejaVu from training/static/fonts (Cyrillic), never a system font."""
from __future__ import annotations

import io
import re
import zipfile
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    KeepInFrame,
    ListFlowable,
    ListItem,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)
from svglib import fonts as svg_fonts

from training.pdf import paragraph_text

FONTS_DIR = Path(__file__).resolve().parent.parent / "static" / "fonts"
SANS, SANS_BOLD = "DejaVuSans", "DejaVuSans-Bold"
INK, MUTED, ACCENT, RULE = HexColor("#1f2a37"), HexColor("#4b5563"), HexColor("#0b5e5e"), HexColor("#9ca3af")
FIXED_TIME = datetime(2026, 1, 1)  # XLSX properties: the file's bytes depend on its content only
_registered = False


def register_fonts() -> None:
    """DejaVu Sans for ReportLab, and for svglib under the name the diagrams use («DejaVu Sans»), so drawing a
    diagram never looks for a system font."""
    global _registered
    if _registered:
        return
    pdfmetrics.registerFont(TTFont(SANS, str(FONTS_DIR / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont(SANS_BOLD, str(FONTS_DIR / "DejaVuSans-Bold.ttf")))
    pdfmetrics.registerFontFamily(SANS, normal=SANS, bold=SANS_BOLD, italic=SANS, boldItalic=SANS_BOLD)
    for family in ("DejaVu Sans", "sans-serif"):
        for weight, style, name in (("normal", "normal", SANS), ("bold", "normal", SANS_BOLD),
                                    ("normal", "italic", SANS), ("bold", "italic", SANS_BOLD)):
            svg_fonts.register_font(family, str(FONTS_DIR / f"{name}.ttf"), weight=weight, style=style,
                                    rlgFontName=name)
    _registered = True


def style(size: float, *, bold: bool = False, colour=INK, leading: float | None = None, **extra) -> ParagraphStyle:
    return ParagraphStyle(f"s{size}{bold}", fontName=SANS_BOLD if bold else SANS, fontSize=size,
                          leading=leading or size * 1.3, textColor=colour, **extra)


def text(value: str) -> str:
    """Plain text for a ReportLab paragraph (its markup is XML-like)."""
    return paragraph_text(value)


def bullets(items: list[str], paragraph_style: ParagraphStyle) -> ListFlowable:
    return ListFlowable([ListItem(Paragraph(text(i), paragraph_style), leftIndent=12) for i in items],
                        bulletType="bullet", bulletFontName=SANS, bulletFontSize=paragraph_style.fontSize,
                        leftIndent=12, bulletColor=ACCENT)


def _pdf(story: list, *, pagesize=A4, title: str, margins: float = 15 * mm) -> bytes:
    register_fonts()
    buffer = io.BytesIO()
    document = SimpleDocTemplate(buffer, pagesize=pagesize, leftMargin=margins, rightMargin=margins,
                                 topMargin=margins, bottomMargin=margins, title=title,
                                 author="Клиентоцентричность СЗН", creator="Клиентоцентричность СЗН", invariant=1)
    document.build(story)
    return buffer.getvalue()


# --- the block's cheat sheet ----------------------------------------------------------------------------------

def cheatsheet_pdf(*, course_title: str, number: int, title: str, takeaways: list[str], lines: list[str]) -> bytes:
    """One A4 page: the block, its takeaways and the lines a specialist keeps at the desk. Long content is scaled
    down to fit the page rather than spilling onto a second one."""
    register_fonts()
    width, height = A4[0] - 30 * mm, A4[1] - 30 * mm
    content = [
        Paragraph(text(f"Шпаргалка · блок {number}"), style(11, colour=ACCENT, bold=True)),
        Paragraph(text(title), style(18, bold=True, spaceBefore=2, spaceAfter=4)),
        Paragraph(text(course_title), style(9, colour=MUTED, spaceAfter=10)),
        Paragraph("Под рукой", style(13, bold=True, colour=ACCENT, spaceAfter=4)),
        bullets(lines, style(11, leading=15, spaceAfter=3)),
        Spacer(1, 10),
        Paragraph("Главные выводы", style(13, bold=True, colour=ACCENT, spaceAfter=4)),
        bullets(takeaways, style(10, leading=13.5, spaceAfter=3)),
    ]
    return _pdf([KeepInFrame(width, height, content, mode="shrink")], title=f"Шпаргалка: блок {number}")


# --- templates --------------------------------------------------------------------------------------------------

def template_pdf(spec: dict) -> bytes:
    """A printable form: each section's fields as rows with room to write by hand."""
    label_style, hint_style = style(10, bold=True), style(8, colour=MUTED)
    story = [Paragraph(text(spec["title"]), style(18, bold=True, spaceAfter=6)),
             Paragraph(text(spec.get("description", "")), style(10, colour=MUTED, spaceAfter=10))]
    for section in spec["sections"]:
        story.append(Paragraph(text(section["heading"]), style(13, bold=True, colour=ACCENT, spaceBefore=8,
                                                                spaceAfter=4)))
        rows = [[[Paragraph(text(f["label"]), label_style), Paragraph(text(f.get("hint", "")), hint_style)],
                 Spacer(1, 15 * mm)] for f in section["fields"]]  # room to write by hand
        table = Table(rows, colWidths=[62 * mm, None])
        table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.6, RULE), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                                   ("BACKGROUND", (0, 0), (0, -1), HexColor("#f3f6f8"))]))
        story.append(table)
    return _pdf(story, title=spec["title"])


def _stable_zip(data: bytes) -> bytes:
    """The same workbook with fixed timestamps inside the zip, so equal content gives equal bytes."""
    source = zipfile.ZipFile(io.BytesIO(data))
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME.timetuple()[:6])
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":  # openpyxl stamps «modified» with the time of saving
                content = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                                 rb"\g<1>" + FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ").encode() + rb"\g<2>", content)
            target.writestr(entry, content)
    return output.getvalue()


def template_xlsx(spec: dict) -> bytes:
    """The template as a sheet: field, hint, and an empty column for the answer."""
    workbook = Workbook()
    workbook.properties.creator = "Клиентоцентричность СЗН"
    workbook.properties.title = spec["title"]
    workbook.properties.created = workbook.properties.modified = FIXED_TIME
    sheet = workbook.active
    sheet.title = "Шаблон"
    wrap = Alignment(wrap_text=True, vertical="top")
    thin = Side(style="thin", color="9CA3AF")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    sheet.column_dimensions["A"].width, sheet.column_dimensions["B"].width = 34, 48
    sheet.column_dimensions["C"].width = 60
    sheet["A1"] = spec["title"]
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A2"] = spec.get("description", "")
    sheet["A2"].alignment = wrap
    sheet.merge_cells("A2:C2")
    sheet.row_dimensions[2].height = 75
    row = 4
    for section in spec["sections"]:
        sheet.cell(row, 1, section["heading"]).font = Font(bold=True, size=12, color="0B5E5E")
        for column, heading in ((1, "Поле"), (2, "Подсказка"), (3, "Ваш ответ")):
            cell = sheet.cell(row + 1, column, heading)
            cell.font, cell.border = Font(bold=True), box
            cell.fill = PatternFill("solid", fgColor="E5EEF2")
        row += 2
        for item in section["fields"]:
            for column, value in ((1, item["label"]), (2, item.get("hint", "")), (3, None)):
                cell = sheet.cell(row, column, value)
                cell.alignment, cell.border = wrap, box
            sheet.cell(row, 1).font = Font(bold=True)
            sheet.cell(row, 2).font = Font(italic=True, color="4B5563")
            sheet.row_dimensions[row].height = 45
            row += 1
        row += 1
    buffer = io.BytesIO()
    workbook.save(buffer)
    return _stable_zip(buffer.getvalue())
