"""Surveys sent to clients with a one-time link (2.4): the survey after employment (CSI some months after the answer,
for clients who consented on the feedback form) and outbound surveys HR sends to consenting contacts; e-mail through
SMTP, SMS through a pluggable gateway (log only by default). The client's answer is taken by the feedback page
(metrics/feedback/client_routes.py), which sits above this package."""
from flask import Blueprint

bp = Blueprint("surveys", __name__)
