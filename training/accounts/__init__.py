"""The accounts domain. Its views live in `routes.py`, which the app factory imports before registering `bp`."""
from flask import Blueprint

bp = Blueprint("accounts", __name__)
