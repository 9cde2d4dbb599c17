"""Corporate quests (section 5.4 item 24): teams, checkpoints, scores, the live board."""
from flask import Blueprint

bp = Blueprint("quests", __name__)
