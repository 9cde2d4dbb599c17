from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from training.forms import RuIntegerField
from training.gamification.quests.models import CheckpointKind, QuestFormat


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
    max_points = RuIntegerField("Максимум баллов", default=10,
                              validators=[DataRequired("Укажите максимум."), NumberRange(1, 1000, "От 1 до 1000.")])
    quiz_id = SelectField("Тест из банка (для «теста на время»)", coerce=int, default=0)
    instructor_ids = SelectMultipleField("Инструкторы", coerce=int, validators=[Optional()])


class ScoreForm(FlaskForm):
    team_id = RuIntegerField(validators=[DataRequired()])
    revision = RuIntegerField(default=0, validators=[Optional()])
    points = RuIntegerField("Баллы", validators=[InputRequired("Укажите баллы."),
                                                 NumberRange(0, 1000, "От 0 до 1000.")])
    comment = StringField("Комментарий", validators=[Length(max=1000)])
