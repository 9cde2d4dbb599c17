"""Награды (section 5.4, the preamble's non-money perks): a catalogue HR maintains per regional service, points
spent on rewards or rewards granted by HR, the register of every grant, the centre's hall page and poster of the
month's winners, and free-form грамоты and благодарственные письма from the certificates engine."""
from flask import Blueprint

bp = Blueprint("rewards", __name__)
