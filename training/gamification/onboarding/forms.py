"""Forms of onboarding."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from training.gamification.onboarding.models import MeetingRhythm


class PlanForm(FlaskForm):
    buddy = StringField("Наставник: табельный номер или e-mail (можно позже)", validators=[Optional(), Length(max=254)])
    rhythm = SelectField("Встречи с наставником", choices=[(r.value, r.label) for r in MeetingRhythm],
                         default=MeetingRhythm.WEEKLY.value)
    cohort_id = SelectField("Группа курса", coerce=int, default=0)
    event_id = SelectField("«Вечер-посвящение»", coerce=int, default=0)


class BuddyForm(FlaskForm):
    buddy = StringField("Наставник: табельный номер или e-mail", validators=[DataRequired("Укажите коллегу."),
                                                                               Length(max=254)])


class TaskForm(FlaskForm):
    text = StringField("Новое дело", validators=[DataRequired("Опишите, что сделать."), Length(max=300)])


class TaskIdForm(FlaskForm):
    task_id = HiddenField(validators=[DataRequired()])


class LogForm(FlaskForm):
    met_on = DateField("Когда встречались", validators=[DataRequired("Укажите дату.")])
    text = TextAreaField("О чём говорили, что договорились сделать",
                         validators=[DataRequired("Запишите, о чём говорили."), Length(max=4000)])


class CheckinForm(FlaskForm):
    milestone = HiddenField(validators=[DataRequired()])
    score = RadioField("Как идёт адаптация", choices=[(str(n), str(n)) for n in range(1, 6)],
                       validators=[DataRequired("Выберите оценку от 1 до 5.")])
    text = TextAreaField("Что получается, что мешает", validators=[Optional(), Length(max=2000)])
