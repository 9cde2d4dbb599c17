"""Forms of «Стресс месяца»."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from training.gamification.stress.models import MeasureStatus


class StressForm(FlaskForm):
    text = TextAreaField("Что мешало работать с клиентами или вызвало больше всего стресса?",
                         validators=[DataRequired("Опишите ситуацию."), Length(min=5, max=1000)])
    centre_id = SelectField("Где это происходит", coerce=int, default=0)


class PublicStressForm(FlaskForm):
    text = TextAreaField("Что вам помешало или огорчило в центре занятости?",
                         validators=[DataRequired("Опишите ситуацию."), Length(min=5, max=1000)])
    website = StringField("Не заполняйте это поле")  # a honeypot for bots


class MeasureForm(FlaskForm):
    text = TextAreaField("Корректирующая мера", validators=[DataRequired("Опишите меру."), Length(max=4000)])
    item_id = SelectField("По записи", default="")
    owner_id = SelectField("Ответственный", coerce=int, validators=[DataRequired("Выберите ответственного.")])
    due_on = DateField("Срок", validators=[Optional()])
    status = SelectField("Статус", choices=[(s.value, s.label) for s in MeasureStatus],
                         default=MeasureStatus.PLANNED.value)


class MeasureStatusForm(FlaskForm):
    status = SelectField("Статус", choices=[(s.value, s.label) for s in MeasureStatus])
