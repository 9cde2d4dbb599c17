from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional


class SignInForm(FlaskForm):
    email = EmailField("Электронная почта", validators=[DataRequired("Укажите адрес почты."),
                                                         Length(max=254)])
    password = PasswordField("Пароль", validators=[DataRequired("Введите пароль."), Length(max=200)])
    remember = BooleanField("Запомнить меня на этом устройстве")


class NewPasswordForm(FlaskForm):
    new_password = PasswordField("Новый пароль", validators=[DataRequired("Введите новый пароль."),
                                                             Length(max=200)])
    confirm = PasswordField("Повторите пароль", validators=[
        DataRequired("Повторите новый пароль."), EqualTo("new_password", "Пароли не совпадают.")])


class ChangePasswordForm(NewPasswordForm):
    current_password = PasswordField("Текущий пароль", validators=[DataRequired("Введите текущий пароль.")])


class ConsentForm(FlaskForm):
    is_public_consent = BooleanField("Согласен(на), чтобы моё имя и фото показывались на доске почёта "
                                     "и в «витрине успеха»")


class StaffEditForm(FlaskForm):
    position = StringField("Должность", validators=[DataRequired("Укажите должность."), Length(max=200)])
    department_id = SelectField("Подразделение", coerce=int, validators=[Optional()])
    roles = SelectMultipleField("Роли", validators=[DataRequired("Выберите хотя бы одну роль.")])
    is_active = BooleanField("Учётная запись активна")


__all__ = ["SignInForm", "NewPasswordForm", "ChangePasswordForm", "ConsentForm", "StaffEditForm", "Email"]
