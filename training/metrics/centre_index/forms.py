"""The form of the index's weights."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from training.forms import RuFloatField
from training.measures.scales import GROUPS
from training.metrics.centre_index.checklists import ITEMS
from training.metrics.feedback.aspects import CSI_PARAMETERS


class WeightSetForm(FlaskForm):
    service_id = SelectField("СЗН", coerce=int)
    effective_from = DateField("Действует с", validators=[InputRequired("Укажите дату.")])
    label = StringField("Название набора", validators=[Optional(), Length(max=200)])


for _key, _title in GROUPS.items():
    setattr(WeightSetForm, f"w_{_key}", RuFloatField(f"{_title}, %", validators=[
        InputRequired("Укажите вес."), NumberRange(0, 100, "От 0 до 100.")]))


class ChecklistWeightsForm(FlaskForm):
    """Weights of the regional checklist's items from a date (fields ``w_<item code>``)."""

    effective_from = DateField("Действует с", validators=[InputRequired("Укажите дату.")])
    label = StringField("Название набора", validators=[Optional(), Length(max=200)])


class CsiWeightsForm(FlaskForm):
    service_id = SelectField("СЗН", coerce=int)
    effective_from = DateField("Действует с", validators=[InputRequired("Укажите дату.")])
    label = StringField("Название набора", validators=[Optional(), Length(max=200)])


for _parameter in CSI_PARAMETERS:
    setattr(CsiWeightsForm, f"w_{_parameter.code}", RuFloatField(f"{_parameter.name}, %", validators=[
        InputRequired("Укажите вес."), NumberRange(0, 100, "От 0 до 100.")]))

for _item in ITEMS:
    setattr(ChecklistWeightsForm, f"w_{_item.code}", RuFloatField(_item.title, validators=[
        InputRequired("Укажите вес."), NumberRange(0, 10, "От 0 до 10.")]))
