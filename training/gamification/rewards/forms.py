"""Forms of the rewards."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from training.forms import RuIntegerField
from training.gamification.rewards.services import LETTER_KINDS


class RewardForm(FlaskForm):
    name = StringField("Название", validators=[DataRequired("Назовите награду."), Length(max=120)])
    description = TextAreaField("Описание", validators=[Optional(), Length(max=500)])
    cost = RuIntegerField("Цена в баллах (пусто — только по решению кадровой службы)",
                        validators=[Optional(), NumberRange(1, 100000, "От 1 до 100 000 баллов.")])
    stock = RuIntegerField("Сколько осталось (пусто — без ограничения)",
                         validators=[Optional(), NumberRange(0, 100000, "От 0 до 100 000.")])
    is_active = BooleanField("В каталоге", default=True)


class SpendForm(FlaskForm):
    reward_id = HiddenField(validators=[DataRequired()])


class GrantForm(FlaskForm):
    person = StringField("Сотрудник: табельный номер или e-mail",
                         validators=[DataRequired("Укажите сотрудника."), Length(max=254)])
    reward_id = SelectField("Награда", coerce=int, validators=[DataRequired("Выберите награду.")])
    reason = StringField("За что", validators=[DataRequired("Напишите, за что."), Length(max=300)])


class LetterForm(FlaskForm):
    person = StringField("Сотрудник: табельный номер или e-mail",
                         validators=[DataRequired("Укажите сотрудника."), Length(max=254)])
    kind = SelectField("Документ", choices=list(LETTER_KINDS.items()))
    text = TextAreaField("Текст (за что)", validators=[DataRequired("Напишите, за что."), Length(min=5, max=300)])


class FulfilForm(FlaskForm):
    grant_id = HiddenField(validators=[DataRequired()])
