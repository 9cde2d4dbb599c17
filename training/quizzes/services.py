"""The rules of quizzes: presets, limits and overrides, starting, answering, finishing and grading attempts,
review rules, the manual grading queue and results.

Concurrency: an attempt number is unique per (quiz, learner), so two parallel starts cannot both take the
last allowed attempt; finishing is a conditional ``UPDATE … WHERE state = 'in_progress'``, so two parallel
submits (or a submit and the overdue job) grade an attempt once; saving an answer locks the attempt row and
refuses once the attempt is finished or past its deadline. A passing grade announces ``quiz_passed`` before
the commit, so the course records the stage — and completes the block — in the same transaction."""
from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import current_app, has_request_context, url_for
from sqlalchemy import Select, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload
from werkzeug.datastructures import MultiDict

from training.accounts import scopes
from training.accounts.models import Role, User
from training.audit import services as audit
from training.courses.models import Block, Cohort, CohortTeacher, Enrolment
from training.courses.services import enrolment_of, is_block_open, is_course_owner, visible_cohorts
from training.db import utcnow
from training.errors import Conflict, DomainError, NotAllowed
from training.extensions import db
from training.notifications.services import notify
from training.quizzes import grading
from training.quizzes.models import (
    Attempt,
    AttemptSlot,
    AttemptState,
    FinishReason,
    GradingMethod,
    Preset,
    Question,
    QuestionCategory,
    QuestionVersion,
    Quiz,
    QuizOverride,
    ReviewWhen,
)
from training.quizzes.presenters import Review
from training.quizzes.question_types import QuestionType
from training.signals import quiz_passed
from training.templating import ru_datetime

PRESETS: dict[str, dict[str, Any]] = {
    # practice: check each answer at once, try as often as you like
    Preset.PRACTICE: dict(review_when=ReviewWhen.IMMEDIATELY, is_score_shown=True, is_right_answers_shown=True,
                          is_feedback_shown=True, max_attempts=None, grading_method=GradingMethod.HIGHEST,
                          time_limit_minutes=None),
    # exam: the score only, after the attempt
    Preset.EXAM: dict(review_when=ReviewWhen.AFTER_SUBMIT, is_score_shown=True, is_right_answers_shown=False,
                      is_feedback_shown=False, max_attempts=3, grading_method=GradingMethod.HIGHEST,
                      time_limit_minutes=None),
    # certification: one timed attempt, the full review once the quiz has closed
    Preset.CERTIFICATION: dict(review_when=ReviewWhen.AFTER_CLOSE, is_score_shown=True, is_right_answers_shown=True,
                               is_feedback_shown=True, max_attempts=1, grading_method=GradingMethod.HIGHEST,
                               time_limit_minutes=30),
}

PRESET_HINTS = {
    Preset.PRACTICE: "каждый ответ можно сразу проверить и прочитать отзыв; попыток сколько угодно.",
    Preset.EXAM: "три попытки, после каждой виден только балл; засчитывается лучшая.",
    Preset.CERTIFICATION: "одна попытка на 30 минут; балл и разбор ответов — после закрытия теста.",
}


def apply_preset(quiz: Quiz, name: str) -> None:
    for key, value in PRESETS[Preset(name)].items():
        setattr(quiz, key, value)
    quiz.preset = Preset(name)


class AttemptClosed(DomainError):
    """The attempt is finished (by the learner, or because its time ran out); ``attempt`` says which."""

    status_code = 409

    def __init__(self, attempt: Attempt, message: str):
        super().__init__(message)
        self.attempt = attempt


# --- who may do what ----------------------------------------------------------------------------------------

def can_manage(user: User) -> bool:
    return user.has_role(*Role.TEACHING)


def can_take(user: User, quiz: Quiz) -> str | None:
    """None when the user may take the quiz; otherwise the reason, in Russian."""
    if quiz.block_id is not None:

        enrolment = enrolment_of(user, quiz.block.course)
        if enrolment is None or enrolment.cohort is None:
            return "Тест доступен слушателям курса. Чтобы записаться, обратитесь в кадровую службу."
        if not is_block_open(enrolment, quiz.block):
            return "В вашей группе блоки проходятся по порядку: сначала завершите предыдущие блоки."
        return None
    if not quiz.is_published:
        return "Тест ещё не опубликован."
    if quiz.regional_service_id is not None and quiz.regional_service_id != user.regional_service_id:
        return "Этот тест проводится для сотрудников другой службы занятости."
    return None


def _taught_learners(teacher: User, quiz: Quiz):

    return (select(Enrolment.user_id).join(CohortTeacher, CohortTeacher.cohort_id == Enrolment.cohort_id)
            .where(CohortTeacher.user_id == teacher.id, Enrolment.course_id == quiz.block.course_id))


def learner_scope(viewer: User, quiz: Quiz):
    """A condition on ``User``: the learners whose attempts at ``quiz`` the viewer may see and grade."""
    # HR: their service; administrators: everyone
    conditions = [scopes.administrable_condition(viewer, service=User.regional_service_id)]
    if viewer.has_role(Role.TEACHER):
        if quiz.block_id is not None:
            conditions.append(User.id.in_(_taught_learners(viewer, quiz)))
        elif viewer.regional_service_id is not None:
            conditions.append(User.regional_service_id == viewer.regional_service_id)
    return or_(*conditions)


def can_review(viewer: User, attempt: Attempt) -> bool:
    if viewer.id == attempt.user_id:
        return False
    if not can_manage(viewer):
        return False
    return db.session.scalar(select(User.id).where(User.id == attempt.user_id,
                                                   learner_scope(viewer, attempt.quiz))) is not None


def can_view_attempt(viewer: User, attempt: Attempt) -> bool:
    return viewer.id == attempt.user_id or can_review(viewer, attempt)


# --- limits and overrides -----------------------------------------------------------------------------------

@dataclass
class Limits:
    open_at: datetime | None
    close_at: datetime | None
    time_limit_minutes: int | None
    max_attempts: int | None


def _user_cohort_ids(user: User) -> list[int]:

    return list(db.session.scalars(select(Enrolment.cohort_id).where(Enrolment.user_id == user.id)))


def effective_limits(quiz: Quiz, user: User) -> Limits:
    """The quiz's limits with overrides applied: a learner's own override wins over their cohort's; of several
    cohort overrides the most lenient counts (as in Moodle). In an override, 0 means «no limit»."""
    limits = Limits(quiz.open_at, quiz.close_at, quiz.time_limit_minutes, quiz.max_attempts)
    overrides = list(db.session.scalars(select(QuizOverride).where(QuizOverride.quiz_id == quiz.id)))
    if not overrides:
        return limits
    cohort_ids = set(_user_cohort_ids(user))
    by_cohort = [o for o in overrides if o.cohort_id is not None and o.cohort_id in cohort_ids]
    own = next((o for o in overrides if o.user_id == user.id), None)

    def lenient(values: list[int]) -> int | None:
        return None if 0 in values else max(values)

    closes = [o.close_at for o in by_cohort if o.close_at is not None]
    if closes:
        limits.close_at = max(closes)
    times = [o.time_limit_minutes for o in by_cohort if o.time_limit_minutes is not None]
    if times:
        limits.time_limit_minutes = lenient(times)
    tries = [o.max_attempts for o in by_cohort if o.max_attempts is not None]
    if tries:
        limits.max_attempts = lenient(tries)
    if own is not None:
        if own.close_at is not None:
            limits.close_at = own.close_at
        if own.time_limit_minutes is not None:
            limits.time_limit_minutes = own.time_limit_minutes or None
        if own.max_attempts is not None:
            limits.max_attempts = own.max_attempts or None
    return limits


def override_in_scope(viewer: User, override: QuizOverride) -> bool:
    """A regional service holds overrides for its own people only: a learner in the viewer's learner scope, or
    a cohort the viewer may see."""
    if override.user_id is not None:
        return db.session.scalar(select(User.id).where(User.id == override.user_id,
                                                       learner_scope(viewer, override.quiz))) is not None
    return db.session.scalar(visible_cohorts(viewer).where(Cohort.id == override.cohort_id)) is not None


def visible_overrides(viewer: User, quiz: Quiz) -> list[QuizOverride]:
    rows = db.session.scalars(select(QuizOverride).where(QuizOverride.quiz_id == quiz.id).order_by(QuizOverride.id))
    return [o for o in rows if override_in_scope(viewer, o)]


def save_override(actor: User, quiz: Quiz, *, user: User | None = None, cohort=None, close_at: datetime | None,
                  time_limit_minutes: int | None, max_attempts: int | None) -> QuizOverride:
    if (user is None) == (cohort is None):
        raise DomainError("Выберите сотрудника или группу.")
    if user is not None and db.session.scalar(select(User.id).where(User.id == user.id,
                                                                    learner_scope(actor, quiz))) is None:
        raise DomainError("Сотрудник с такой почтой не найден среди ваших слушателей.")
    if cohort is not None and db.session.scalar(visible_cohorts(actor).where(Cohort.id == cohort.id)) is None:
        raise DomainError("Группа не найдена среди ваших.")
    if close_at is None and time_limit_minutes is None and max_attempts is None:
        raise DomainError("Задайте хотя бы одно условие: срок, время или число попыток.")
    condition = QuizOverride.user_id == user.id if user is not None else QuizOverride.cohort_id == cohort.id
    override = db.session.scalar(select(QuizOverride).where(QuizOverride.quiz_id == quiz.id, condition))
    if override is None:
        override = QuizOverride(quiz_id=quiz.id, user_id=user.id if user else None,
                                cohort_id=cohort.id if cohort else None, created_by_id=actor.id)
        db.session.add(override)
    override.close_at, override.time_limit_minutes, override.max_attempts = close_at, time_limit_minutes, max_attempts
    db.session.flush()
    who = user.full_name if user else f"группа «{cohort.name}»"
    audit.record(actor, "quiz.override", "quiz", quiz.id,
                 after={"who": who, "close_at": close_at, "time_limit_minutes": time_limit_minutes,
                        "max_attempts": max_attempts}, summary=f"Особые условия теста «{quiz.title}»: {who}")
    return override


def delete_override(actor: User, override: QuizOverride) -> None:
    if not override_in_scope(actor, override):
        raise NotAllowed("Особые условия других служб занятости меняют они сами.")
    audit.record(actor, "quiz.override_delete", "quiz", override.quiz_id,
                 summary=f"Отменены особые условия теста «{override.quiz.title}»")
    db.session.delete(override)


# --- drawing questions --------------------------------------------------------------------------------------

def _bank_condition(column, quiz: Quiz):
    return column.is_(None) if quiz.block_id is None else column == quiz.block_id


def bank_for(quiz: Quiz) -> list[Question]:
    return list(db.session.scalars(
        select(Question).join(QuestionCategory).where(_bank_condition(Question.block_id, quiz),
                                                      Question.is_hidden.is_(False))
        .order_by(QuestionCategory.name, Question.id)))


def draw_questions(quiz: Quiz, previous: set[int], rng: random.Random) -> list[Question]:
    """The questions of a new attempt. Rules say how many to take from which category; without rules
    ``questions_per_attempt`` is spread evenly over the categories (0: the whole bank, in bank order).
    Questions of the previous attempt are taken only when a category has no others left."""
    bank = bank_for(quiz)
    if not quiz.draw_rules and not quiz.questions_per_attempt:
        return bank
    gradable = [q for q in bank if q.type != QuestionType.DESCRIPTION]

    def pools(category_id: int) -> tuple[list[Question], list[Question]]:
        fresh = [q for q in gradable if q.category_id == category_id and q.id not in previous]
        used = [q for q in gradable if q.category_id == category_id and q.id in previous]
        rng.shuffle(fresh)
        rng.shuffle(used)
        return fresh, used

    picked: list[Question] = []
    if quiz.draw_rules:
        for rule in quiz.draw_rules:
            fresh, used = pools(int(rule["category_id"]))
            picked.extend((fresh + used)[: int(rule["count"])])
    else:
        category_ids = list(dict.fromkeys(q.category_id for q in gradable))
        fresh_pools, used_pools = {}, {}
        for category_id in category_ids:
            fresh_pools[category_id], used_pools[category_id] = pools(category_id)
        wanted = quiz.questions_per_attempt
        for stage in (fresh_pools, used_pools):  # fresh questions first, across every category
            while len(picked) < wanted and any(stage.values()):
                for category_id in category_ids:
                    if stage[category_id] and len(picked) < wanted:
                        picked.append(stage[category_id].pop(0))
    rng.shuffle(picked)
    return picked


def _answer_order(version: QuestionVersion, shuffle: bool, rng: random.Random) -> dict[str, Any]:
    if version.type == QuestionType.MULTICHOICE:
        order = list(range(len(version.answers)))
        if shuffle:
            rng.shuffle(order)
        return {"answers": order}
    if version.type == QuestionType.MATCHING:
        stems = grading.matching_stems(version.data)
        if shuffle:
            rng.shuffle(stems)
        choices = list(dict.fromkeys(p["answer"] for p in version.pairs))
        rng.shuffle(choices)  # always: in bank order the n-th choice would answer the n-th stem
        return {"stems": stems, "choices": choices}
    return {}


# --- attempts -----------------------------------------------------------------------------------------------

def attempts_of(quiz: Quiz, user: User) -> list[Attempt]:
    return list(db.session.scalars(select(Attempt).where(Attempt.quiz_id == quiz.id, Attempt.user_id == user.id)
                                   .order_by(Attempt.attempt_no)))


def open_attempt(quiz: Quiz, user: User) -> Attempt | None:
    return db.session.scalar(select(Attempt).where(Attempt.quiz_id == quiz.id, Attempt.user_id == user.id,
                                                   Attempt.state == AttemptState.IN_PROGRESS))


def start_refusal(quiz: Quiz, user: User, now: datetime | None = None) -> str | None:
    """Why the user cannot start a new attempt now, or None."""
    now = now or utcnow()
    reason = can_take(user, quiz)
    if reason:
        return reason
    limits = effective_limits(quiz, user)
    if limits.open_at and now < limits.open_at:

        return f"Тест откроется {ru_datetime(limits.open_at)}."
    if limits.close_at and now >= limits.close_at:
        return "Тест закрыт: срок прохождения истёк."
    if limits.max_attempts:
        used = db.session.scalar(select(func.count()).select_from(Attempt).where(
            Attempt.quiz_id == quiz.id, Attempt.user_id == user.id)) or 0
        if used >= limits.max_attempts:
            return f"Попытки закончились: использовано {used} из {limits.max_attempts}."
    return None


def start_attempt(quiz: Quiz, user: User, *, now: datetime | None = None,
                  rng: random.Random | None = None) -> Attempt:
    """Continue the open attempt, or start the next one within the limit.

    The next number is taken by an INSERT under the unique (quiz, user, attempt_no): when a parallel start
    took it first, this one finds that attempt and continues it instead of starting another."""
    now = now or utcnow()
    rng = rng or random.SystemRandom()
    close_overdue(quiz=quiz, user=user, now=now)
    for _ in range(5):
        # One read decides both "is an attempt open?" and "which number is next?": attempts are sequential,
        # so the open one is always the latest. (Two separate reads could straddle a parallel start's commit:
        # the first sees nothing open, the second sees its attempt and starts number two.)
        previous = db.session.scalar(select(Attempt).where(Attempt.quiz_id == quiz.id, Attempt.user_id == user.id)
                                     .order_by(Attempt.attempt_no.desc()).limit(1))
        if previous is not None and previous.state == AttemptState.IN_PROGRESS:
            return previous
        reason = start_refusal(quiz, user, now)
        if reason:
            raise DomainError(reason)
        limits = effective_limits(quiz, user)
        previous_ids = set(db.session.scalars(
            select(QuestionVersion.question_id).join(AttemptSlot).where(AttemptSlot.attempt_id == previous.id)
        )) if previous else set()
        questions = draw_questions(quiz, previous_ids, rng)
        if not any(q.type != QuestionType.DESCRIPTION for q in questions):
            raise DomainError("В банке этого теста пока нет вопросов. Сообщите преподавателю.")
        deadline = None
        if limits.time_limit_minutes:
            deadline = now + timedelta(minutes=limits.time_limit_minutes)
        if limits.close_at and (deadline is None or limits.close_at < deadline):
            deadline = limits.close_at
        attempt = Attempt(quiz_id=quiz.id, user_id=user.id, attempt_no=(previous.attempt_no if previous else 0) + 1,
                          started_at=now, deadline_at=deadline, state=AttemptState.IN_PROGRESS)
        try:
            with db.session.begin_nested():
                db.session.add(attempt)
        except IntegrityError:  # a parallel start took this number: look again
            db.session.expire_all()
            continue
        for number, question in enumerate(questions, start=1):
            version = question.current
            db.session.add(AttemptSlot(attempt_id=attempt.id, slot_no=number, question_version_id=version.id,
                                       answer_order=_answer_order(version, quiz.is_answers_shuffled, rng),
                                       max_mark=1.0 if version.is_graded else 0.0))
        db.session.flush()
        db.session.refresh(attempt)
        return attempt
    raise Conflict("Не удалось начать попытку: попробуйте ещё раз.")


def slot_of(attempt: Attempt, slot_no: int) -> AttemptSlot | None:
    return next((s for s in attempt.slots if s.slot_no == slot_no), None)


def parse_response(slot: AttemptSlot, form: MultiDict) -> dict[str, Any] | None:
    """The form as the learner filled it (shown positions) → the response in the question's own terms."""
    version = slot.version
    order = slot.answer_order or {}
    qtype = version.type

    def position(value: Any, size: int) -> int | None:
        try:
            index = int(value)
        except (TypeError, ValueError):
            return None
        return index if 0 <= index < size else None

    if qtype == QuestionType.MULTICHOICE:
        shown = order.get("answers") or list(range(len(version.answers)))
        if version.is_single:
            pos = position(form.get("answer"), len(shown))
            return {"choice": shown[pos]} if pos is not None else None
        picked = sorted({shown[p] for p in (position(v, len(shown)) for v in form.getlist("answer")) if p is not None})
        return {"choices": picked} if picked else None
    if qtype == QuestionType.TRUEFALSE:
        value = form.get("answer")
        return {"value": value == "true"} if value in ("true", "false") else None
    if qtype == QuestionType.MATCHING:
        stems, choices = order.get("stems", []), order.get("choices", [])
        matches = {}
        for shown_index, pair_index in enumerate(stems):
            pos = position(form.get(f"match-{shown_index}"), len(choices))
            if pos is not None:
                matches[str(pair_index)] = choices[pos]
        return {"matches": matches} if matches else None
    if qtype in (QuestionType.SHORTANSWER, QuestionType.NUMERICAL, QuestionType.ESSAY):
        limit = 20000 if qtype == QuestionType.ESSAY else 255
        text = (form.get("answer") or "")[:limit]
        return {"text": text} if text.strip() else None
    return None


def _lock_open_attempt(attempt: Attempt, now: datetime) -> None:
    """Lock the attempt row (so a parallel submit waits) and refuse when it is finished or past its deadline."""
    state, deadline = db.session.execute(select(Attempt.state, Attempt.deadline_at).where(Attempt.id == attempt.id)
                                         .with_for_update()).one()
    if state != AttemptState.IN_PROGRESS:
        db.session.refresh(attempt)
        raise AttemptClosed(attempt, "Попытка уже завершена: ответы больше не принимаются.")
    if deadline is not None and now > deadline:
        finish_attempt(attempt, reason=FinishReason.TIMEOUT, now=now)
        raise AttemptClosed(attempt, "Время вышло: попытка завершена, ответ после срока не засчитан.")


def save_response(attempt: Attempt, slot_no: int, form: MultiDict, *, now: datetime | None = None) -> AttemptSlot:
    now = now or utcnow()
    _lock_open_attempt(attempt, now)
    slot = slot_of(attempt, slot_no)
    if slot is None:
        raise DomainError("В попытке нет такого вопроса.")
    if slot.checked_at is not None:
        raise DomainError("Этот ответ уже проверен и не меняется.")
    if slot.version.type == QuestionType.DESCRIPTION:
        return slot
    slot.response = parse_response(slot, form)
    slot.saved_at = now
    db.session.flush()
    return slot


def check_response(attempt: Attempt, slot_no: int, form: MultiDict, *, now: datetime | None = None) -> AttemptSlot:
    """Practice mode: save the answer, grade it and lock it, so its feedback can be shown at once."""
    if attempt.quiz.review_when != ReviewWhen.IMMEDIATELY:
        raise DomainError("В этом тесте ответы проверяются после завершения попытки.")
    slot = save_response(attempt, slot_no, form, now=now)
    if not slot.is_answered:
        raise DomainError("Сначала ответьте на вопрос.")
    slot.checked_at = now or utcnow()
    if slot.version.type != QuestionType.ESSAY:
        slot.fraction = grading.grade(slot.version.type, slot.version.data, slot.response)
    db.session.flush()
    return slot


def finish_attempt(attempt: Attempt, *, reason: FinishReason = FinishReason.LEARNER,
                   now: datetime | None = None) -> bool:
    """Close and grade the attempt. Returns False when it was already finished (by a parallel request or the
    overdue job): the conditional UPDATE lets exactly one caller through."""
    now = now or utcnow()
    ended = min(now, attempt.deadline_at) if attempt.deadline_at else now
    result = db.session.execute(update(Attempt).where(Attempt.id == attempt.id,
                                                      Attempt.state == AttemptState.IN_PROGRESS)
                                .values(state=AttemptState.FINISHED, submitted_at=ended, finish_reason=reason))
    db.session.refresh(attempt)
    if not result.rowcount:
        return False
    grade_attempt(attempt)
    after_grading(attempt)
    return True


def grade_attempt(attempt: Attempt) -> None:
    deadline = attempt.deadline_at
    for slot in attempt.slots:
        version = slot.version
        if not version.is_graded:
            slot.fraction, slot.is_awaiting_grading = None, False
            continue
        late = deadline is not None and slot.saved_at is not None and slot.saved_at > deadline
        response = None if late else slot.response
        if version.type == QuestionType.ESSAY:
            if slot.manual_mark is not None:
                slot.fraction = slot.manual_mark / slot.max_mark if slot.max_mark else 0.0
            elif grading.is_answered(version.type, response):
                slot.fraction, slot.is_awaiting_grading = None, True
            else:
                slot.fraction, slot.is_awaiting_grading = 0.0, False
            continue
        slot.fraction = grading.grade(version.type, version.data, response)
    recompute_totals(attempt)


def recompute_totals(attempt: Attempt) -> None:
    graded = [s for s in attempt.slots if s.max_mark > 0]
    attempt.max_score = sum(s.max_mark for s in graded)
    attempt.score = round(sum((s.fraction or 0.0) * s.max_mark for s in graded if s.fraction is not None), 6)
    attempt.is_awaiting_grading = any(s.is_awaiting_grading for s in graded)
    if attempt.is_awaiting_grading:
        attempt.percent, attempt.is_passed = None, False
    else:
        attempt.percent = round(100 * attempt.score / attempt.max_score, 2) if attempt.max_score else 0.0
        attempt.is_passed = attempt.percent >= attempt.quiz.pass_percent
    db.session.flush()


def final_grade(quiz: Quiz, user: User) -> float | None:
    """The learner's grade for the quiz by its grading method, over finished attempts (None: none graded yet)."""
    finished = [a for a in attempts_of(quiz, user) if a.state == AttemptState.FINISHED]
    return grade_by_method(quiz.grading_method, finished)


def grade_by_method(method: str, finished: list[Attempt]) -> float | None:
    """``finished`` in attempt order. «First»/«last» wait for that attempt's manual grading; «highest» and
    «average» count the graded attempts."""
    if not finished:
        return None
    graded = [a.percent for a in finished if a.percent is not None]
    if method == GradingMethod.FIRST:
        return finished[0].percent
    if method == GradingMethod.LAST:
        return finished[-1].percent
    if not graded:
        return None
    if method == GradingMethod.AVERAGE:
        return round(sum(graded) / len(graded), 2)
    return max(graded)


def is_quiz_passed(quiz: Quiz, grade: float | None) -> bool:
    return grade is not None and grade >= quiz.pass_percent


def after_grading(attempt: Attempt) -> None:
    """Once an attempt is fully graded: when it makes the learner's grade for a block's quiz (by the grading
    method) passing, ``quiz_passed`` is announced before the commit, so the course records the stage — and
    completes the block — in the same transaction. A grade that was passing already is not announced again."""
    quiz = attempt.quiz
    if attempt.percent is None or quiz.block_id is None:
        return
    finished = [a for a in attempts_of(quiz, attempt.user) if a.state == AttemptState.FINISHED]
    grade = grade_by_method(quiz.grading_method, finished)
    before = grade_by_method(quiz.grading_method, [a for a in finished if a.id != attempt.id])
    if is_quiz_passed(quiz, grade) and not is_quiz_passed(quiz, before):
        with _url_context():
            quiz_passed.send(attempt.user, block_id=quiz.block_id, attempt_id=attempt.id, percent=grade)


class _url_context:
    """``url_for`` outside a request (the overdue job, the CLI): a request context for the configured base URL."""

    def __enter__(self):

        self._ctx = None
        if not has_request_context():
            self._ctx = current_app.test_request_context(base_url=current_app.config.get("PUBLIC_BASE_URL")
                                                         or "http://localhost/")
            self._ctx.push()
        return self

    def __exit__(self, *exc):
        if self._ctx is not None:
            self._ctx.pop()


def is_overdue(attempt: Attempt, now: datetime | None = None) -> bool:
    """Still open, but its time is up: the next POST of its learner (or the periodic job) closes and grades it."""
    return (attempt.state == AttemptState.IN_PROGRESS and attempt.deadline_at is not None
            and attempt.deadline_at < (now or utcnow()))


def close_overdue(*, quiz: Quiz | None = None, user: User | None = None, now: datetime | None = None) -> int:
    """Close and grade attempts left open past their deadline (on their learner's POST — start, save, the time-out
    page — and by the periodic job; a GET never closes them)."""
    now = now or utcnow()
    query = select(Attempt).where(Attempt.state == AttemptState.IN_PROGRESS, Attempt.deadline_at.is_not(None),
                                  Attempt.deadline_at < now)
    if quiz is not None:
        query = query.where(Attempt.quiz_id == quiz.id)
    if user is not None:
        query = query.where(Attempt.user_id == user.id)
    closed = 0
    for attempt in db.session.scalars(query.order_by(Attempt.id)).all():
        if finish_attempt(attempt, reason=FinishReason.TIMEOUT, now=now):
            closed += 1
    return closed


# --- review -------------------------------------------------------------------------------------------------


def review_for(viewer: User, attempt: Attempt, now: datetime | None = None) -> Review:
    if viewer.id != attempt.user_id:
        return Review(True, True, True, is_staff=True)
    if attempt.state != AttemptState.FINISHED:
        return Review()
    quiz = attempt.quiz
    if quiz.review_when == ReviewWhen.AFTER_CLOSE:
        close_at = effective_limits(quiz, attempt.user).close_at
        if close_at is None or (now or utcnow()) < close_at:
            return Review(opens_at=close_at)
    return Review(quiz.is_score_shown, quiz.is_right_answers_shown, quiz.is_feedback_shown)


def slot_review(slot: AttemptSlot) -> Review:
    """Practice mode, during the attempt: a checked answer shows what the quiz's review options allow."""
    quiz = slot.attempt.quiz
    if slot.checked_at is None or quiz.review_when != ReviewWhen.IMMEDIATELY:
        return Review()
    return Review(quiz.is_score_shown, quiz.is_right_answers_shown, quiz.is_feedback_shown)


def feedback_band(quiz: Quiz, percent: float | None) -> str | None:
    if percent is None:
        return None
    bands = sorted(quiz.feedback_bands or [], key=lambda b: b["min_percent"], reverse=True)
    return next((b["text"] for b in bands if percent >= b["min_percent"]), None)


# --- manual grading -----------------------------------------------------------------------------------------

def grading_queue(viewer: User) -> list[AttemptSlot]:
    """Essays awaiting a mark that the viewer may grade: one query for the slots with their attempts, learners,
    quizzes and questions, then one scope query per quiz (not per essay)."""

    if not can_manage(viewer):
        return []
    slots = db.session.scalars(
        select(AttemptSlot).join(Attempt).where(AttemptSlot.is_awaiting_grading.is_(True),
                                                Attempt.state == AttemptState.FINISHED)
        .options(selectinload(AttemptSlot.attempt).selectinload(Attempt.user),
                 selectinload(AttemptSlot.attempt).selectinload(Attempt.quiz),
                 selectinload(AttemptSlot.version).selectinload(QuestionVersion.question))
        .order_by(Attempt.submitted_at, AttemptSlot.slot_no)).all()
    learners_by_quiz: dict[int, set[int]] = {}
    for slot in slots:
        learners_by_quiz.setdefault(slot.attempt.quiz_id, set()).add(slot.attempt.user_id)
    allowed: set[tuple[int, int]] = set()
    for quiz_id, user_ids in learners_by_quiz.items():
        quiz = db.session.get(Quiz, quiz_id)
        allowed.update((quiz_id, uid) for uid in db.session.scalars(
            select(User.id).where(User.id.in_(user_ids), learner_scope(viewer, quiz))))
    return [s for s in slots
            if s.attempt.user_id != viewer.id and (s.attempt.quiz_id, s.attempt.user_id) in allowed]


def grade_slot(grader: User, slot: AttemptSlot, mark: float, comment: str) -> None:
    attempt = slot.attempt
    if not can_review(grader, attempt):
        raise NotAllowed("Проверять ответы этого слушателя может его преподаватель или кадровая служба.")
    if attempt.state != AttemptState.FINISHED:
        raise DomainError("Попытка ещё не завершена.")
    if slot.version.type != QuestionType.ESSAY:
        raise DomainError("Вручную оцениваются только развёрнутые ответы.")
    if not 0 <= mark <= slot.max_mark:
        raise DomainError(f"Оценка — от 0 до {grading.format_number(slot.max_mark)}.")
    first_time = slot.graded_at is None
    slot.manual_mark, slot.manual_comment = mark, (comment or "").strip()[:4000] or None
    slot.fraction = mark / slot.max_mark if slot.max_mark else 0.0
    slot.is_awaiting_grading = False
    slot.graded_by_id, slot.graded_at = grader.id, utcnow()
    recompute_totals(attempt)
    quiz = attempt.quiz
    if attempt.percent is not None:
        text = (f"Тест «{quiz.title}» проверен: {grading.format_number(attempt.percent)} %"
                + (" — тест сдан." if attempt.is_passed else "."))
    else:
        text = f"Преподаватель проверил ваш ответ в тесте «{quiz.title}»; остальные ответы ещё проверяются."
    if not first_time:
        text = f"Оценка вашего ответа в тесте «{quiz.title}» изменена."
    with _url_context():
        notify(attempt.user, "quiz.graded", text, url_for("quizzes.result", attempt_id=attempt.id))
    after_grading(attempt)


# --- results ------------------------------------------------------------------------------------------------

@dataclass
class LearnerResult:
    user: User
    attempts: list[Attempt]
    grade: float | None
    passed: bool


def results(viewer: User, quiz: Quiz) -> list[LearnerResult]:
    """Every learner's attempts and grade (an attempt past its deadline counts once closed: by its learner's next
    visit or by the periodic job ``quizzes.close-overdue-attempts``)."""
    rows = db.session.execute(select(Attempt, User).join(User, User.id == Attempt.user_id)
                              .where(Attempt.quiz_id == quiz.id, learner_scope(viewer, quiz))
                              .options(selectinload(User.centre))
                              .order_by(User.full_name, User.id, Attempt.attempt_no)).all()
    by_user: dict[int, tuple[User, list[Attempt]]] = {}
    for attempt, user in rows:
        by_user.setdefault(user.id, (user, []))[1].append(attempt)
    out = []
    for user, attempts in by_user.values():
        grade = grade_by_method(quiz.grading_method, [a for a in attempts if a.state == AttemptState.FINISHED])
        out.append(LearnerResult(user, attempts, grade, is_quiz_passed(quiz, grade)))
    return out


RESULTS_HEADER = ["ФИО", "Табельный номер", "ЦЗН", "Попытка", "Начата", "Завершена", "Баллы", "Из", "Процент",
                  "Сдано", "Итог по тесту, %", "Тест сдан"]


def results_rows(quiz: Quiz, rows: list[LearnerResult]) -> list[list]:

    out = []
    for row in rows:
        for attempt in row.attempts:
            out.append([row.user.full_name, row.user.personnel_number or "",
                        row.user.centre.name if row.user.centre else "", attempt.attempt_no,
                        ru_datetime(attempt.started_at), ru_datetime(attempt.submitted_at) if attempt.submitted_at
                        else "в процессе", attempt.score if attempt.is_finished else "",
                        attempt.max_score if attempt.is_finished else "",
                        attempt.percent if attempt.percent is not None else "",
                        ("да" if attempt.is_passed else "нет") if attempt.percent is not None else "",
                        row.grade if row.grade is not None else "", "да" if row.passed else "нет"])
    return out


# --- learner's list -----------------------------------------------------------------------------------------

def quizzes_for(user: User) -> tuple[list[Quiz], list[Quiz]]:
    """The block quizzes of the learner's course and the custom quizzes open to them."""

    course_ids = select(Enrolment.course_id).where(Enrolment.user_id == user.id)
    block_quizzes = list(db.session.scalars(select(Quiz).join(Block, Block.id == Quiz.block_id)
                                            .where(Block.course_id.in_(course_ids)).order_by(Block.number)))
    custom: Select = select(Quiz).where(Quiz.block_id.is_(None), Quiz.is_published.is_(True))
    custom = custom.where((Quiz.regional_service_id.is_(None))
                          | (Quiz.regional_service_id == user.regional_service_id))
    return block_quizzes, list(db.session.scalars(custom.order_by(Quiz.created_at.desc())))


def managed_quizzes(viewer: User) -> list[Quiz]:
    query = (select(Quiz).where(Quiz.block_id.is_(None),
                                scopes.open_to_condition(viewer, service=Quiz.regional_service_id))
             .order_by(Quiz.created_at.desc()))
    return list(db.session.scalars(query))


def can_oversee_quiz(viewer: User, quiz: Quiz) -> bool:
    """Open the quiz's staff pages (overrides, results, statistics), each showing only the viewer's learners:
    any teacher, HR or administrator for a block quiz of the course; a custom quiz within its scope."""
    if not can_manage(viewer):
        return False
    return quiz.block_id is not None or scopes.open_to(viewer, quiz)


def can_manage_quiz(viewer: User, quiz: Quiz) -> bool:
    """Change the quiz itself (settings, live games). A block quiz belongs to the course, shared by every
    region: only its owners (administrators and the teachers they name) change it."""
    if not can_oversee_quiz(viewer, quiz):
        return False
    return quiz.block_id is None or is_course_owner(viewer, quiz.block.course)


def statistics_scope(viewer: User, quiz: Quiz):
    """The learners whose attempts the quiz statistics are built from: all of them for those who may change the
    quiz (the course's owners, administrators), else the viewer's own learners (``learner_scope``)."""
    return None if can_manage_quiz(viewer, quiz) else learner_scope(viewer, quiz)


def create_custom_quiz(actor: User, title: str) -> Quiz:
    title = title.strip()
    if len(title) < 3:
        raise DomainError("Назовите тест.")
    quiz = Quiz(block_id=None, title=title[:300], questions_per_attempt=0, draw_rules=[], pass_percent=60,
                feedback_bands=[], is_published=False, created_by_id=actor.id,
                regional_service_id=None if actor.has_role(Role.ADMIN) else actor.regional_service_id)
    apply_preset(quiz, Preset.PRACTICE)
    db.session.add(quiz)
    db.session.flush()
    audit.record(actor, "quiz.create", "quiz", quiz.id, after={"title": quiz.title}, summary=f"Создан тест «{title}»")
    return quiz


SETTINGS_FIELDS = ("title", "description", "preset", "questions_per_attempt", "draw_rules", "is_answers_shuffled",
                   "time_limit_minutes", "max_attempts", "grading_method", "pass_percent", "feedback_bands",
                   "review_when", "is_score_shown", "is_right_answers_shown", "is_feedback_shown", "open_at",
                   "close_at", "is_published")


def update_settings(actor: User, quiz: Quiz, values: dict[str, Any]) -> None:
    if values.get("open_at") and values.get("close_at") and values["close_at"] <= values["open_at"]:
        raise DomainError("Тест должен закрываться позже, чем открывается.")
    valid_categories = {c.id for c in db.session.scalars(select(QuestionCategory).where(
        _bank_condition(QuestionCategory.block_id, quiz)))}
    for rule in values.get("draw_rules") or []:
        if rule["category_id"] not in valid_categories:
            raise DomainError("Правило выборки ссылается на категорию другого банка.")
    before = {key: getattr(quiz, key) for key in SETTINGS_FIELDS}
    for key in SETTINGS_FIELDS:
        if key in values:
            setattr(quiz, key, values[key])
    db.session.flush()
    audit.record_changes(actor, "quiz.settings", "quiz", quiz.id, before=before,
                         after={key: getattr(quiz, key) for key in SETTINGS_FIELDS},
                         summary=f"Изменены настройки теста «{quiz.title}»")
