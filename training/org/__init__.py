"""The org domain. Its views live in `routes.py`, which the app factory imports before registering `bp`."""
from flask import Blueprint

bp = Blueprint("org", __name__)
