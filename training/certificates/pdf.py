"""The printable document: A4 landscape PDF with an embedded Cyrillic font (DejaVu, shipped in
training/static/fonts with its licence) and a vector QR code of the verification URL.

Rendering is deterministic (ReportLab's ``invariant`` mode: no timestamps or random ids in the file), so the
same inputs always give the same bytes. Rendered files are cached on disk, addressed by the SHA-256 of
everything that goes onto the page (see :func:`cache_key`): a document is rendered on its first download and
served from ``instance/certificates/<aa>/<key>.pdf`` (or ``CERTIFICATE_PDF_CACHE_DIR``) afterwards. The cache
can be deleted at any time."""
from __future__ import annotations

import hashlib
import io
import json
import os
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

import segno
from flask import current_app
from reportlab.lib.colors import HexColor
from reportlab.lib.enums import TA_CENTER, TA_LEFT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph

from training.certificates.models import Certificate, KindTemplate
from training.certificates.services import local_date
from training.pdf import paragraph_text
from training.templating import gendered, quoted, ru_date

LAYOUT_VERSION = 3  # bump when the drawing changes: every cached file gets a new key
FONTS_DIR = Path(__file__).resolve().parent.parent / "static" / "fonts"
FONTS = {"CertSerif": "DejaVuSerif.ttf", "CertSerif-Bold": "DejaVuSerif-Bold.ttf", "CertSans": "DejaVuSans.ttf"}
PAGE_WIDTH, PAGE_HEIGHT = landscape(A4)
INK = HexColor("#1f2a37")
ACCENT = HexColor("#0b6e6e")
MUTED = HexColor("#5b6470")
_fonts_registered = False


def _register_fonts() -> None:
    global _fonts_registered
    if _fonts_registered:
        return
    for name, filename in FONTS.items():
        pdfmetrics.registerFont(TTFont(name, str(FONTS_DIR / filename)))
    _fonts_registered = True


@dataclass(frozen=True)
class PageData:
    """Everything printed on the page; its hash is the cache key."""

    template: str
    heading: str
    lead: str
    kind_name: str
    number: str
    holder_name: str
    title: str
    subtitle: str
    modules: list[str] = field(default_factory=list)
    completed_on: str = ""
    issued_on: str = ""
    expires_on: str = ""
    issuer_name: str = ""
    signatory_name: str = ""
    signatory_position: str = ""
    verification_url: str = ""


def page_data(certificate: Certificate, verification_url: str) -> PageData:

    return PageData(
        template=certificate.kind.template, heading=certificate.kind.heading, lead=certificate.kind.lead or "",
        kind_name=certificate.kind.name,
        number=certificate.number, holder_name=certificate.holder_name, title=certificate.title,
        subtitle=certificate.subtitle or "", modules=certificate.modules,
        completed_on=ru_date(certificate.completed_on) if certificate.completed_on else "",
        issued_on=ru_date(local_date(certificate.issued_at)),
        expires_on=ru_date(certificate.expires_on) if certificate.expires_on else "",
        issuer_name=certificate.issuer_name, signatory_name=certificate.signatory_name,
        signatory_position=certificate.signatory_position, verification_url=verification_url)


def cache_key(data: PageData) -> str:
    payload = json.dumps({"layout": LAYOUT_VERSION, **asdict(data)}, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(payload.encode()).hexdigest()


def cache_path(key: str) -> Path:
    root = current_app.config.get("CERTIFICATE_PDF_CACHE_DIR") or Path(current_app.instance_path) / "certificates"
    return Path(root) / key[:2] / f"{key}.pdf"


def cached_pdf(certificate: Certificate, verification_url: str) -> bytes:
    """The document's PDF: from the cache when rendered before, else rendered now and stored atomically."""
    data = page_data(certificate, verification_url)
    path = cache_path(cache_key(data))
    try:
        return path.read_bytes()
    except FileNotFoundError:
        pass
    pdf = render(data)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    with os.fdopen(handle, "wb") as out:
        out.write(pdf)
    os.replace(tmp, path)  # parallel renders write identical bytes; the last rename wins harmlessly
    return pdf


# --- drawing ------------------------------------------------------------------------------------------------

def _style(name: str, font: str, size: float, *, leading: float | None = None, align=TA_CENTER,
           color=INK) -> ParagraphStyle:
    return ParagraphStyle(name, fontName=font, fontSize=size, leading=leading or size * 1.2, alignment=align,
                          textColor=color)


def _paragraph(canvas: Canvas, text: str, style: ParagraphStyle, x: float, top: float, width: float,
               max_height: float | None = None) -> float:
    """Draw wrapped text whose top edge is at ``top``; shrinks the font until it fits. Returns the height."""
    size = style.fontSize
    while True:
        current = ParagraphStyle(style.name, parent=style, fontSize=size, leading=size * 1.2)
        para = Paragraph(paragraph_text(text), current)
        _, height = para.wrap(width, PAGE_HEIGHT)
        if max_height is None or height <= max_height or size <= 8:
            para.drawOn(canvas, x, top - height)
            return height
        size -= 1


def _fit_line(canvas: Canvas, text: str, font: str, size: float, max_width: float) -> float:
    while size > 8 and pdfmetrics.stringWidth(text, font, size) > max_width:
        size -= 0.5
    return size


def _centered(canvas: Canvas, text: str, font: str, size: float, y: float, color=INK,
              max_width: float = PAGE_WIDTH - 140) -> None:
    size = _fit_line(canvas, text, font, size, max_width)
    canvas.setFont(font, size)
    canvas.setFillColor(color)
    canvas.drawCentredString(PAGE_WIDTH / 2, y, text)


def _qr(canvas: Canvas, url: str, x: float, y: float, size: float) -> None:
    """A vector QR code (crisp at any print or scan resolution), quiet zone included."""
    code = segno.make(url, error="m", micro=False)
    rows = list(code.matrix_iter(scale=1, border=4))
    module = size / len(rows)
    canvas.setFillColorRGB(1, 1, 1)
    canvas.rect(x, y, size, size, stroke=0, fill=1)
    canvas.setFillColorRGB(0, 0, 0)
    path = canvas.beginPath()
    for r, row in enumerate(rows):
        top = y + size - (r + 1) * module
        start = None
        for c, dark in enumerate([*row, False]):
            if dark and start is None:
                start = c
            elif not dark and start is not None:
                path.rect(x + start * module, top, (c - start) * module, module)
                start = None
    canvas.drawPath(path, stroke=0, fill=1)


def render(data: PageData) -> bytes:
    _register_fonts()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(PAGE_WIDTH, PAGE_HEIGHT), invariant=1, pageCompression=1)
    canvas.setTitle(f"{data.heading} № {data.number}")
    canvas.setAuthor(data.issuer_name)
    canvas.setSubject(f"{data.kind_name}: {data.holder_name}")
    canvas.setCreator("Клиентоцентричность СЗН")

    # frame
    canvas.setStrokeColor(ACCENT)
    canvas.setLineWidth(3)
    canvas.rect(22, 22, PAGE_WIDTH - 44, PAGE_HEIGHT - 44)
    canvas.setLineWidth(0.8)
    canvas.rect(30, 30, PAGE_WIDTH - 60, PAGE_HEIGHT - 60)

    _centered(canvas, data.issuer_name, "CertSans", 12, PAGE_HEIGHT - 68, color=MUTED)
    _centered(canvas, data.heading.upper(), "CertSerif-Bold", 40, PAGE_HEIGHT - 122, color=ACCENT)
    _centered(canvas, f"№ {data.number}", "CertSans", 12, PAGE_HEIGHT - 146, color=MUTED)
    _centered(canvas, "Настоящим удостоверяется, что", "CertSerif", 14, PAGE_HEIGHT - 182)
    _centered(canvas, data.holder_name, "CertSerif-Bold", 28, PAGE_HEIGHT - 222)

    body_x, body_width = 90, PAGE_WIDTH - 180
    top = PAGE_HEIGHT - 250
    if data.template == KindTemplate.COURSE:
        _centered(canvas, gendered(data.lead or "успешно завершил(а) обучение по курсу", data.holder_name),
                  "CertSerif", 14, top - 4)
        top -= 14
        top -= _paragraph(canvas, quoted(data.title), _style("title", "CertSerif-Bold", 18), body_x, top,
                          body_width, max_height=48) + 8
        module_style = _style("module", "CertSans", 10.5, align=TA_LEFT)
        for module in data.modules[:4]:
            top -= _paragraph(canvas, f"• {module}", module_style, body_x + 60, top, body_width - 120,
                              max_height=28) + 2
        if data.completed_on:
            _centered(canvas, f"Дата завершения обучения: {data.completed_on}", "CertSerif", 13, top - 20)
    else:
        _centered(canvas, gendered(data.lead or "награждается за", data.holder_name), "CertSerif", 14, top - 4)
        top -= 14
        top -= _paragraph(canvas, quoted(data.title), _style("title", "CertSerif-Bold", 24), body_x, top,
                          body_width, max_height=64) + 10
        if data.subtitle:
            top -= _paragraph(canvas, data.subtitle, _style("subtitle", "CertSerif", 13), body_x, top, body_width,
                              max_height=52) + 4
        if data.completed_on:
            _centered(canvas, f"Дата: {data.completed_on}", "CertSerif", 13, top - 20)

    # signature (left), dates (left, below), QR (right)
    sign_x = 70
    if data.signatory_name:  # without a signatory no empty line is printed (HR is warned before issuing)
        canvas.setStrokeColor(INK)
        canvas.setLineWidth(0.6)
        canvas.line(sign_x, 118, sign_x + 220, 118)
        _paragraph(canvas, data.signatory_position or "Руководитель", _style("pos", "CertSans", 9.5, align=TA_LEFT,
                                                                              color=MUTED),
                   sign_x, 160, 300, max_height=36)
        canvas.setFont("CertSans", 11)
        canvas.setFillColor(INK)
        canvas.drawString(sign_x + 232, 122, data.signatory_name)
    canvas.setFont("CertSans", 9.5)
    canvas.setFillColor(MUTED)
    canvas.drawString(sign_x, 80, f"Дата выдачи: {data.issued_on}")
    canvas.drawString(sign_x, 66, f"Действителен до: {data.expires_on}" if data.expires_on else "Бессрочный")

    qr_size = 118
    qr_x, qr_y = PAGE_WIDTH - 60 - qr_size, 66
    _qr(canvas, data.verification_url, qr_x, qr_y, qr_size)
    canvas.setFillColor(MUTED)
    canvas.setFont("CertSans", 8)
    canvas.drawCentredString(qr_x + qr_size / 2, qr_y - 10, "Проверка подлинности:")
    url_size = _fit_line(canvas, data.verification_url, "CertSans", 7, 300)
    canvas.setFont("CertSans", url_size)
    canvas.drawRightString(qr_x + qr_size, qr_y - 21, data.verification_url)

    canvas.showPage()
    canvas.save()
    return buffer.getvalue()
