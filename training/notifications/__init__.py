"""In-app notifications (with a count badge) and e-mail copies when SMTP is configured."""
from flask import Blueprint

bp = Blueprint("notifications", __name__)
