"""Forms of «Стресс месяца»."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from training.gamification.stress.models import PUBLIC_TEXT_MAX, MeasureStatus

PUBLIC_TEXT_LABEL = "Для клиентов: что изменилось (необязательно)"
#: Said next to every «Для клиентов» field: where the text goes, and what it must not contain.
PUBLIC_TEXT_RULE = "Пишите для клиента и не называйте людей: ни сотрудников, ни клиентов."
PUBLIC_TEXT_HINT = ("Клиенты увидят этот текст на странице «Спасибо за отзыв», когда мера будет выполнена. "
                    f"{PUBLIC_TEXT_RULE} Пусто — мера клиентам не показывается.")
PUBLIC_TEXT_TOO_LONG = f"Текст для клиентов — не длиннее {PUBLIC_TEXT_MAX} символов."


def _public_text_field() -> TextAreaField:
    return TextAreaField(PUBLIC_TEXT_LABEL, validators=[Length(max=PUBLIC_TEXT_MAX, message=PUBLIC_TEXT_TOO_LONG)],
                         render_kw={"rows": 2, "maxlength": PUBLIC_TEXT_MAX})


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
    public_text = _public_text_field()


class MeasurePublicForm(FlaskForm):
    public_text = _public_text_field()


class MeasureStatusForm(FlaskForm):
    status = SelectField("Статус", choices=[(s.value, s.label) for s in MeasureStatus])
