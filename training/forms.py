"""Form fields shared by every domain: Russian messages for choices, numbers the Russian way (a decimal comma
accepted and printed, «30» rather than «30.0», Russian messages), an empty form for buttons that only need the CSRF
token."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import FloatField, HiddenField, IntegerField, SelectField
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


def parse_ru_number(text: str) -> float:
    """«12,5», «12.5», «1 000», «−3» → a float; ValueError for anything else (words, «1,2,3», inf, nan)."""
    cleaned = str(text).strip().replace("\u00a0", "").replace(" ", "").replace("\u2212", "-").replace(",", ".")
    if not cleaned or cleaned.count(".") > 1 or not cleaned.lstrip("+-").replace(".", "").isdecimal():
        raise ValueError(text)
    return float(cleaned)


def ru_number_text(value: float | int | None) -> str:
    """A number as a Russian reads it in a form: 12.5 → «12,5», 30.0 → «30»."""
    if value is None:
        return ""
    text = f"{float(value):.10g}" if isinstance(value, float) else str(value)
    return text.replace(".", ",").replace("-", "−")


class _RuNumberField:
    """What the two number fields share: the phone keyboard, an empty field read as None, «12,5», «12.5» and
    «1 000» read as numbers; ``convert`` checks the kind of number and says what is wrong in Russian."""

    inputmode = "decimal"

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("render_kw", {}).setdefault("inputmode", self.inputmode)
        super().__init__(label, validators, **kwargs)

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        self.data = None
        if valuelist[0] in (None, ""):
            return
        try:
            number = parse_ru_number(valuelist[0])
        except ValueError:
            number = None
        self.data = self.convert(number)

    def convert(self, number: float | None):
        raise NotImplementedError


class RuFloatField(_RuNumberField, FloatField):
    """A number with a fraction: «12,5» or «12.5» accepted, shown back as «12,5» and «30» (not «30.0»)."""

    def convert(self, number: float | None) -> float:
        if number is None:
            raise ValueError("Введите число, например 12,5.")
        return number

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return ru_number_text(self.data)


class RuIntegerField(_RuNumberField, IntegerField):
    """A whole number with a Russian message; «1 000» and «10,0» are read as 1000 and 10."""

    inputmode = "numeric"

    def convert(self, number: float | None) -> int:
        if number is None or number != int(number):
            raise ValueError("Введите целое число.")
        return int(number)


def _int_or_none(value):
    if value in (None, ""):
        return None
    return int(value)


class EmptyForm(FlaskForm):
    """CSRF only (closing a contest)."""


class HiddenIdForm(FlaskForm):
    item_id = HiddenField(validators=[DataRequired()])
