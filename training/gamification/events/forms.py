"""Forms of the events: a format (HR), scheduling, feedback, outcomes, a programme, the service's setting."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from training.forms import RuIntegerField
from training.gamification.events.models import OutcomeKind


class FormatForm(FlaskForm):
    name = StringField("Название", validators=[DataRequired("Укажите название."), Length(max=120)])
    purpose = TextAreaField("Зачем", validators=[DataRequired("Опишите, зачем проводить."), Length(max=4000)])
    group_size = StringField("Сколько участников", validators=[Length(max=120)])
    duration_minutes = RuIntegerField("Продолжительность, мин", validators=[
        InputRequired("Укажите продолжительность."), NumberRange(5, 7 * 24 * 60, "От 5 минут до недели.")])
    timing = StringField("Хронометраж", validators=[Length(max=300)])
    roles = TextAreaField("Роли", validators=[Length(max=4000)])
    run_sheet = TextAreaField("Сценарий: строка — «минуты | шаг»", validators=[
        DataRequired("Добавьте хотя бы один шаг."), Length(max=20000)])
    record_after = TextAreaField("Что записать после", validators=[Length(max=4000)])
    open_to_clients = BooleanField("Открыто для клиентов")
    is_active = BooleanField("Показывать в каталоге")


class _WhenWhereForm(FlaskForm):
    """What scheduling and editing an event both ask: its title, when, how long and where."""
    title = StringField("Название", validators=[Length(max=200)])
    day = DateField("Дата", validators=[InputRequired("Укажите дату.")])
    time = TimeField("Начало", validators=[InputRequired("Укажите время начала.")])
    duration_minutes = RuIntegerField("Продолжительность, мин", validators=[
        InputRequired("Укажите продолжительность."), NumberRange(5, 7 * 24 * 60, "От 5 минут до недели.")])
    place = StringField("Место", validators=[Length(max=300)])
    video_url = StringField("Ссылка на видеовстречу", validators=[Length(max=500)])


class EventForm(_WhenWhereForm):
    centre_id = SelectField("Для кого: центр", coerce=int, default=0)
    department_id = SelectField("Отдел", coerce=int, default=0)
    open_to_clients = BooleanField("Открыто для клиентов")
    capacity = RuIntegerField("Мест (пусто — без ограничения)", validators=[
        Optional(), NumberRange(1, 10000, "От 1 до 10 000.")])
    programme_id = SelectField("Программа", coerce=int, default=0)
    speaker_ids = SelectMultipleField("Спикеры", coerce=int, default=[])
    moderator_ids = SelectMultipleField("Модераторы", coerce=int, default=[])
    description = TextAreaField("Описание", validators=[Length(max=8000)])


class EventEditForm(_WhenWhereForm):
    capacity = RuIntegerField("Мест (пусто — без ограничения)", validators=[
        Optional(), NumberRange(1, 10000, "От 1 до 10 000.")])
    description = TextAreaField("Описание", validators=[Length(max=8000)])


class FeedbackForm(FlaskForm):
    usefulness = RadioField("Насколько полезной была встреча?", coerce=int,
                            choices=[(n, str(n)) for n in range(1, 6)],
                            validators=[InputRequired("Выберите оценку от 1 до 5.")])
    takeaway = TextAreaField("Что вы возьмёте в работу?", validators=[Length(max=2000)])


class OutcomeForm(FlaskForm):
    kind = RadioField("Что записать", choices=[(k.value, k.label.capitalize()) for k in OutcomeKind],
                      default=OutcomeKind.IDEA.value, validators=[DataRequired("Выберите вид итога.")])
    text = TextAreaField("Текст", validators=[DataRequired("Опишите итог."), Length(max=4000)])
    owner_id = SelectField("Ответственный", coerce=int, default=0)
    due_on = DateField("Срок", validators=[Optional()])


class FinishForm(FlaskForm):
    summary = TextAreaField("Коротко: как прошло", validators=[Length(max=8000)])


class ProgrammeForm(FlaskForm):
    title = StringField("Название", default="Неделя клиентоцентричности",
                        validators=[DataRequired("Укажите название."), Length(max=200)])
    starts_on = DateField("Первый день", validators=[InputRequired("Укажите первый день.")])
    ends_on = DateField("Последний день", validators=[InputRequired("Укажите последний день.")])
    centre_id = SelectField("Центр", coerce=int, default=0)
    description = TextAreaField("О программе", validators=[Length(max=8000)])


class ProgrammeSummaryForm(FlaskForm):
    summary = TextAreaField("Итоги программы", validators=[Length(max=8000)])


class SettingsForm(FlaskForm):
    employees_may_organise = BooleanField("Любой сотрудник может назначать мероприятия")
