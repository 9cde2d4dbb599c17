"""Forms of the case library."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from training.gamification.library.models import CaseKind


class CaseForm(FlaskForm):
    kind = RadioField("Что это", choices=[(k.value, k.label.capitalize()) for k in CaseKind],
                      default=CaseKind.CASE.value)
    title = StringField("Заголовок", validators=[DataRequired("Укажите заголовок."), Length(max=200)])
    situation = TextAreaField("Ситуация", validators=[DataRequired("Опишите ситуацию."), Length(max=8000)])
    action = TextAreaField("Что сделали", validators=[DataRequired("Опишите, что сделали."), Length(max=8000)])
    result = TextAreaField("Результат", validators=[DataRequired("Опишите результат."), Length(max=8000)])
    client_group_id = SelectField("Группа клиентов", coerce=int, default=0)
    touchpoint_id = SelectField("Точка контакта", coerce=int, default=0)


class ModerationForm(FlaskForm):
    decision = RadioField("Решение", choices=[("publish", "Опубликовать"), ("return", "Вернуть автору")],
                          validators=[DataRequired("Выберите решение.")])
    comment = TextAreaField("Комментарий автору", validators=[Length(max=4000)])
