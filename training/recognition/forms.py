from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError


def _at_most(n: int) -> Length:
    return Length(max=n, message=f"Не длиннее {n} символов.")


class RuSelectField(SelectField):
    """A select whose wrong or missing value gets a Russian message."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            self.data = None

    def pre_validate(self, form):
        if self.data is None or all(str(self.data) != str(value) for value, *_ in self.iter_choices()):
            raise ValidationError("Выберите значение из списка.")


def _int_or_none(value):
    if value in (None, ""):
        return None
    return int(value)


class ContestForm(FlaskForm):
    scope = RuSelectField("Кто участвует", validators=[DataRequired(message="Выберите центр или подразделение.")])
    period = RuSelectField("Месяц", validators=[DataRequired(message="Выберите месяц.")])


class VoteForm(FlaskForm):
    nominee_id = RuSelectField("Коллега", coerce=_int_or_none)
    reason = TextAreaField("За что (необязательно)", validators=[Optional(), _at_most(300)])


class ThanksForm(FlaskForm):
    recipient_id = RuSelectField("Кому", coerce=_int_or_none)
    text = TextAreaField("За что спасибо", validators=[DataRequired(message="Напишите, за что спасибо."),
                                                       Length(min=3, max=500, message="От 3 до 500 символов.")])


class BadgeForm(FlaskForm):
    badge_id = RuSelectField("Знак отличия", coerce=_int_or_none)
    reason = StringField("Основание", validators=[DataRequired(message="Укажите основание."), _at_most(300)])


class FlagReviewForm(FlaskForm):
    note = TextAreaField("Вывод проверки", validators=[DataRequired(message="Запишите вывод проверки."), _at_most(500)])


class ClientVoteForm(FlaskForm):
    code = StringField("Код от специалиста", validators=[DataRequired(message="Введите код из 6 знаков."),
                                                         Length(min=6, max=12, message="Код — 6 знаков.")])
    comment = TextAreaField("Отзыв (необязательно)", validators=[Optional(), _at_most(300)])


class EmptyForm(FlaskForm):
    """CSRF only (closing a contest)."""
