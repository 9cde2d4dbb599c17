"""Recognition: «Сотрудник месяца» in two tracks, «Спасибо», badges, the honour board and the points ledger.

Views live in `routes.py` (staff pages, blueprint `bp`) and `client_routes.py` (the public client vote,
blueprint `vote_bp`, imported by the app factory)."""
from flask import Blueprint

bp = Blueprint("recognition", __name__)
