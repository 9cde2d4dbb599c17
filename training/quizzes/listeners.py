"""Answers the quizzes domain gives other domains (receivers run inside the sender's transaction)."""
from __future__ import annotations

from sqlalchemy import select

from training.extensions import db
from training.quizzes.bank import bank_questions
from training.quizzes.models import Quiz
from training.signals import course_outline_requested


def on_course_outline_requested(block, **_) -> dict:
    """`flask course outline`: the block's bank by question type (hidden questions left out)."""
    counts: dict[str, int] = {}
    for question in bank_questions(block, include_hidden=False):
        counts[question.type] = counts.get(question.type, 0) + 1
    quiz = db.session.scalar(select(Quiz).where(Quiz.block_id == block.id))
    return {"questions": dict(sorted(counts.items())), "quiz": bool(quiz),
            "quiz_questions_per_attempt": quiz.questions_per_attempt if quiz else None}


RECEIVERS = ((course_outline_requested, on_course_outline_requested),)
