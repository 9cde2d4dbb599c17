"""«Стресс месяца» (section 5.4 item 3): the anonymous board, the committee's monthly review and measures."""
from flask import Blueprint

bp = Blueprint("stress", __name__)
