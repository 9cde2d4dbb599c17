"""«Корпоративный тиндер» (section 5.4 item 2): colleagues rate each other on aspects of service."""
from flask import Blueprint

bp = Blueprint("ratings", __name__)
