"""Forms of the committee."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField
from wtforms.validators import DataRequired


class CommitteeForm(FlaskForm):
    user_id = SelectField("Сотрудник", coerce=int, validators=[DataRequired("Выберите сотрудника.")])
    is_chair = BooleanField("Председатель")
