"""Printable paper forms: the QR form's questions on A4, one sheet per page, each with its own code (typed once)."""
from __future__ import annotations

import io
from dataclasses import dataclass

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas

from training.metrics.feedback.aspects import CSI_PARAMETERS
from training.metrics.feedback.forms import FeedbackForm
from training.metrics.feedback.pdf import _wrap
from training.metrics.feedback.services import CES_CHOICES, EXPECTATION_CHOICES, SATISFACTION_CHOICES
from training.pdf import register_fonts


@dataclass(frozen=True)
class PaperForm:
    code: str  # as printed: «ABCD-EFGH»
    centre: str
    specialist: str | None
    module: str  # the fourth question: "specialist", "centre" or "csi"


def _label(field) -> str:
    return str(field.kwargs.get("label") or field.args[0])


def _questions(module: str) -> list[tuple[str, list[tuple[int, str]]]]:
    unbound = FeedbackForm
    questions = [(_label(unbound.ces), CES_CHOICES), (_label(unbound.expectations), EXPECTATION_CHOICES),
                 ("Насколько вероятно, что вы порекомендуете нас знакомым?", [(i, str(i)) for i in range(11)])]
    if module == "centre":
        questions.append((_label(unbound.csat), SATISFACTION_CHOICES))
    elif module == "specialist":
        questions.append((_label(unbound.specialist_satisfaction), SATISFACTION_CHOICES))
    return questions


def _csi_question(c: canvas.Canvas, number: int, left: float, width: float, cursor: float, regular: str,
                  bold: str) -> float:
    """The CSI module: each parameter of the centre with five boxes, 1 (плохо) … 5 (отлично)."""
    c.setFont(bold, 11.5)
    for line in _wrap(c, f"{number}. Насколько вы довольны центром? Оцените каждый пункт от 1 (плохо) до 5 "
                         "(отлично)", bold, 11.5, width):
        c.drawString(left, cursor, line)
        cursor -= 15
    boxes_x = left + width - 5 * 30
    for parameter in CSI_PARAMETERS:
        c.setFont(regular, 10.5)
        c.drawString(left, cursor, parameter.name)
        c.setFont(regular, 8)
        c.setFillColorRGB(0.35, 0.4, 0.44)
        hint = _wrap(c, parameter.hint, regular, 8, boxes_x - left - 8)
        c.drawString(left, cursor - 10, hint[0] if hint else "")
        c.setFillColorRGB(0.1, 0.12, 0.14)
        c.setFont(regular, 10.5)
        for value in range(1, 6):
            x = boxes_x + (value - 1) * 30
            c.rect(x, cursor - 2, 10, 10, stroke=1, fill=0)
            c.drawString(x + 13, cursor, str(value))
        cursor -= 26
    return cursor - 6


def paper_forms_pdf(forms: list[PaperForm]) -> bytes:
    regular, bold = register_fonts()
    buffer = io.BytesIO()
    c = canvas.Canvas(buffer, pagesize=A4)
    c.setTitle("Анкеты для отзывов клиентов")
    page_w, page_h = A4
    left, width = 18 * mm, page_w - 36 * mm
    for form in forms:
        top = page_h - 18 * mm
        c.setFillColorRGB(0.04, 0.36, 0.68)
        c.setFont(bold, 20)
        c.drawString(left, top, "Оцените нашу работу")
        c.setFillColorRGB(0.1, 0.12, 0.14)
        c.setFont(bold, 12)
        c.drawRightString(left + width, top + 2, f"Код анкеты: {form.code}")
        cursor = top - 8 * mm
        c.setFont(regular, 11)
        for line in _wrap(c, form.centre + (f" · {form.specialist}" if form.specialist else ""), regular, 11,
                          width):
            c.drawString(left, cursor, line)
            cursor -= 14
        c.setFont(regular, 10)
        for line in _wrap(c, "Отметьте один вариант в каждом вопросе. Все вопросы необязательны; анкета анонимная. "
                             "Опустите её в ящик для отзывов или отдайте администратору.", regular, 10, width):
            c.drawString(left, cursor, line)
            cursor -= 13
        cursor -= 4 * mm
        for number, (title, choices) in enumerate(_questions(form.module), start=1):
            c.setFont(bold, 11.5)
            for line in _wrap(c, f"{number}. {title}", bold, 11.5, width):
                c.drawString(left, cursor, line)
                cursor -= 15
            c.setFont(regular, 10.5)
            x = left
            row_gap = 21
            for value, label in choices:
                text_w = c.stringWidth(label, regular, 10.5) + 24
                if x + text_w > left + width:
                    x, cursor = left, cursor - row_gap
                c.rect(x, cursor - 2, 10, 10, stroke=1, fill=0)
                c.drawString(x + 14, cursor, label)
                if len(choices) <= 5:  # the number the operator types, small and grey
                    c.setFillColorRGB(0.55, 0.58, 0.6)
                    c.setFont(regular, 7)
                    c.drawString(x + 14 + c.stringWidth(label, regular, 10.5) + 2, cursor + 5, str(value))
                    c.setFillColorRGB(0.1, 0.12, 0.14)
                    c.setFont(regular, 10.5)
                x += text_w + 8
            cursor -= row_gap + 14
        if form.module == "csi":
            cursor = _csi_question(c, 4, left, width, cursor, regular, bold)
        c.setFont(bold, 11.5)
        c.drawString(left, cursor, "5. Что нам улучшить?")
        cursor -= 10 * mm
        c.setStrokeColorRGB(0.7, 0.72, 0.74)
        for _ in range(5):
            c.line(left, cursor, left + width, cursor)
            cursor -= 9 * mm
        c.setStrokeColorRGB(0, 0, 0)
        c.setFont(regular, 8)
        c.setFillColorRGB(0.35, 0.4, 0.44)
        c.drawString(left, 12 * mm, "Не пишите фамилию и телефон: анкета анонимная. Каждый лист вносится один раз, "
                                    f"по его коду {form.code}.")
        c.showPage()
    if not forms:
        c.setFont(regular, 14)
        c.drawString(20 * mm, page_h - 30 * mm, "Нет анкет для печати.")
        c.showPage()
    c.save()
    return buffer.getvalue()
