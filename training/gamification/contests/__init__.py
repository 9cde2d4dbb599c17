"""«Сотрудник месяца» (section 5.4 item 1): monthly contests in two tracks, colleagues' and clients' votes,
awards and diplomas, gaming flags. Views: routes.py (staff, /recognition/…) and client_routes.py (the public
client vote, blueprint `client_vote`, /v/…)."""
from flask import Blueprint

bp = Blueprint("contests", __name__)
