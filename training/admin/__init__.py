"""Administration pages of the platform's administrators: the audit log browser (/audit)."""
from flask import Blueprint

bp = Blueprint("admin", __name__)
