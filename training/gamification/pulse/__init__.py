"""Пульс-опросы сотрудников (section 5.2, items 12–13 of 5.4): eNPS and a few questions, anonymous by construction;
results per centre from a threshold of respondents, with trends; workspace proposals collected and answered."""
from flask import Blueprint

bp = Blueprint("pulse", __name__)
