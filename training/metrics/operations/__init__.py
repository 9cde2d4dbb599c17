"""Operational data of a centre (appeals, FCR, TTFR, escalations) imported by HR, and IQS quality checks of
conversations by supervisors."""
from flask import Blueprint

bp = Blueprint("operations", __name__)
