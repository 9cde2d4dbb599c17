"""Forms of operational data and IQS."""
from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import BooleanField, DateField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, Regexp

from training.forms import RuFloatField, RuIntegerField, RuSelectField


class OperationalImportForm(FlaskForm):
    centre_id = SelectField("ЦЗН", coerce=int, validators=[DataRequired("Выберите ЦЗН.")])
    period_start = DateField("Начало периода", validators=[InputRequired("Укажите начало периода.")])
    period_end = DateField("Конец периода", validators=[InputRequired("Укажите конец периода.")])
    file = FileField("Файл CSV или XLSX", validators=[
        FileRequired("Выберите файл."),
        FileAllowed(["csv", "xlsx", "txt"], "Поддерживаются только файлы CSV и XLSX."),
    ])


class IqsForm(FlaskForm):
    employee_id = SelectField("Сотрудник", coerce=int, validators=[DataRequired("Выберите сотрудника.")])
    conversation_date = DateField("Дата разговора", validators=[InputRequired("Укажите дату разговора.")])
    touchpoint_id = SelectField("Канал / точка контакта", coerce=int, validators=[Optional()])
    conversation_ref = StringField("Обращение (номер, тема)", validators=[Optional(), Length(max=200)])
    comment = TextAreaField("Комментарий для сотрудника", validators=[Optional(), Length(max=4000)])


class OptionalChoiceField(RuSelectField):
    """A select that may be left empty; a value off the list gets the Russian message."""

    def pre_validate(self, form):
        if self.data not in (None, ""):
            super().pre_validate(form)


class IqsCategoryForm(FlaskForm):
    code = StringField("Код (латиницей)", validators=[DataRequired("Укажите код."), Length(max=40),
                                                       Regexp(r"^[a-z][a-z0-9_]*$",
                                                              message="Латинские буквы, цифры, «_».")])
    name = StringField("Название", validators=[DataRequired("Укажите название."), Length(max=200)])
    description = TextAreaField("Что проверяем", validators=[Optional(), Length(max=2000)])
    weight = RuFloatField("Вес", validators=[InputRequired("Укажите вес."), NumberRange(0, 10, "От 0 до 10.")])
    is_critical = BooleanField("Критичная: провал обнуляет оценку")
    is_active = BooleanField("Действует", default=True)
    sort_order = RuIntegerField("Порядок", default=100, validators=[Optional()])
    competence = OptionalChoiceField("Доказательство компетенции",
                             description="Проверки по этой категории войдут в оценку выбранной компетенции "
                                         "сотрудника.")


class ComfortAuditForm(FlaskForm):
    centre_id = RuSelectField("ЦЗН", coerce=int)
    visited_on = DateField("Дата обхода", validators=[InputRequired("Укажите дату обхода.")])
    comment = TextAreaField("Что заметили", validators=[Optional(), Length(max=4000)])


class ComfortItemForm(FlaskForm):
    code = StringField("Код (латиницей)", validators=[DataRequired("Укажите код."), Length(max=40),
                                                       Regexp(r"^[a-z][a-z0-9_]*$",
                                                              message="Латинские буквы, цифры, «_».")])
    name = StringField("Что проверяем", validators=[DataRequired("Укажите, что проверяем."), Length(max=200)])
    area = RuSelectField("Где", choices=[("premises", "Помещение"), ("website", "Сайт")])
    weight = RuFloatField("Вес", validators=[InputRequired("Укажите вес."), NumberRange(0, 10, "От 0 до 10.")])
    is_critical = BooleanField("Критичный: если не выполнен, оценка обхода — 0")
    is_active = BooleanField("Действует", default=True)
    sort_order = RuIntegerField("Порядок", default=100, validators=[Optional()])
