"""Certificates and diplomas: PDF, public verification, registry, Open Badges. Views live in `routes.py`."""
from flask import Blueprint

bp = Blueprint("certificates", __name__)
