from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, RadioField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from training.forms import RuIntegerField


class CohortForm(FlaskForm):
    name = StringField("Название группы", validators=[DataRequired("Укажите название."), Length(max=200)])
    start_date = DateField("Дата начала", validators=[DataRequired("Укажите дату начала (ДД.ММ.ГГГГ).")])
    months = RuIntegerField("Срок, календарных месяцев", default=3,
                          validators=[DataRequired("Укажите срок."), NumberRange(1, 3, "Срок — от 1 до 3 месяцев.")])
    is_sequential = BooleanField("Блоки строго по порядку")
    teacher_ids = SelectMultipleField("Преподаватели", coerce=int, validators=[Optional()])


class CohortEditForm(FlaskForm):
    name = StringField("Название группы", validators=[DataRequired("Укажите название."), Length(max=200)])
    is_sequential = BooleanField("Блоки строго по порядку")
    is_auto_certificate = BooleanField("Выдавать сертификаты автоматически по завершении курса")
    teacher_ids = SelectMultipleField("Преподаватели", coerce=int, validators=[Optional()])


class EnrolForm(FlaskForm):
    mode = RadioField("Кого записать", choices=[("people", "Отдельных сотрудников"),
                                                ("department", "Всё подразделение"), ("centre", "Весь ЦЗН")],
                      default="people")
    user_ids = SelectMultipleField("Сотрудники", coerce=int, validators=[Optional()])
    department_id = SelectField("Подразделение", coerce=int, validators=[Optional()])
    centre_id = SelectField("ЦЗН", coerce=int, validators=[Optional()])


class QuestionForm(FlaskForm):
    text = TextAreaField("Вопрос преподавателю", validators=[DataRequired("Напишите вопрос."), Length(max=4000)])


class DiscussionForm(FlaskForm):
    text = TextAreaField("Сообщение группе", validators=[DataRequired("Напишите сообщение."), Length(max=4000)])


class AnswerForm(FlaskForm):
    answer = TextAreaField("Ответ", validators=[DataRequired("Напишите ответ."), Length(max=8000)])


class CaseAnswerForm(FlaskForm):
    answer = TextAreaField("Ваш ответ", validators=[DataRequired("Напишите ответ."), Length(max=20000)])


class CaseTemplateForm(FlaskForm):
    """The answer template's fields (t-0, t-1, …) are read by the view: their number comes from the case."""


class CaseGradeForm(FlaskForm):
    decision = RadioField("Решение", choices=[("accept", "Принять"), ("return", "Вернуть на доработку")],
                          validators=[DataRequired("Выберите решение.")])
    comment = TextAreaField("Комментарий для слушателя", validators=[Length(max=8000)])
