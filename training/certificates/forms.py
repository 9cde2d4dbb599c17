from flask_wtf import FlaskForm
from wtforms import EmailField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, Optional


class RevokeForm(FlaskForm):
    reason = TextAreaField("Причина отзыва", validators=[DataRequired("Укажите причину отзыва."),
                                                         Length(min=5, max=1000, message="От 5 до 1000 символов.")])


class ReissueForm(FlaskForm):
    reason = StringField("Основание перевыпуска", default="смена ФИО",
                         validators=[DataRequired("Укажите основание."), Length(max=200)])


class IssueForm(FlaskForm):
    """Issue to the enrolments ticked in the list (or to all who are due, with the «all» button)."""

    enrolment_ids = SelectMultipleField("Слушатели", coerce=int, validators=[Optional()])


class SelectionForm(FlaskForm):
    certificate_ids = SelectMultipleField("Документы", coerce=int, validators=[Optional()])


class SignatoryForm(FlaskForm):
    signatory_name = StringField("Подписант: фамилия и инициалы", validators=[Length(max=200)])
    signatory_position = StringField("Должность подписанта", validators=[Length(max=300)])
    issuer_email = EmailField("Электронная почта организации (для Open Badges)",
                              validators=[Optional(), Email("Неверный адрес электронной почты."), Length(max=254)])
