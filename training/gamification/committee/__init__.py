"""The Комитет клиентоцентричности of a regional service: who reviews feedback and decides measures."""
from flask import Blueprint

bp = Blueprint("committee", __name__)
