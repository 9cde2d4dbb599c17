"""Form fields shared by every domain: Russian messages for choices, optional integers, an empty form for
buttons that only need the CSRF token."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField
from wtforms.validators import DataRequired, Length, ValidationError


def _at_most(n: int) -> Length:
    return Length(max=n, message=f"Не длиннее {n} символов.")


class RuSelectField(SelectField):
    """A select whose wrong or missing value gets a Russian message."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            self.data = None

    def pre_validate(self, form):
        if self.data is None or all(str(self.data) != str(value) for value, *_ in self.iter_choices()):
            raise ValidationError("Выберите значение из списка.")


def _int_or_none(value):
    if value in (None, ""):
        return None
    return int(value)


class EmptyForm(FlaskForm):
    """CSRF only (closing a contest)."""


class HiddenIdForm(FlaskForm):
    item_id = HiddenField(validators=[DataRequired()])
