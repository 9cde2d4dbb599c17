from flask import Blueprint

bp = Blueprint("engagement", __name__)
