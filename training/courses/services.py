"""The rules of the course: cohorts and enrolment, stages and completion, questions, discussion, cases.

Completion is computed in the same transaction that records the last stage, so the learner sees the block (and
the course) complete on the very page that answered. Each stage timestamp is set by a conditional UPDATE
(``… WHERE column IS NULL``), so doing a stage twice — in two tabs or by a double tap — records it once."""
from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, timedelta

from flask import current_app
from sqlalchemy import Select, and_, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased, joinedload, load_only, selectinload

from training.accounts import scopes
from training.accounts.models import Role, User
from training.accounts.scopes import visible_staff
from training.audit import services as audit
from training.courses import attachments
from training.courses.models import (
    STAGE_COLUMNS,
    Block,
    BlockProgress,
    CaseStatus,
    CaseSubmission,
    Cohort,
    CohortTeacher,
    Course,
    CourseOwner,
    DiscussionPost,
    Enrolment,
    PracticalCase,
    Stage,
    TeacherQuestion,
)
from training.db import utcnow
from training.errors import DomainError, NotAllowed
from training.extensions import db
from training.notifications.services import notify
from training.signals import block_completed, case_accepted, course_completed
from training.templating import plural
from training.web import path_for


def add_months(start: date, months: int) -> date:
    """Calendar months: 31 January + 1 month = 28/29 February."""
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def the_course() -> Course:
    course = db.session.scalar(select(Course).order_by(Course.id))
    if course is None:
        raise DomainError("Курс ещё не загружен: выполните «flask seed course».")
    return course


# --- cohorts and enrolment ---------------------------------------------------------------------------------

# --- course owners --------------------------------------------------------------------------------------------

def is_course_owner(user: User, course: Course) -> bool:
    """Administrators, and the teachers an administrator named owners of the course: they set the course's
    block quizzes (and their question banks) for every region."""
    if user.has_role(Role.ADMIN):
        return True
    return user.has_role(Role.TEACHER) and db.session.scalar(
        select(CourseOwner.id).where(CourseOwner.course_id == course.id, CourseOwner.user_id == user.id)) is not None


def course_owners(course: Course) -> list[CourseOwner]:
    return list(db.session.scalars(select(CourseOwner).where(CourseOwner.course_id == course.id)
                                   .options(joinedload(CourseOwner.user)).order_by(CourseOwner.id)))


def owner_candidates(course: Course) -> list[User]:
    """Teachers who are not owners yet."""
    owners = {o.user_id for o in course_owners(course)}
    return [u for u in scopes.staff_with_role(Role.TEACHER) if u.id not in owners]


def add_course_owner(actor: User, course: Course, person: User | None) -> CourseOwner:
    if not actor.has_role(Role.ADMIN):
        raise NotAllowed("Владельцев курса назначает администратор.")
    if person is None or not person.is_active or not person.has_role(Role.TEACHER):
        raise DomainError("Владельцем курса может быть действующий сотрудник с ролью «преподаватель».")
    if db.session.scalar(select(CourseOwner.id).where(CourseOwner.course_id == course.id,
                                                      CourseOwner.user_id == person.id)):
        raise DomainError(f"{person.full_name} уже владелец курса.")
    owner = CourseOwner(course_id=course.id, user_id=person.id, added_by_id=actor.id, added_at=utcnow())
    db.session.add(owner)
    db.session.flush()
    audit.record(actor, "course.owner_add", "course", course.id, after={"owner": person.full_name},
                 summary=f"Владелец курса «{course.short_title}»: {person.full_name}")
    return owner


def remove_course_owner(actor: User, course: Course, owner_id: int) -> None:
    if not actor.has_role(Role.ADMIN):
        raise NotAllowed("Владельцев курса назначает администратор.")
    owner = db.session.get(CourseOwner, owner_id)
    if owner is None or owner.course_id != course.id:
        raise DomainError("Этот сотрудник уже не владелец курса.")
    audit.record(actor, "course.owner_remove", "course", course.id, before={"owner": owner.user.full_name},
                 summary=f"Снят владелец курса «{course.short_title}»: {owner.user.full_name}")
    db.session.delete(owner)


def create_cohort(actor: User, course: Course, *, name: str, start_date: date, months: int | None = None,
                  is_sequential: bool = False, teacher_ids: list[int] | None = None,
                  regional_service_id: int | None = None) -> Cohort:
    limit = min(course.duration_months, current_app.config["COURSE_MAX_MONTHS"])
    months = months or limit
    if months < 1 or months > limit:
        raise DomainError(f"Срок обучения — от 1 до {limit} календарных месяцев.")
    service_id = regional_service_id if actor.has_role(Role.ADMIN) and regional_service_id else \
        actor.regional_service_id
    if service_id is None:
        raise DomainError("Укажите службу занятости группы.")
    cohort = Cohort(course_id=course.id, name=name.strip(), start_date=start_date,
                    deadline=add_months(start_date, months), is_sequential=is_sequential,
                    regional_service_id=service_id, created_by_id=actor.id)
    db.session.add(cohort)
    db.session.flush()
    set_cohort_teachers(actor, cohort, teacher_ids or [])
    audit.record(actor, "course.cohort_create", "cohort", cohort.id,
                 after={"name": cohort.name, "start_date": start_date, "deadline": cohort.deadline,
                        "is_sequential": is_sequential}, summary=f"Создана группа обучения «{cohort.name}»")
    return cohort


def set_cohort_teachers(actor: User, cohort: Cohort, teacher_ids: list[int]) -> None:
    teachers = list(db.session.scalars(select(User).where(User.id.in_(teacher_ids)))) if teacher_ids else []
    for teacher in teachers:
        if not teacher.has_role(Role.TEACHER) or teacher.regional_service_id != cohort.regional_service_id:
            raise DomainError(f"{teacher.full_name} не преподаватель этой службы занятости.")
    db.session.execute(CohortTeacher.__table__.delete().where(CohortTeacher.cohort_id == cohort.id))
    for teacher in teachers:
        db.session.add(CohortTeacher(cohort_id=cohort.id, user_id=teacher.id))


def update_cohort(actor: User, cohort: Cohort, *, name: str, is_sequential: bool, is_auto_certificate: bool,
                  teacher_ids: list[int]) -> None:
    before = {"name": cohort.name, "is_sequential": cohort.is_sequential,
              "is_auto_certificate": cohort.is_auto_certificate, "teachers": sorted(t.id for t in cohort.teachers)}
    cohort.name, cohort.is_sequential, cohort.is_auto_certificate = name.strip(), is_sequential, is_auto_certificate
    set_cohort_teachers(actor, cohort, teacher_ids)
    db.session.flush()
    db.session.expire(cohort, ["teachers"])
    after = {"name": cohort.name, "is_sequential": is_sequential, "is_auto_certificate": is_auto_certificate,
             "teachers": sorted(teacher_ids)}
    audit.record_changes(actor, "course.cohort_update", "cohort", cohort.id, before=before, after=after,
                         summary=f"Изменена группа «{cohort.name}»")


def can_manage_cohort(user: User, cohort: Cohort) -> bool:
    """HR of the cohort's service, administrators."""
    return scopes.can_administer(user, cohort)


def can_teach_cohort(user: User, cohort: Cohort) -> bool:
    if can_manage_cohort(user, cohort):
        return True
    return user.has_role(Role.TEACHER) and db.session.scalar(
        select(CohortTeacher.id).where(CohortTeacher.cohort_id == cohort.id, CohortTeacher.user_id == user.id)
    ) is not None


def visible_cohorts(user: User) -> Select:
    query = select(Cohort).order_by(Cohort.start_date.desc(), Cohort.id.desc())
    if user.has_role(*Role.SERVICE_ADMINS):
        return query.where(scopes.administrable_condition(user, service=Cohort.regional_service_id))
    if user.has_role(Role.MANAGER):  # the cohorts their centre's people learn in
        return query.where(Cohort.id.in_(select(Enrolment.cohort_id).join(User, User.id == Enrolment.user_id)
                                         .where(User.centre_id == user.centre_id)))
    return query.where(Cohort.id.in_(select(CohortTeacher.cohort_id).where(CohortTeacher.user_id == user.id)))


def overdue_learners(user: User, today: date | None = None) -> list[Enrolment]:
    """For a supervisor's home page: learners in the cohorts they see whose deadline has passed without finishing
    (a manager: only their centre's people), the longest overdue first."""
    query = (select(Enrolment).join(Cohort, Cohort.id == Enrolment.cohort_id).join(User, User.id == Enrolment.user_id)
             .where(Cohort.id.in_(visible_cohorts(user).with_only_columns(Cohort.id)),
                    Enrolment.completed_at.is_(None), Cohort.deadline < (today or date.today()))
             .options(selectinload(Enrolment.user), selectinload(Enrolment.cohort))
             .order_by(Cohort.deadline, User.full_name).limit(50))
    if not user.has_role(*Role.SERVICE_ADMINS):
        query = query.where(User.centre_id == user.centre_id)
    return list(db.session.scalars(query))


@dataclass
class EnrolResult:
    enrolled: list[User] = field(default_factory=list)
    already: list[User] = field(default_factory=list)
    refused: list[tuple[User, str]] = field(default_factory=list)


def enrol(actor: User, cohort: Cohort, people: list[User]) -> EnrolResult:
    """Enrol people into a cohort; those already taking the course are reported, never duplicated."""
    if not can_manage_cohort(actor, cohort):
        raise NotAllowed("Записывать в эту группу может кадровая служба её СЗН.")
    result = EnrolResult()
    taken = set(db.session.scalars(select(Enrolment.user_id).where(
        Enrolment.course_id == cohort.course_id, Enrolment.user_id.in_([p.id for p in people]))))
    for person in people:
        if person.id in taken:
            result.already.append(person)
        elif not person.is_active:
            result.refused.append((person, "учётная запись отключена"))
        elif person.regional_service_id != cohort.regional_service_id:
            result.refused.append((person, "сотрудник другой службы занятости"))
        else:
            try:
                with db.session.begin_nested():
                    db.session.add(Enrolment(course_id=cohort.course_id, cohort_id=cohort.id, user_id=person.id,
                                             enrolled_by_id=actor.id))
            except IntegrityError:  # enrolled a moment ago by someone else
                result.already.append(person)
                continue
            taken.add(person.id)
            result.enrolled.append(person)
            notify(person, "course.enrolled",
                   f"Вы записаны на курс «{cohort.course.short_title}». Срок — до {cohort.deadline:%d.%m.%Y}.",
                   path_for("courses.index"))
    if result.enrolled:
        audit.record(actor, "course.enrol", "cohort", cohort.id,
                     after={"user_ids": [p.id for p in result.enrolled]},
                     summary=f"В группу «{cohort.name}» записано: {len(result.enrolled)}")
    return result


def people_for_enrolment(actor: User, *, user_ids: list[int] | None = None, department_id: int | None = None,
                         centre_id: int | None = None) -> list[User]:

    query = visible_staff(actor).where(User.is_active)
    if user_ids:
        query = query.where(User.id.in_(user_ids))
    elif department_id:
        query = query.where(User.department_id == department_id)
    elif centre_id:
        query = query.where(User.centre_id == centre_id)
    else:
        return []
    return list(db.session.scalars(query.order_by(User.full_name)))


def enrolment_of(user: User, course: Course | None = None) -> Enrolment | None:
    """The person's latest enrolment, with its cohort and course in the same statement (every page that asks
    shows them)."""
    query = select(Enrolment).where(Enrolment.user_id == user.id).options(
        joinedload(Enrolment.cohort).joinedload(Cohort.course))
    if course is not None:
        query = query.where(Enrolment.course_id == course.id)
    return db.session.scalar(query.order_by(Enrolment.id.desc()))


def completed_enrolment_of(user: User) -> Enrolment | None:
    return db.session.scalar(select(Enrolment).where(Enrolment.user_id == user.id, Enrolment.completed_at.is_not(None))
                             .order_by(Enrolment.completed_at.desc()))


# --- progress ----------------------------------------------------------------------------------------------

def progress_row(enrolment: Enrolment, block: Block) -> BlockProgress:
    row = db.session.scalar(select(BlockProgress).where(BlockProgress.enrolment_id == enrolment.id,
                                                        BlockProgress.block_id == block.id))
    if row is not None:
        return row
    try:
        with db.session.begin_nested():
            row = BlockProgress(enrolment_id=enrolment.id, block_id=block.id)
            db.session.add(row)
    except IntegrityError:  # created by a parallel request
        row = db.session.scalar(select(BlockProgress).where(BlockProgress.enrolment_id == enrolment.id,
                                                            BlockProgress.block_id == block.id))
    return row


def _earlier_blocks(enrolment_id, course_id, number: int):
    """The blocks before block `number` of the course and how many of them the enrolment has completed, as two
    scalar subqueries (values or columns of an outer statement): in a sequential cohort a block opens when the
    second equals the first."""
    earlier_block, earlier_progress = aliased(Block), aliased(BlockProgress)
    total = (select(func.count()).select_from(earlier_block)
             .where(earlier_block.course_id == course_id, earlier_block.number < number).scalar_subquery())
    done = (select(func.count()).select_from(earlier_progress)
            .join(earlier_block, earlier_block.id == earlier_progress.block_id)
            .where(earlier_progress.enrolment_id == enrolment_id, earlier_progress.completed_at.is_not(None),
                   earlier_block.number < number).scalar_subquery())
    return total, done


def is_block_open(enrolment: Enrolment, block: Block) -> bool:
    """In sequential cohorts a block opens when every earlier block is complete."""
    if not enrolment.cohort.is_sequential:
        return True
    earlier, done = db.session.execute(select(*_earlier_blocks(enrolment.id, block.course_id, block.number))).one()
    return done >= earlier


def ensure_block_open(enrolment: Enrolment, block: Block) -> None:
    if not is_block_open(enrolment, block):
        raise DomainError("В вашей группе блоки проходятся по порядку: сначала завершите предыдущие блоки.")


def open_lesson(enrolment: Enrolment, block: Block, row: BlockProgress | None = None) -> BlockProgress:
    """Record the first opening of the lesson once; ``row``: the progress row the caller has already read."""
    row = row or progress_row(enrolment, block)
    if row.lesson_opened_at is None:
        db.session.execute(update(BlockProgress).where(BlockProgress.id == row.id,
                                                       BlockProgress.lesson_opened_at.is_(None))
                           .values(lesson_opened_at=utcnow()))
    return row


def complete_stage(enrolment: Enrolment, block: Block, stage: Stage) -> bool:
    """Record a stage once; returns True when this call recorded it. Then completes the block/course."""
    ensure_block_open(enrolment, block)
    row = progress_row(enrolment, block)
    column = getattr(BlockProgress, STAGE_COLUMNS[stage])
    result = db.session.execute(update(BlockProgress).where(BlockProgress.id == row.id, column.is_(None))
                                .values({STAGE_COLUMNS[stage]: utcnow()}))
    db.session.refresh(row)
    if result.rowcount:
        _complete_block_if_done(enrolment, block, row)
    return bool(result.rowcount)


def _complete_block_if_done(enrolment: Enrolment, block: Block, row: BlockProgress) -> None:
    result = db.session.execute(update(BlockProgress).where(
        BlockProgress.id == row.id, BlockProgress.completed_at.is_(None), BlockProgress.lesson_done_at.is_not(None),
        BlockProgress.quiz_passed_at.is_not(None), BlockProgress.case_accepted_at.is_not(None),
    ).values(completed_at=utcnow()))
    if not result.rowcount:
        return
    db.session.refresh(row)
    done = db.session.scalar(select(func.count()).select_from(BlockProgress).where(
        BlockProgress.enrolment_id == enrolment.id, BlockProgress.completed_at.is_not(None)))
    enrolment.blocks_completed = done
    block_completed.send(enrolment.user, enrolment=enrolment, block=block)
    total = db.session.scalar(select(func.count()).select_from(Block).where(Block.course_id == enrolment.course_id))
    if done >= total:
        finished = db.session.execute(update(Enrolment).where(Enrolment.id == enrolment.id,
                                                              Enrolment.completed_at.is_(None))
                                      .values(completed_at=utcnow()))
        db.session.refresh(enrolment)
        if finished.rowcount:
            notify(enrolment.user, "course.completed",
                   "Поздравляем! Курс пройден полностью. Сертификат будет выдан кадровой службой.",
                   path_for("courses.index"), dedupe_key=f"course-completed:{enrolment.id}")
            course_completed.send(enrolment.user, enrolment=enrolment)


@dataclass
class BlockState:
    block: Block
    row: BlockProgress | None
    is_open: bool
    case_status: CaseStatus | None = None  # the latest answer's status (on the pages that need it)

    @property
    def case_in_review(self) -> bool:
        return not self.case_accepted and self.case_status == CaseStatus.SUBMITTED

    @property
    def lesson_done(self) -> bool:
        return bool(self.row and self.row.lesson_done_at)

    @property
    def quiz_passed(self) -> bool:
        return bool(self.row and self.row.quiz_passed_at)

    @property
    def case_accepted(self) -> bool:
        return bool(self.row and self.row.case_accepted_at)

    @property
    def completed(self) -> bool:
        return bool(self.row and self.row.completed_at)

    @property
    def stages_done(self) -> int:
        return sum((self.lesson_done, self.quiz_passed, self.case_accepted))

    @property
    def next_stage(self) -> Stage | None:
        for stage, done in ((Stage.LESSON, self.lesson_done), (Stage.QUIZ, self.quiz_passed),
                            (Stage.CASE, self.case_accepted)):
            if not done:
                return stage
        return None


@dataclass
class LearnerOverview:
    enrolment: Enrolment
    states: list[BlockState]
    modules: list[tuple[object, int, int]]  # (module, blocks done, blocks total)
    days_left: int
    expected_done: int = 0  # blocks the schedule expects done by today (an even pace from start to deadline)

    @property
    def stages_done(self) -> int:
        return sum(s.stages_done for s in self.states)

    @property
    def stages_total(self) -> int:
        return 3 * len(self.states)

    @property
    def is_behind(self) -> bool:
        """«Вы отстаёте от графика»: fewer blocks done than an even pace would have by today."""
        return self.enrolment.completed_at is None and self.done < self.expected_done

    @property
    def done(self) -> int:
        return sum(s.completed for s in self.states)

    @property
    def total(self) -> int:
        return len(self.states)

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0

    @property
    def next_state(self) -> BlockState | None:
        started = [s for s in self.states if s.is_open and not s.completed and s.stages_done]
        if started:
            return started[0]
        return next((s for s in self.states if s.is_open and not s.completed), None)


_OVERVIEW_BLOCK = (load_only(Block.course_id, Block.module_id, Block.number, Block.title, Block.summary,
                             Block.reading_minutes), joinedload(Block.module))


def learner_overview(enrolment: Enrolment, today: date | None = None) -> LearnerOverview:
    """The course's blocks with their modules and the learner's progress rows, in one statement (the course page
    shows it); the lesson texts are not loaded."""
    pairs = db.session.execute(
        select(Block, BlockProgress, _latest_case_status(enrolment.id))
        .outerjoin(BlockProgress, and_(BlockProgress.block_id == Block.id, BlockProgress.enrolment_id == enrolment.id))
        .where(Block.course_id == enrolment.cohort.course_id).options(*_OVERVIEW_BLOCK)
        .order_by(Block.number)).all()
    return _overview(enrolment, pairs, today)


def _latest_case_status(enrolment_id):
    """The status of the enrolment's latest case answer in the row's block, as a column of the same statement."""
    return (select(CaseSubmission.status).where(CaseSubmission.enrolment_id == enrolment_id,
                                                CaseSubmission.block_id == Block.id)
            .order_by(CaseSubmission.attempt_no.desc()).limit(1).correlate_except(CaseSubmission).scalar_subquery())


def overview_of(user: User, today: date | None = None) -> LearnerOverview | None:
    """The person's latest enrolment (as :func:`enrolment_of`) with its overview, in one statement: the home
    page's panel. None when they are not enrolled."""
    latest = select(func.max(Enrolment.id)).where(Enrolment.user_id == user.id).scalar_subquery()
    rows = db.session.execute(
        select(Enrolment, Block, BlockProgress, _latest_case_status(Enrolment.id))
        .outerjoin(Block, Block.course_id == Enrolment.course_id)
        .outerjoin(BlockProgress, and_(BlockProgress.block_id == Block.id, BlockProgress.enrolment_id == Enrolment.id))
        .where(Enrolment.id == latest).options(joinedload(Enrolment.cohort), *_OVERVIEW_BLOCK)
        .order_by(Block.number)).all()
    if not rows:  # not enrolled
        return None
    return _overview(rows[0][0], [(block, row, status) for _, block, row, status in rows if block is not None],
                     today)


def _overview(enrolment: Enrolment, pairs, today: date | None) -> LearnerOverview:
    states, all_done_before = [], True
    for block, row, case_status in pairs:
        is_open = all_done_before or not enrolment.cohort.is_sequential
        states.append(BlockState(block, row, is_open, case_status))
        all_done_before = all_done_before and bool(row and row.completed_at)
    modules = []
    for module in sorted({s.block.module for s in states}, key=lambda m: m.number):
        in_module = [s for s in states if s.block.module_id == module.id]
        modules.append((module, sum(s.completed for s in in_module), len(in_module)))
    today = today or date.today()
    cohort = enrolment.cohort
    days_left = (cohort.deadline - today).days
    span = max((cohort.deadline - cohort.start_date).days, 1)
    elapsed = min(max((today - cohort.start_date).days, 0), span)
    return LearnerOverview(enrolment, states, modules, days_left, len(states) * elapsed // span)


def block_state(user: User, block: Block) -> BlockState | None:
    """For other domains (e.g. the quiz result page): where the learner stands in a block."""
    enrolment = enrolment_of(user, block.course)
    if enrolment is None:
        return None
    return state_in_block(enrolment, block)


def block_with_state(user: User, number: int, options=()) -> tuple[Block, Enrolment, BlockState] | None:
    """Block `number` of the course of the person's latest enrolment, the enrolment (its cohort and course) and where
    they stand in the block (in a sequential cohort whether it is open: the counts of `is_block_open`), in one
    statement (the lesson page's whole need besides the user); None without an enrolment. The block is None in the
    tuple when the course has no such number."""
    found = db.session.execute(
        select(Enrolment, Block, BlockProgress, _latest_case_status(Enrolment.id),
               *_earlier_blocks(Enrolment.id, Enrolment.course_id, number))
        .outerjoin(Block, and_(Block.course_id == Enrolment.course_id, Block.number == number))
        .outerjoin(BlockProgress, and_(BlockProgress.enrolment_id == Enrolment.id, BlockProgress.block_id == Block.id))
        .where(Enrolment.user_id == user.id)
        .options(joinedload(Enrolment.cohort).joinedload(Cohort.course), joinedload(Block.module), *options)
        .order_by(Enrolment.id.desc()).limit(1)).first()
    if found is None:
        return None
    enrolment, block, row, case_status, earlier_count, done_count = found
    if block is None:
        return None, enrolment, None
    is_open = not enrolment.cohort.is_sequential or done_count >= earlier_count
    return block, enrolment, BlockState(block, row, is_open, case_status)


def state_in_block(enrolment: Enrolment, block: Block) -> BlockState:
    """Where an enrolment stands in a block: its progress row (None before the lesson is opened) and the status
    of its latest case answer, read once, in one statement."""
    latest_case = (select(CaseSubmission.status).where(CaseSubmission.enrolment_id == enrolment.id,
                                                       CaseSubmission.block_id == block.id)
                   .order_by(CaseSubmission.attempt_no.desc()).limit(1).scalar_subquery())
    row, case_status = db.session.execute(
        select(BlockProgress, latest_case).select_from(Enrolment)
        .outerjoin(BlockProgress, and_(BlockProgress.enrolment_id == Enrolment.id, BlockProgress.block_id == block.id))
        .where(Enrolment.id == enrolment.id)).one()
    return BlockState(block, row, is_block_open(enrolment, block), case_status)


# --- stage 2: questions to the teacher and discussion ------------------------------------------------------

def ask_teacher(enrolment: Enrolment, block: Block, text: str) -> TeacherQuestion:
    text = text.strip()
    if len(text) < 5:
        raise DomainError("Сформулируйте вопрос подробнее.")
    question = TeacherQuestion(block_id=block.id, cohort_id=enrolment.cohort_id, author_id=enrolment.user_id,
                               text=text[:4000])
    db.session.add(question)
    db.session.flush()
    for teacher in enrolment.cohort.teachers:
        notify(teacher, "course.question", f"Новый вопрос по блоку {block.number}: {text[:80]}",
               path_for("courses.teacher_queue"))
    return question


def answer_question(teacher: User, question: TeacherQuestion, answer: str) -> None:
    if not can_teach_cohort(teacher, question.cohort):
        raise NotAllowed("Отвечать на вопросы этой группы может её преподаватель.")
    answer = answer.strip()
    if len(answer) < 2:
        raise DomainError("Напишите ответ.")
    first_answer = question.answered_at is None
    question.answer, question.answered_by_id, question.answered_at = answer[:8000], teacher.id, utcnow()
    if first_answer:
        notify(question.author, "course.answer",
               f"Преподаватель ответил на ваш вопрос по блоку {question.block.number}.",
               path_for("courses.discuss", number=question.block.number, _anchor=f"question-{question.id}"))


def discussion_topic(block: Block, number: int | None) -> str | None:
    """The block's discussion prompt ``number`` (1-based), or None."""
    if number is None:
        return None
    if not 1 <= number <= len(block.discussion_prompts):
        raise DomainError("Такой темы для обсуждения в блоке нет.")
    return block.discussion_prompts[number - 1]


def post_discussion(enrolment: Enrolment, block: Block, text: str, topic: int | None = None) -> DiscussionPost:
    """A message to the cohort; ``topic``: the number of the block's discussion prompt it answers."""
    text = text.strip()
    if len(text) < 2:
        raise DomainError("Сообщение пустое.")
    post = DiscussionPost(block_id=block.id, cohort_id=enrolment.cohort_id, author_id=enrolment.user_id,
                          text=text[:4000], topic=discussion_topic(block, topic))
    db.session.add(post)
    return post


def discussion(block: Block, cohort_id: int) -> list[DiscussionPost]:
    return list(db.session.scalars(select(DiscussionPost).where(
        DiscussionPost.block_id == block.id, DiscussionPost.cohort_id == cohort_id)
        .order_by(DiscussionPost.created_at)))


def my_questions(enrolment: Enrolment, block: Block) -> list[TeacherQuestion]:
    return list(db.session.scalars(select(TeacherQuestion).where(
        TeacherQuestion.block_id == block.id, TeacherQuestion.author_id == enrolment.user_id)
        .order_by(TeacherQuestion.created_at)))


# --- stage 3: practical case -------------------------------------------------------------------------------

def case_submissions(enrolment: Enrolment, block: Block) -> list[CaseSubmission]:
    return list(db.session.scalars(select(CaseSubmission).where(
        CaseSubmission.enrolment_id == enrolment.id, CaseSubmission.block_id == block.id)
        .order_by(CaseSubmission.attempt_no)))


def template_answer(case: PracticalCase, values: list[str]) -> tuple[str, list[dict[str, str]]]:
    """The filled answer template as the answer's text (for reading and exports) and as labelled fields."""
    fields = []
    for item, value in zip(case.answer_template, [*values, *[""] * len(case.answer_template)], strict=False):
        value = value.strip()
        if not value:
            raise DomainError(f"Заполните поле «{item['label']}».")
        fields.append({"label": item["label"], "value": value[:4000]})
    return "\n\n".join(f"{f['label']}:\n{f['value']}" for f in fields), fields


def submit_case(enrolment: Enrolment, block: Block, answer: str, *, template_values: list[str] | None = None,
                attachment: attachments.Upload | None = None) -> CaseSubmission:
    """The learner's answer: free text, or the case's answer template filled in (``template_values``), with a photo
    or scan where the case accepts one. Everything is checked before the file is stored."""
    ensure_block_open(enrolment, block)
    case = block.case
    fields = None
    if case is not None and case.answer_template and template_values is not None:
        answer, fields = template_answer(case, template_values)
        if sum(len(f["value"]) for f in fields) < 50:
            raise DomainError("Ответ слишком короткий: раскройте каждый пункт задания (не меньше 50 символов).")
    answer = answer.strip()
    if len(answer) < 50:
        raise DomainError("Ответ слишком короткий: раскройте каждый пункт задания (не меньше 50 символов).")
    previous = case_submissions(enrolment, block)
    if previous and previous[-1].status == CaseStatus.SUBMITTED:
        raise DomainError("Предыдущий ответ ещё на проверке у преподавателя.")
    if previous and previous[-1].status == CaseStatus.ACCEPTED:
        raise DomainError("Кейс уже принят.")
    if attachment is not None:
        if case is None or not case.is_attachment_allowed:
            raise DomainError("К этому кейсу файлы не прикладываются.")
        attachments.check(attachment)
    submission = CaseSubmission(enrolment_id=enrolment.id, block_id=block.id, attempt_no=len(previous) + 1,
                                answer=answer[:20000], template_answers=fields)
    if attachment is not None:
        stored = attachments.save(attachment)
        submission.attachment_sha256, submission.attachment_name = stored.sha256, stored.name
        submission.attachment_mime, submission.attachment_size = stored.mime_type, stored.size
    try:
        with db.session.begin_nested():
            db.session.add(submission)
    except IntegrityError as exc:
        raise DomainError("Ответ уже отправлен.") from exc
    for teacher in enrolment.cohort.teachers:
        notify(teacher, "course.case", f"Кейс блока {block.number} на проверку: {enrolment.user.full_name}",
               path_for("courses.grade_case", submission_id=submission.id))
    return submission


def grade_case(teacher: User, submission: CaseSubmission, *, accept: bool, comment: str,
               criteria_points: dict[str, int] | None = None) -> None:
    if not can_teach_cohort(teacher, submission.enrolment.cohort):
        raise NotAllowed("Проверять кейсы этой группы может её преподаватель.")
    if submission.status != CaseStatus.SUBMITTED:
        raise DomainError("Этот ответ уже проверен.")
    comment = comment.strip()
    if not accept and len(comment) < 5:
        raise DomainError("Возвращая кейс, напишите, что доработать.")
    case = submission.block.case
    points = None
    if criteria_points is not None and case is not None:
        limits = {c["criterion"]: int(c["points"]) for c in case.rubric}
        for name, value in criteria_points.items():
            if name not in limits or not 0 <= value <= limits[name]:
                raise DomainError(f"Баллы по критерию «{name}» — от 0 до {limits.get(name, 0)}.")
        points = sum(criteria_points.values())
    if accept and case is not None:
        check_acceptable(case, criteria_points)
    updated = db.session.execute(update(CaseSubmission).where(
        CaseSubmission.id == submission.id, CaseSubmission.status == CaseStatus.SUBMITTED,
    ).values(status=CaseStatus.ACCEPTED if accept else CaseStatus.RETURNED, comment=comment or None, points=points,
             criteria_points=criteria_points, graded_by_id=teacher.id, graded_at=utcnow()))
    if not updated.rowcount:
        raise DomainError("Этот ответ уже проверен.")
    db.session.refresh(submission)
    block = submission.block
    if accept:
        notify(submission.enrolment.user, "course.case_accepted", f"Кейс блока {block.number} принят.",
               path_for("courses.case", number=block.number, _anchor="case"))
        case_accepted.send(submission.enrolment.user, submission=submission)
        complete_stage(submission.enrolment, block, Stage.CASE)
    else:
        notify(submission.enrolment.user, "course.case_returned",
               f"Кейс блока {block.number} возвращён на доработку: {comment[:80]}",
               path_for("courses.case", number=block.number, _anchor="case"))


class CaseNotAcceptable(DomainError):
    """The rubric does not allow accepting the case (a must-pass criterion or the pass mark); nothing is saved."""

    status_code = 422


def check_acceptable(case: PracticalCase, criteria_points: dict[str, int] | None) -> None:
    """A case is accepted only at or above the pass mark, with every must-pass criterion at its minimum, so two
    teachers (or one teacher twice) accept the same answers. A case with a rubric is accepted only with every
    criterion rated: there is no override below the mark (the teacher returns the case with a comment instead)."""
    must_pass = [c for c in case.rubric if c.get("min_points")]
    if criteria_points is None:
        if case.rubric:
            raise CaseNotAcceptable(f"Чтобы принять кейс, оцените каждый критерий: зачёт — от {case.pass_points} "
                                    f"из {case.max_points} {plural(case.max_points, 'балла', 'баллов', 'баллов')}.")
        return
    missing = [c["criterion"] for c in case.rubric if c["criterion"] not in criteria_points]
    if missing:
        raise CaseNotAcceptable(f"Чтобы принять кейс, оцените каждый критерий: не оценено «{missing[0]}».")
    for criterion in must_pass:
        given, minimum = criteria_points[criterion["criterion"]], int(criterion["min_points"])
        if given < minimum:
            raise CaseNotAcceptable(
                f"Кейс нельзя принять: по обязательному критерию «{criterion['criterion']}» нужно не меньше "
                f"{minimum} {plural(minimum, 'балла', 'баллов', 'баллов')}, поставлено {given}. "
                "Верните кейс на доработку и напишите, что исправить.")
    total = sum(criteria_points.values())
    if total < case.pass_points:
        raise CaseNotAcceptable(f"Кейс нельзя принять: {total} из {case.max_points} "
                                f"{plural(case.max_points, 'балла', 'баллов', 'баллов')}, а зачёт — от "
                                f"{case.pass_points}. Верните кейс на доработку.")


def read_criteria(case: PracticalCase | None, values: list[str]) -> dict[str, int] | None:
    """The teacher's points per criterion from the form (``values[i]`` for ``case.rubric[i]``, "" when not
    chosen): all of them, or None when none was chosen."""
    if case is None or not case.rubric:
        return None
    values = [v.strip() for v in [*values, *[""] * len(case.rubric)][:len(case.rubric)]]
    if not any(values):
        return None
    for criterion, value in zip(case.rubric, values, strict=True):
        if not value:
            raise DomainError(f"Оцените каждый критерий: не оценено «{criterion['criterion']}».")
        if not value.isdecimal() or len(value) > 3:
            raise DomainError("Баллы по критериям — целые числа.")
    return {c["criterion"]: int(v) for c, v in zip(case.rubric, values, strict=True)}


def can_download_attachment(user: User, submission: CaseSubmission) -> bool:
    """The learner, the cohort's teachers and HR of its service (and administrators)."""
    return submission.enrolment.user_id == user.id or can_teach_cohort(user, submission.enrolment.cohort)


def teacher_queue(teacher: User) -> tuple[list[TeacherQuestion], list[CaseSubmission]]:
    cohort_ids = select(Cohort.id).where(Cohort.id.in_(visible_cohorts(teacher).with_only_columns(Cohort.id)))
    questions = list(db.session.scalars(select(TeacherQuestion).where(
        TeacherQuestion.cohort_id.in_(cohort_ids), TeacherQuestion.answered_at.is_(None))
        .options(selectinload(TeacherQuestion.author), selectinload(TeacherQuestion.block),
                 selectinload(TeacherQuestion.cohort))
        .order_by(TeacherQuestion.created_at)))
    cases = list(db.session.scalars(select(CaseSubmission).join(Enrolment).where(
        Enrolment.cohort_id.in_(cohort_ids), CaseSubmission.status == CaseStatus.SUBMITTED)
        .options(selectinload(CaseSubmission.enrolment).selectinload(Enrolment.user),
                 selectinload(CaseSubmission.enrolment).selectinload(Enrolment.cohort),
                 selectinload(CaseSubmission.block))
        .order_by(CaseSubmission.submitted_at)))
    return questions, cases


# --- HR reports --------------------------------------------------------------------------------------------

@dataclass
class LearnerRow:
    enrolment: Enrolment
    user: User
    done: int
    expected: int
    status: str  # "завершил", "по графику", "отстаёт", "просрочено", "не начал"


def cohort_report(cohort: Cohort, today: date | None = None) -> list[LearnerRow]:
    """Who is on schedule, behind or overdue. «Expected» = blocks a steady pace would have finished by today."""
    today = today or date.today()
    total = len(cohort.course.blocks)
    span = max(1, (cohort.deadline - cohort.start_date).days)
    elapsed = min(max(0, (today - cohort.start_date).days), span)
    expected = total * elapsed // span
    rows = []
    enrolments = db.session.execute(select(Enrolment, User).join(User, User.id == Enrolment.user_id)
                                    .where(Enrolment.cohort_id == cohort.id).order_by(User.full_name)).all()
    started = set(db.session.scalars(select(BlockProgress.enrolment_id).join(Enrolment).where(
        Enrolment.cohort_id == cohort.id).distinct()))
    for enrolment, user in enrolments:
        done = enrolment.blocks_completed
        if enrolment.completed_at:
            status = "завершил"
        elif today > cohort.deadline:
            status = "просрочено"
        elif done < expected - 1:
            status = "отстаёт"
        elif enrolment.id not in started and today > cohort.start_date + timedelta(days=14):
            status = "не начал"
        else:
            status = "по графику"
        rows.append(LearnerRow(enrolment, user, done, expected, status))
    return rows


REPORT_HEADER = ["ФИО", "Табельный номер", "ЦЗН", "Подразделение", "Блоков пройдено", "Ожидалось к сегодняшнему дню",
                 "Статус", "Курс завершён"]


def report_rows(rows: list[LearnerRow]) -> list[list]:
    return [[r.user.full_name, r.user.personnel_number, r.user.centre.name if r.user.centre else "",
             r.user.department.name if r.user.department else "", r.done, r.expected, r.status,
             r.enrolment.completed_at.date() if r.enrolment.completed_at else ""] for r in rows]
