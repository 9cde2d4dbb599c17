"""Client feedback (section 2.4): the one-minute answer from a QR code (client_routes.py, public, /f), touchpoints
and aspects, follow-ups of low scores, QR sheets. Staff views in routes.py (/metrics/…)."""
from flask import Blueprint

bp = Blueprint("feedback", __name__)
