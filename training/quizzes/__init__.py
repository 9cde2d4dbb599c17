"""The quizzes domain: question bank, GIFT import/export, quizzes, attempts, grading, statistics.
Its views live in `routes.py`, which the app factory imports before registering `bp`."""
from flask import Blueprint

bp = Blueprint("quizzes", __name__)
