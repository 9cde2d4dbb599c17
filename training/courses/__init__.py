"""The courses domain. Its views live in `routes.py`, which the app factory imports before registering `bp`."""
from flask import Blueprint

bp = Blueprint("courses", __name__)
