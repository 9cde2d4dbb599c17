from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from training.forms import RuSelectField, _at_most, _int_or_none


class ThanksForm(FlaskForm):
    recipient_id = RuSelectField("Кому", coerce=_int_or_none)
    text = TextAreaField("За что спасибо", validators=[DataRequired(message="Напишите, за что спасибо."),
                                                       Length(min=3, max=500, message="От 3 до 500 символов.")])


class BadgeForm(FlaskForm):
    badge_id = RuSelectField("Знак отличия", coerce=_int_or_none)
    reason = StringField("Основание", validators=[DataRequired(message="Укажите основание."), _at_most(300)])
