"""Item analysis for teachers, after Moodle's quiz statistics report (mod/quiz/report/statistics).

Computed over the finished, fully graded attempts of a quiz (every attempt, not only the counted one). For a
question *i* answered in *n* attempts, with *x* the fraction earned on it (0…1) and *y* the rest-of-test
score — the attempt's marks without this question, as a percentage of the marks left
(``(score − x·mark) / (max − mark) · 100``, so attempts that drew different questions stay comparable):

    facility        F = 100 · mean(x)                       — the share of the mark learners got
    discrimination  D = 100 · r(x, y) = 100 · Σ(x−x̄)(y−ȳ) / √(Σ(x−x̄)² · Σ(y−ȳ)²)

D is Moodle's «discrimination index»: the Pearson correlation between the item and the rest of the test.
A good question has D above +30; near zero it does not separate strong learners from weak ones; negative, it
is probably wrong (strong learners fail it). D is undefined (shown «—») when every learner scored the same
on the item or on the rest of the test."""
from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from training.accounts.models import User
from training.extensions import db
from training.quizzes import grading
from training.quizzes.models import Attempt, AttemptSlot, AttemptState, Question, QuestionVersion, Quiz
from training.quizzes.question_types import QuestionType


@dataclass
class AnswerCount:
    label: str
    count: int
    is_right: bool | None = None  # None: not applicable (free text that matched nothing known)


@dataclass
class QuestionStats:
    question: Question
    n: int = 0
    facility: float | None = None
    discrimination: float | None = None
    distribution: list[AnswerCount] = field(default_factory=list)
    unanswered: int = 0

    @property
    def verdict(self) -> str | None:
        """A hint for the teacher (Moodle's usual thresholds)."""
        if self.n < 5:
            return None
        if self.facility is not None and self.facility >= 95:
            return "слишком лёгкий"
        if self.facility is not None and self.facility <= 10:
            return "слишком трудный"
        if self.discrimination is not None and self.discrimination < 0:
            return "отрицательная различительная способность — проверьте ответы"
        if self.discrimination is not None and self.discrimination < 20:
            return "слабо различает знающих и незнающих"
        return None


@dataclass
class QuizStats:
    attempts: int
    mean_percent: float | None
    questions: list[QuestionStats]


def pearson(xs: list[float], ys: list[float]) -> float | None:
    n = len(xs)
    if n < 2:
        return None
    mx, my = sum(xs) / n, sum(ys) / n
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))
    sxx = sum((x - mx) ** 2 for x in xs)
    syy = sum((y - my) ** 2 for y in ys)
    if sxx <= 1e-12 or syy <= 1e-12:
        return None
    return sxy / math.sqrt(sxx * syy)


def _labels(version: QuestionVersion, response: dict | None) -> list[tuple[str, bool | None]]:
    """What a response chose, as labels a teacher reads, with whether each is right."""
    if response is None or not grading.is_answered(version.type, response):
        return []
    data = version.data
    if version.type == QuestionType.MULTICHOICE:
        chosen = [response["choice"]] if response.get("choice") is not None else response.get("choices", [])
        return [(version.answers[i]["text"], version.answers[i]["fraction"] > 0) for i in chosen
                if 0 <= i < len(version.answers)]
    if version.type == QuestionType.TRUEFALSE:
        fraction = grading.grade(version.type, data, response)
        return [("Верно" if response["value"] else "Неверно", fraction == 1)]
    if version.type in (QuestionType.SHORTANSWER, QuestionType.NUMERICAL):
        fraction = grading.grade(version.type, data, response)
        text = " ".join(str(response.get("text", "")).split())
        return [(text[:80], fraction >= 1 if fraction else False)]
    if version.type == QuestionType.MATCHING:
        pairs = version.pairs
        return [(f"{pairs[int(i)]['question']} → {answer}", pairs[int(i)]["answer"] == answer)
                for i, answer in sorted((response.get("matches") or {}).items(), key=lambda kv: int(kv[0]))
                if int(i) < len(pairs)]
    if version.type == QuestionType.ESSAY:
        return [("развёрнутый ответ", None)]
    return []


def quiz_statistics(quiz: Quiz, learners=None) -> QuizStats:
    """Item statistics of the finished attempts; ``learners`` (a condition on User) keeps only those learners'
    attempts — a regional service sees statistics built from its own people."""
    query = select(Attempt).where(Attempt.quiz_id == quiz.id, Attempt.state == AttemptState.FINISHED,
                                  Attempt.percent.is_not(None))
    if learners is not None:
        query = query.where(Attempt.user_id.in_(select(User.id).where(learners)))
    attempts = list(db.session.scalars(
        query
        .options(selectinload(Attempt.slots).selectinload(AttemptSlot.version)).order_by(Attempt.id)))
    items: dict[int, dict] = {}
    for attempt in attempts:
        for slot in attempt.slots:
            if slot.max_mark <= 0 or slot.fraction is None:
                continue
            rest_max = (attempt.max_score or 0) - slot.max_mark
            rest = ((attempt.score or 0) - slot.fraction * slot.max_mark) / rest_max * 100 if rest_max > 0 else None
            item = items.setdefault(slot.version.question_id, {"x": [], "y": [], "labels": Counter(), "right": {},
                                                               "unanswered": 0})
            item["x"].append(slot.fraction)
            item["y"].append(rest)
            labels = _labels(slot.version, slot.response)
            if not labels:
                item["unanswered"] += 1
            for label, is_right in labels:
                item["labels"][label] += 1
                item["right"][label] = is_right
    questions = {q.id: q for q in db.session.scalars(select(Question).where(Question.id.in_(items)))} if items else {}
    out = []
    for question_id, item in items.items():
        xs = item["x"]
        pairs = [(x, y) for x, y in zip(xs, item["y"], strict=True) if y is not None]
        r = pearson([p[0] for p in pairs], [p[1] for p in pairs])
        out.append(QuestionStats(
            question=questions[question_id], n=len(xs), facility=round(100 * sum(xs) / len(xs), 1),
            discrimination=round(100 * r, 1) if r is not None else None,
            distribution=[AnswerCount(label, count, item["right"][label])
                          for label, count in item["labels"].most_common(12)],
            unanswered=item["unanswered"]))
    out.sort(key=lambda s: (s.question.category.name, s.question.id))
    mean = round(sum(a.percent for a in attempts) / len(attempts), 1) if attempts else None
    return QuizStats(len(attempts), mean, out)
