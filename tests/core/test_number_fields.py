"""Number fields read and show numbers the Russian way, and every form uses the shared fields."""
import re
from pathlib import Path

from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict

from training.forms import RuFloatField, RuIntegerField

SOURCE = Path(__file__).resolve().parents[2] / "training"


class _Form(FlaskForm):
    class Meta:
        csrf = False

    weight = RuFloatField("Вес")
    count = RuIntegerField("Сколько")


def test_a_decimal_comma_and_spaces_are_read_and_shown_back_the_russian_way(app):
    with app.test_request_context():
        form = _Form(MultiDict({"weight": "12,5", "count": "1 000"}))
        assert form.validate() and (form.weight.data, form.count.data) == (12.5, 1000)
        assert _Form(data={"weight": 30.0}).weight._value() == "30"
        wrong = _Form(MultiDict({"weight": "двенадцать", "count": "2,5"}))
        assert not wrong.validate()
        assert wrong.errors == {"weight": ["Введите число, например 12,5."], "count": ["Введите целое число."]}


def test_no_form_uses_an_english_speaking_number_field():
    offenders = [f"{path.relative_to(SOURCE)}: {name}" for path in SOURCE.rglob("*forms.py") if path.name != "forms.py"
                 or path.parent != SOURCE
                 for name in re.findall(r"(?<![A-Za-z])(IntegerField|FloatField|DecimalField)\(",
                                        path.read_text(encoding="utf-8"))]
    assert offenders == []
