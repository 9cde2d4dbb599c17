"""The client-centricity index of a centre (chapter 4): dated weights set by HR and snapshots stored per scope
and period, recomputed set-based when their inputs change."""
from flask import Blueprint

bp = Blueprint("centre_index", __name__)
