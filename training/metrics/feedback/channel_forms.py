"""Forms of the other channels: an answer typed by staff, a batch of paper forms, printing sheets, a media mention."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DateField, RadioField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from training.forms import RuIntegerField, RuSelectField
from training.metrics.feedback.channel_models import MentionTone
from training.metrics.feedback.models import STAFF_CHANNELS
from training.metrics.feedback.services import CES_CHOICES, EXPECTATION_CHOICES, SATISFACTION_CHOICES

NOBODY = 0  # «не о конкретном специалисте» / «без точки контакта» in the selects


class RuDateField(DateField):
    """A date whose wrong value gets a Russian message (the browser's date picker sends ГГГГ-ММ-ДД)."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as exc:
            raise ValueError("Укажите дату, например 07.12.2026.") from exc


def _at_most(n: int) -> Length:
    return Length(max=n, message=f"Не длиннее {n} символов.")


class StaffAnswerForm(FlaskForm):
    """The client's answers as the QR form asks them, plus where they came from."""

    centre_id = RuSelectField("ЦЗН", coerce=int)
    channel = RuSelectField("Канал", choices=[(c.value, c.label) for c in STAFF_CHANNELS])
    sheet_code = StringField("Код анкеты (для бумажной)", validators=[Optional(), _at_most(20)])
    employee_id = RuSelectField("Специалист, о котором ответ", coerce=int)
    touchpoint_id = RuSelectField("Точка контакта", coerce=int)
    answered_on = RuDateField("Дата ответа клиента", validators=[Optional()])
    ces = RadioField("Насколько легко было решить вопрос?", choices=CES_CHOICES, coerce=int, validators=[Optional()])
    expectations = RadioField("Оправдались ли ожидания?", choices=EXPECTATION_CHOICES, coerce=int,
                              validators=[Optional()])
    recommend = RadioField("Готовность рекомендовать (0 — точно нет, 10 — точно да)",
                           choices=[(i, str(i)) for i in range(11)], coerce=int, validators=[Optional()])
    specialist_satisfaction = RadioField("Довольны ли работой специалиста?", choices=SATISFACTION_CHOICES,
                                         coerce=int, validators=[Optional()])
    csat = RadioField("Довольны ли обслуживанием в центре в целом?", choices=SATISFACTION_CHOICES, coerce=int,
                      validators=[Optional()])
    comment = TextAreaField("Что клиент предложил улучшить", validators=[Optional(), _at_most(2000)])


class BatchForm(FlaskForm):
    centre_id = RuSelectField("ЦЗН", coerce=int)
    answered_on = RuDateField("Дата анкет", validators=[Optional()])
    lines = TextAreaField("Строки анкет", validators=[InputRequired("Вставьте строки анкет."), _at_most(200_000)])


class SheetsForm(FlaskForm):
    count = RuIntegerField("Сколько листов", validators=[InputRequired("Укажите, сколько листов напечатать.")])
    employee_id = RuSelectField("Для специалиста (необязательно)", coerce=int)


class MentionForm(FlaskForm):
    mentioned_on = RuDateField("Дата публикации", validators=[InputRequired("Укажите дату публикации.")])
    source = StringField("Источник (издание, сообщество, канал)",
                         validators=[InputRequired("Укажите источник."), _at_most(200)])
    url = StringField("Ссылка", validators=[Optional(), _at_most(500)])
    tone = RuSelectField("Тональность", choices=[(t.value, t.label) for t in MentionTone])
    centre_id = RuSelectField("ЦЗН (если упомянут конкретный)", coerce=int)
    note = TextAreaField("Заметка", validators=[Optional(), _at_most(2000)])
