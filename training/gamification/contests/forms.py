"""Forms of «Сотрудник месяца»."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from training.forms import RuSelectField, _at_most, _int_or_none


class ContestForm(FlaskForm):
    scope = RuSelectField("Кто участвует", validators=[DataRequired(message="Выберите центр или подразделение.")])
    period = RuSelectField("Месяц", validators=[DataRequired(message="Выберите месяц.")])


class VoteForm(FlaskForm):
    nominee_id = RuSelectField("Коллега", coerce=_int_or_none)
    reason = TextAreaField("За что (необязательно)", validators=[Optional(), _at_most(300)])


class FlagReviewForm(FlaskForm):
    note = TextAreaField("Вывод проверки", validators=[DataRequired(message="Запишите вывод проверки."), _at_most(500)])


class ClientVoteForm(FlaskForm):
    code = StringField("Код от специалиста", validators=[DataRequired(message="Введите код из 6 знаков."),
                                                         Length(min=6, max=12, message="Код — 6 знаков.")])
    comment = TextAreaField("Отзыв (необязательно)", validators=[Optional(), _at_most(300)])
