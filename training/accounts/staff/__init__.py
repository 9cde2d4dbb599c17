"""The staff directory of HR and managers (/org/…): the structure with head counts, people within scope, editing
roles and departments, one-time passwords, and the all-or-nothing staff import (importer.py)."""
from flask import Blueprint

bp = Blueprint("staff", __name__)
