"""Forms of peer ratings."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp

from training.forms import RuIntegerField


class RatingForm(FlaskForm):
    """The colleague card; the aspect scores come as ``aspect-<id>`` radio groups."""
    rated_id = RuIntegerField(validators=[DataRequired()])


class AspectForm(FlaskForm):
    name = StringField("Название", validators=[DataRequired("Укажите название."), Length(max=120)])
    code = StringField("Код", validators=[
        DataRequired("Укажите код."), Length(max=40),
        Regexp(r"^[a-z][a-z0-9_]*$", message="Латиница в нижнем регистре, цифры и «_».")])
    description = StringField("Пояснение для оценивающих", validators=[Length(max=500)])
    sort_order = RuIntegerField("Порядок", default=100, validators=[Optional(), NumberRange(0, 10000)])
    is_active = BooleanField("Используется", default=True)
