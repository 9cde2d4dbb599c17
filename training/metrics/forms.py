from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    FloatField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, Regexp

from training.metrics.feedback import CES_CHOICES, EXPECTATION_CHOICES
from training.metrics.scales import GROUPS


class FeedbackForm(FlaskForm):
    ces = RadioField("Насколько легко вам было решить свой вопрос?", choices=CES_CHOICES, coerce=int,
                     validators=[Optional()])
    expectations = RadioField("Оправдались ли ваши ожидания от обращения?", choices=EXPECTATION_CHOICES, coerce=int,
                              validators=[Optional()])
    recommend = RadioField("Насколько вероятно, что вы порекомендуете нас знакомым? (0 — точно нет, 10 — точно да)",
                           choices=[(i, str(i)) for i in range(11)], coerce=int, validators=[Optional()])
    comment = TextAreaField("Что нам улучшить? (необязательно)", validators=[Optional(), Length(max=2000)])
    contact_requested = BooleanField("Свяжитесь со мной")
    contact_name = StringField("Как к вам обращаться", validators=[Optional(), Length(max=200)])
    contact_phone = StringField("Телефон", validators=[Optional(), Length(max=40)])


class FollowUpForm(FlaskForm):
    contacted = BooleanField("Связались с клиентом")
    contact_impossible = BooleanField("Связаться невозможно: клиент не оставил контактов")
    apologised = BooleanField("Принесли извинения за доставленные неудобства")
    notes = TextAreaField("Что выяснили", validators=[Optional(), Length(max=4000)])
    resolution = TextAreaField("Решение: чем закончилось обращение", validators=[Optional(), Length(max=4000)])
    corrective_measure = TextAreaField("Что изменим, чтобы ситуация не повторилась (необязательно)",
                                       validators=[Optional(), Length(max=4000)])
    save = SubmitField("Сохранить")
    close = SubmitField("Закрыть задачу")


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


class IqsCategoryForm(FlaskForm):
    code = StringField("Код (латиницей)", validators=[DataRequired("Укажите код."), Length(max=40),
                                                       Regexp(r"^[a-z][a-z0-9_]*$",
                                                              message="Латинские буквы, цифры, «_».")])
    name = StringField("Название", validators=[DataRequired("Укажите название."), Length(max=200)])
    description = TextAreaField("Что проверяем", validators=[Optional(), Length(max=2000)])
    weight = FloatField("Вес", validators=[InputRequired("Укажите вес."), NumberRange(0, 10, "От 0 до 10.")])
    is_critical = BooleanField("Критичная: провал обнуляет оценку")
    is_active = BooleanField("Действует", default=True)
    sort_order = IntegerField("Порядок", default=100, validators=[Optional()])


class WeightSetForm(FlaskForm):
    service_id = SelectField("СЗН", coerce=int)
    effective_from = DateField("Действует с", validators=[InputRequired("Укажите дату.")])
    label = StringField("Название набора", validators=[Optional(), Length(max=200)])


for _key, _title in GROUPS.items():
    setattr(WeightSetForm, f"w_{_key}", FloatField(f"{_title}, %", validators=[
        InputRequired("Укажите вес."), NumberRange(0, 100, "От 0 до 100.")]))


class CompetenceWeightForm(FlaskForm):
    """Competence weights of a service from a date; one number field per key of the flat weight set
    (``block:…``, ``competence:…``, ``evidence:…:…``), named by :func:`competence_weight_field`."""

    service_id = SelectField("СЗН", coerce=int)
    effective_from = DateField("Действует с", validators=[InputRequired("Укажите дату.")])
    label = StringField("Название набора", validators=[Optional(), Length(max=200)])


def competence_weight_field(key: str) -> str:
    return "w__" + key.replace(":", "__")


def _competence_weight_label(key: str) -> str:
    from training.metrics.competence import BLOCK_TITLES, COMPETENCES, EVIDENCE_TITLES

    parts = key.split(":")
    if parts[0] == "block":
        return BLOCK_TITLES[parts[1]]
    if parts[0] == "competence":
        return COMPETENCES[parts[1]][1]
    return f"{COMPETENCES[parts[1]][1]}: {EVIDENCE_TITLES[parts[2]].lower()}"


def _add_competence_weight_fields() -> None:
    from training.metrics.competence import WEIGHT_KEYS

    for key in WEIGHT_KEYS:
        validators = [InputRequired("Укажите вес."), NumberRange(0, 100, "От 0 до 100.")]
        setattr(CompetenceWeightForm, competence_weight_field(key),
                FloatField(_competence_weight_label(key), validators=validators))


_add_competence_weight_fields()
