"""The materials repository (хранилище учебно-методических материалов). Views live in `routes.py`."""
from flask import Blueprint

bp = Blueprint("materials", __name__)
