"""«Библиотека клиентоцентричности» (section 5.4 item 5): cases and life hacks, moderated by the committee."""
from flask import Blueprint

bp = Blueprint("library", __name__)
