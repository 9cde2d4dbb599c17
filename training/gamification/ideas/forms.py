"""Forms of ideas and projects."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, SelectField, StringField, TextAreaField, TimeField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from training.forms import RuIntegerField


class IdeaForm(FlaskForm):
    title = StringField("Идея в одной фразе", validators=[DataRequired("Назовите идею."), Length(max=200)])
    text = TextAreaField("Что изменить и что это даст клиентам",
                         validators=[DataRequired("Опишите идею."), Length(min=10, max=8000)])
    stress_item_id = SelectField("По записи «Стресс месяца»", default="")
    library_case_id = SelectField("По кейсу библиотеки", coerce=int, default=0)
    event_outcome_id = SelectField("По идее с мероприятия", coerce=int, default=0)


class DecisionForm(FlaskForm):
    decision = SelectField("Решение комитета", choices=[("accept", "Принять в проект"), ("decline", "Отклонить")])
    lead = StringField("Руководитель проекта: табельный номер или e-mail", validators=[Optional(), Length(max=254)])
    note = TextAreaField("Комментарий", validators=[Optional(), Length(max=2000)])


class MilestoneForm(FlaskForm):
    text = StringField("Этап", validators=[DataRequired("Опишите этап."), Length(max=300)])
    due_on = DateField("Срок", validators=[Optional()])


class MilestoneIdForm(FlaskForm):
    milestone_id = HiddenField(validators=[DataRequired()])


class MemberForm(FlaskForm):
    person = StringField("В команду: табельный номер или e-mail", validators=[DataRequired("Укажите коллегу."),
                                                                                Length(max=254)])


class FinishForm(FlaskForm):
    result = TextAreaField("Результат: что изменилось для клиентов",
                           validators=[DataRequired("Опишите результат."), Length(min=10, max=8000)])


class AssistForm(FlaskForm):
    title = StringField("С чем нужна помощь", validators=[DataRequired("Назовите задачу."), Length(max=200)])
    text = TextAreaField("Случай клиента и что уже пробовали",
                         validators=[DataRequired("Опишите случай."), Length(min=10, max=8000)])
    stress_item_id = SelectField("По записи «Стресс месяца»", default="")
    library_case_id = SelectField("По кейсу библиотеки", coerce=int, default=0)


class OfferForm(FlaskForm):
    text = TextAreaField("Каким опытом поделитесь", validators=[DataRequired("Напишите пару слов о своём опыте."),
                                                                 Length(min=5, max=1000)])


class OfferIdForm(FlaskForm):
    offer_id = HiddenField(validators=[DataRequired()])


class AssistSessionForm(FlaskForm):
    day = DateField("Дата встречи", validators=[InputRequired("Укажите дату.")])
    time = TimeField("Начало", validators=[InputRequired("Укажите время начала.")])
    duration_minutes = RuIntegerField("Продолжительность, мин", default=60,
                                    validators=[DataRequired("Укажите продолжительность."), NumberRange(5, 480)])
    place = StringField("Место", validators=[Optional(), Length(max=300)])
    video_url = StringField("Или ссылка на видеовстречу", validators=[Optional(), Length(max=500)])


class AgentForm(FlaskForm):
    person = StringField("Агент изменений: табельный номер или e-mail",
                         validators=[DataRequired("Укажите коллегу."), Length(max=254)])
    reason = StringField("За что (необязательно)", validators=[Optional(), Length(max=300)])


class AgentTaskForm(FlaskForm):
    text = StringField("Задача", validators=[DataRequired("Опишите задачу."), Length(max=300)])
    due_on = DateField("Срок", validators=[Optional()])


class AgentTaskIdForm(FlaskForm):
    task_id = HiddenField(validators=[DataRequired()])
