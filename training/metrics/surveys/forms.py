"""HR's form of an outbound survey."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, TextAreaField
from wtforms.validators import Length, Optional


class OutboundForm(FlaskForm):
    centre_id = SelectField("ЦЗН, который обслуживал этих клиентов", coerce=int)
    contacts = TextAreaField("Контакты: по одному в строке — e-mail или номер мобильного",
                             validators=[Optional(), Length(max=40_000)])
    consent_confirmed = BooleanField("Каждый адресат дал согласие получить опрос от центра")
