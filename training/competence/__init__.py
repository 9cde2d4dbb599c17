"""Staff competence scores (section 5.4): the communicative and proactive blocks built from quizzes, cases, peer
and client ratings, IQS and proactive actions; rankings; the «Мастер клиентоцентричности» title."""
from flask import Blueprint

bp = Blueprint("competence", __name__)
