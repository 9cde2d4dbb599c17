"""Measures: client feedback, operational data, IQS, the client-centricity index and the «Пульс» dashboards.

Views live in `routes.py` (staff, url_prefix /metrics) and `public.py` (clients without an account, /f)."""
from flask import Blueprint

bp = Blueprint("metrics", __name__)
