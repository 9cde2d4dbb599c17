"""«Обучение рядом с качеством обслуживания»: a centre's client metrics before and after its staff took the
course, and HR's course dashboard. Before/after is a correlation, never proof of effect (other things change
too: season, staffing, demand); the pages say so."""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import and_, func, select

from training.accounts.models import User
from training.certificates.models import Certificate
from training.courses.models import Block, Cohort, Course, Enrolment
from training.extensions import db
from training.measures.periods import MONTH, Period, local_today, period_of
from training.metrics.centre_index import snapshots
from training.metrics.dashboards.presenters import FIGURES, pooled
from training.org.models import Centre, Department
from training.quizzes.models import Attempt, AttemptState, Quiz

#: the centre counts as trained on the day this share of its enrolled staff had completed the course
TRAINED_SHARE = 0.8
WINDOW_MONTHS = 3
COMPARED = ("nps", "ces", "csat", "expectations_met", "resolution_rate", "fcr", "net_fcr", "escalation_rate",
            "ttfr", "waiting", "iqs", "staff_rating")


def the_course():

    return db.session.scalar(select(Course).order_by(Course.id))


@dataclass
class TrainingWindow:
    enrolled: int
    completed: int
    started: date | None
    trained_on: date | None  # None: fewer than TRAINED_SHARE completed yet


def training_window(centre: Centre, course) -> TrainingWindow:

    rows = db.session.execute(
        select(Cohort.start_date, Enrolment.completed_at).join(Cohort, Cohort.id == Enrolment.cohort_id)
        .join(User, User.id == Enrolment.user_id)
        .where(Enrolment.course_id == course.id, User.centre_id == centre.id)).all()
    if not rows:
        return TrainingWindow(0, 0, None, None)
    completions = sorted(c.date() for _, c in rows if c is not None)
    needed = max(1, math.ceil(len(rows) * TRAINED_SHARE - 1e-9))
    trained_on = completions[needed - 1] if len(completions) >= needed else None
    return TrainingWindow(len(rows), len(completions), min(s for s, _ in rows), trained_on)


def _months_before(day: date, count: int) -> list[Period]:
    result, current = [], period_of(MONTH, day).previous()
    while len(result) < count:
        result.append(current)
        current = current.previous()
    return list(reversed(result))


def _months_after(day: date, count: int, today: date) -> list[Period]:
    result, current = [], period_of(MONTH, day).next()
    while len(result) < count and current.end < today:
        result.append(current)
        current = current.next()
    return result


@dataclass
class Comparison:
    window: TrainingWindow
    before: list[Period] = field(default_factory=list)
    after: list[Period] = field(default_factory=list)
    rows: list[dict[str, Any]] = field(default_factory=list)


def before_after(centre: Centre, course, today: date | None = None) -> Comparison:
    today = today or local_today()
    window = training_window(centre, course)
    result = Comparison(window)
    if window.started is None:
        return result
    result.before = _months_before(window.started, WINDOW_MONTHS)
    if window.trained_on:
        result.after = _months_after(window.trained_on, WINDOW_MONTHS, today)
    before_rows = [s for _, s in snapshots.series(snapshots.CENTRE, centre.id, result.before)]
    after_rows = [s for _, s in snapshots.series(snapshots.CENTRE, centre.id, result.after)] if result.after else []

    def index_mean(rows):
        values = [s.index_value for s in rows if s is not None and s.is_published and s.index_value is not None]
        return {"value": sum(values) / len(values), "n": len(values)} if values else None

    lines = [("index", "Индекс клиентоцентричности", index_mean(before_rows), index_mean(after_rows), True)]
    for key in COMPARED:
        lines.append((key, FIGURES[key][0], pooled(before_rows, key), pooled(after_rows, key), FIGURES[key][2]))
    for key, title, was, now, higher_better in lines:
        delta = now["value"] - was["value"] if was and now else None
        result.rows.append({"key": key, "title": title, "before": was, "after": now, "delta": delta,
                            "better": None if delta is None or abs(delta) < 1e-9 else (delta > 0) == higher_better})
    return result


# --- HR's course dashboard -------------------------------------------------------------------------------------

@dataclass
class CourseRow:
    name: str
    staff: int
    enrolled: int
    completed: int
    first_pass: tuple[int, int] | None = None  # (passed at first attempt, first attempts)
    certificates: tuple[int, int] | None = None  # (valid, expiring within 90 days)

    @property
    def completion(self) -> float | None:
        return self.completed / self.enrolled * 100 if self.enrolled else None

    @property
    def participation(self) -> float | None:
        return self.enrolled / self.staff * 100 if self.staff else None

    @property
    def first_pass_rate(self) -> float | None:
        if not self.first_pass or not self.first_pass[1]:
            return None
        return self.first_pass[0] / self.first_pass[1] * 100


def _group_counts(query, key) -> dict[int, int]:
    return {k: v for k, v in db.session.execute(query.group_by(key)).all() if k is not None}


def course_dashboard(course, centres: list[Centre], today: date | None = None) -> dict[str, Any]:
    """Per centre and department: staff, enrolled, completed, first-attempt pass rate (if quizzes exist),
    certificates valid / expiring (if certificates exist)."""

    today = today or local_today()
    centre_ids = [c.id for c in centres]
    if not centre_ids:
        return {"centres": [], "departments": [], "has_quizzes": False, "has_certificates": False}
    staff = select(User.centre_id, func.count()).where(User.is_active, User.centre_id.in_(centre_ids))
    staff_by_centre = _group_counts(staff, User.centre_id)
    staff_by_department = _group_counts(
        select(User.department_id, func.count()).where(User.is_active, User.centre_id.in_(centre_ids)),
        User.department_id)
    enrolled = select(User.centre_id, func.count()).join(Enrolment, Enrolment.user_id == User.id) \
        .where(Enrolment.course_id == course.id, User.centre_id.in_(centre_ids))
    enrolled_by_centre = _group_counts(enrolled, User.centre_id)
    completed_by_centre = _group_counts(enrolled.where(Enrolment.completed_at.is_not(None)), User.centre_id)
    enrolled_d = select(User.department_id, func.count()).join(Enrolment, Enrolment.user_id == User.id) \
        .where(Enrolment.course_id == course.id, User.centre_id.in_(centre_ids))
    enrolled_by_department = _group_counts(enrolled_d, User.department_id)
    completed_by_department = _group_counts(enrolled_d.where(Enrolment.completed_at.is_not(None)), User.department_id)
    # first attempts of the course's block quizzes
    base = (select(User.centre_id, User.department_id, Attempt.is_passed)
            .join(Attempt, Attempt.user_id == User.id).join(Quiz, Quiz.id == Attempt.quiz_id)
            .join(Block, Block.id == Quiz.block_id)
            .where(Block.course_id == course.id, Attempt.attempt_no == 1,
                   Attempt.state == AttemptState.FINISHED, Attempt.is_awaiting_grading.is_(False),
                   User.centre_id.in_(centre_ids)))
    first_pass_c, first_pass_d = {}, {}
    for centre_id, department_id, passed in db.session.execute(base):
        for target, key in ((first_pass_c, centre_id), (first_pass_d, department_id)):
            if key is None:
                continue
            done, total = target.get(key, (0, 0))
            target[key] = (done + int(bool(passed)), total + 1)
    # certificates still valid
    certs_c, certs_d = {}, {}
    rows = db.session.execute(
        select(User.centre_id, User.department_id, Certificate.expires_on)
        .join(Certificate, Certificate.holder_id == User.id)
        .where(User.centre_id.in_(centre_ids), Certificate.revoked_at.is_(None),
               Certificate.superseded_by_id.is_(None),
               and_(Certificate.enrolment_id.is_not(None)),
               (Certificate.expires_on.is_(None)) | (Certificate.expires_on >= today)))
    soon = today + timedelta(days=90)
    for centre_id, department_id, expires in rows:
        for target, key in ((certs_c, centre_id), (certs_d, department_id)):
            if key is None:
                continue
            valid, expiring = target.get(key, (0, 0))
            target[key] = (valid + 1, expiring + int(expires is not None and expires <= soon))
    centre_rows = [CourseRow(c.name, staff_by_centre.get(c.id, 0), enrolled_by_centre.get(c.id, 0),
                             completed_by_centre.get(c.id, 0),
                             first_pass_c.get(c.id, (0, 0)) if first_pass_c is not None else None,
                             certs_c.get(c.id, (0, 0)) if certs_c is not None else None) for c in centres]
    departments = list(db.session.scalars(select(Department).where(Department.centre_id.in_(centre_ids))
                                          .order_by(Department.centre_id, Department.name)))
    names = {c.id: c.name for c in centres}
    department_rows = [CourseRow(f"{names[d.centre_id]} / {d.name}", staff_by_department.get(d.id, 0),
                                 enrolled_by_department.get(d.id, 0), completed_by_department.get(d.id, 0),
                                 first_pass_d.get(d.id, (0, 0)) if first_pass_d is not None else None,
                                 certs_d.get(d.id, (0, 0)) if certs_d is not None else None) for d in departments]
    return {"centres": centre_rows, "departments": department_rows, "has_quizzes": first_pass_c is not None,
            "has_certificates": certs_c is not None}
