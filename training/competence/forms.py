"""The form of competence weights."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from training.competence.framework import BLOCK_TITLES, COMPETENCES, EVIDENCE_TITLES
from training.competence.weights import WEIGHT_KEYS
from training.forms import RuFloatField


class CompetenceWeightForm(FlaskForm):
    """Competence weights of a service from a date; one number field per key of the flat weight set
    (``block:…``, ``competence:…``, ``evidence:…:…``), named by :func:`competence_weight_field`."""

    service_id = SelectField("СЗН", coerce=int)
    effective_from = DateField("Действует с", validators=[InputRequired("Укажите дату.")])
    label = StringField("Название набора", validators=[Optional(), Length(max=200)])


def competence_weight_field(key: str) -> str:
    return "w__" + key.replace(":", "__")


def _competence_weight_label(key: str) -> str:
    parts = key.split(":")
    if parts[0] == "block":
        return BLOCK_TITLES[parts[1]]
    if parts[0] == "competence":
        return COMPETENCES[parts[1]][1]
    evidence = EVIDENCE_TITLES[parts[2]]
    return f"{COMPETENCES[parts[1]][1]}: {evidence[:1].lower()}{evidence[1:]}"  # «(IQS)» stays in capitals


def _add_competence_weight_fields() -> None:
    for key in WEIGHT_KEYS:
        validators = [InputRequired("Укажите вес."), NumberRange(0, 100, "От 0 до 100.")]
        setattr(CompetenceWeightForm, competence_weight_field(key),
                RuFloatField(_competence_weight_label(key), validators=validators))


_add_competence_weight_fields()
