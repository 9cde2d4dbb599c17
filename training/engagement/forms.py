from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, Regexp

from training.engagement.models import CaseKind, CheckpointKind, MeasureStatus, QuestFormat


class RatingForm(FlaskForm):
    """The colleague card; the aspect scores come as ``aspect-<id>`` radio groups."""
    rated_id = IntegerField(validators=[DataRequired()])


class AspectForm(FlaskForm):
    name = StringField("Название", validators=[DataRequired("Укажите название."), Length(max=120)])
    code = StringField("Код", validators=[
        DataRequired("Укажите код."), Length(max=40),
        Regexp(r"^[a-z][a-z0-9_]*$", message="Латиница в нижнем регистре, цифры и «_».")])
    description = StringField("Пояснение для оценивающих", validators=[Length(max=500)])
    sort_order = IntegerField("Порядок", default=100, validators=[Optional(), NumberRange(0, 10000)])
    is_active = BooleanField("Используется", default=True)


class QuestForm(FlaskForm):
    title = StringField("Название", validators=[DataRequired("Укажите название."), Length(max=200)])
    format = SelectField("Формат", choices=[(f.value, f.label.capitalize()) for f in QuestFormat],
                         default=QuestFormat.QUEST.value)
    held_on = DateField("Дата проведения", validators=[Optional()])
    centre_id = SelectField("ЦЗН", coerce=int, default=0)
    description = TextAreaField("Описание и правила", validators=[Length(max=4000)])


class TeamForm(FlaskForm):
    name = StringField("Название команды", validators=[DataRequired("Укажите название."), Length(max=100)])
    member_ids = SelectMultipleField("Участники", coerce=int, validators=[Optional()])


class CheckpointForm(FlaskForm):
    title = StringField("Название точки", validators=[DataRequired("Укажите название."), Length(max=200)])
    kind = SelectField("Задание", choices=[(k.value, k.label.capitalize()) for k in CheckpointKind],
                       default=CheckpointKind.QUESTION.value)
    task = TextAreaField("Текст задания", validators=[Length(max=8000)])
    max_points = IntegerField("Максимум баллов", default=10,
                              validators=[DataRequired("Укажите максимум."), NumberRange(1, 1000, "От 1 до 1000.")])
    quiz_id = SelectField("Тест из банка (для «теста на время»)", coerce=int, default=0)
    instructor_ids = SelectMultipleField("Инструкторы", coerce=int, validators=[Optional()])


class ScoreForm(FlaskForm):
    team_id = IntegerField(validators=[DataRequired()])
    revision = IntegerField(default=0, validators=[Optional()])
    points = IntegerField("Баллы", validators=[InputRequired("Укажите баллы."), NumberRange(0, 1000, "От 0 до 1000.")])
    comment = StringField("Комментарий", validators=[Length(max=1000)])


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


class CommitteeForm(FlaskForm):
    user_id = SelectField("Сотрудник", coerce=int, validators=[DataRequired("Выберите сотрудника.")])
    is_chair = BooleanField("Председатель")


class HiddenIdForm(FlaskForm):
    item_id = HiddenField(validators=[DataRequired()])
