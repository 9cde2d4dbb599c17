"""Forms of the pulse surveys."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from training.forms import RuIntegerField
from training.gamification.pulse.models import PulseSchedule


class SurveyForm(FlaskForm):
    title = StringField("Название", validators=[DataRequired("Назовите опрос."), Length(max=200)],
                        default="Пульс команды")
    centre_id = SelectField("Кого спрашиваем", coerce=int, default=0)
    question_ids = SelectMultipleField("Вопросы (не больше пяти, кроме eNPS)", coerce=int,
                                       option_widget=CheckboxInput(), widget=ListWidget(prefix_label=False))
    schedule = SelectField("Как часто", choices=[(s.value, s.label) for s in PulseSchedule],
                           default=PulseSchedule.ONCE.value)
    days_open = RuIntegerField("Сколько дней открыт", default=7,
                             validators=[DataRequired("Укажите число дней."),
                                         NumberRange(1, 31, "От 1 до 31 дня.")])


class ScoreField(RadioField):
    """0–10 radio buttons whose wrong or missing value gets a Russian message."""

    def pre_validate(self, form):
        if self.data not in {value for value, _ in self.choices}:
            raise ValidationError("Выберите оценку от 0 до 10.")


class AnswerForm(FlaskForm):
    enps = ScoreField("Насколько вероятно, что вы порекомендуете свой центр как место работы знакомому?",
                      choices=[(str(n), str(n)) for n in range(11)],
                      validators=[DataRequired("Выберите оценку от 0 до 10.")])
    proposal = TextAreaField("Что улучшить на рабочем месте или в зоне отдыха? (необязательно)",
                             validators=[Optional(), Length(max=1000, message="Не больше 1000 знаков.")])


class ReplyForm(FlaskForm):
    proposal_id = HiddenField(validators=[DataRequired()])
    reply = TextAreaField("Ответ", validators=[DataRequired("Напишите ответ."), Length(max=2000)])
