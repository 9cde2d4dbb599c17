"""Recognition (section 5.4, psychological rewards): «Спасибо», badges and titles, the honour board and the
points ledger, which listens to every other domain's facts (listeners.py)."""
from flask import Blueprint

bp = Blueprint("recognition", __name__)
