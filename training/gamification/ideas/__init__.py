"""Идеи и совместные проекты (item 10 of 5.4): any employee proposes an improvement of client experience, linked to
a «Стресс месяца» item, a library case or an event's outcome; colleagues support it; the committee accepts it into
a project with a team, milestones and a result; a finished project goes to the library as a case."""
from flask import Blueprint

bp = Blueprint("ideas", __name__)
