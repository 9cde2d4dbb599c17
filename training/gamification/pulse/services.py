"""Pulse surveys of staff: eNPS (``formulas.enps``) plus up to five questions from the bank, per service or centre,
once or on a schedule. The rules of anonymity (docs/engagement.md):

- :func:`submit_answer` writes the receipt (who answered this round) and the answer (what was answered) as two
  rows that share nothing but the round: the answer has a random id, no user and no time; nothing is logged or
  audited when someone answers;
- results open per group (a centre, or the service's own staff) only from :data:`THRESHOLD` answers, and a
  group that could be worked out by subtraction (the service's total minus the groups shown) is hidden too;
- the dashboard shows a centre's staff eNPS only as one round's result under the same rule, never a sum of
  rounds that could be subtracted from another."""
from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import date, timedelta
from statistics import mean

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from training.accounts import scopes
from training.accounts.models import User
from training.audit import services as audit
from training.errors import DomainError, NotAllowed
from training.extensions import db
from training.gamification.pulse.models import (
    PulseAnswer,
    PulseProposal,
    PulseQuestion,
    PulseReceipt,
    PulseRound,
    PulseSchedule,
    PulseSurvey,
    PulseTopic,
)
from training.measures.formulas import enps as enps_formula
from training.measures.periods import Period, local_today
from training.notifications.services import notify
from training.org.models import Centre
from training.templating import ru_date
from training.web import path_for

THRESHOLD = 5  # answers a group needs before its results open
MAX_QUESTIONS = 5
MAX_PROPOSAL = 1000
SERVICE_STAFF = "Сотрудники аппарата службы"


# --- the question bank --------------------------------------------------------------------------------------------

def ensure_questions(rows: list[dict]) -> int:
    """Get-or-create the bank's questions by code (``flask seed reference``); returns how many were added."""
    existing = set(db.session.scalars(select(PulseQuestion.code)))
    created = 0
    for order, row in enumerate(rows, start=1):
        if row["code"] in existing:
            continue
        db.session.add(PulseQuestion(code=row["code"], topic=PulseTopic(row["topic"]), text=row["text"].strip(),
                                     sort_order=order * 10, is_active=True))
        created += 1
    db.session.flush()
    return created


def question_bank() -> list[PulseQuestion]:
    return list(db.session.scalars(select(PulseQuestion).where(PulseQuestion.is_active)
                                   .order_by(PulseQuestion.sort_order, PulseQuestion.id)))


def questions_of(survey: PulseSurvey) -> list[PulseQuestion]:
    found = {q.id: q for q in db.session.scalars(select(PulseQuestion)
                                                 .where(PulseQuestion.id.in_(survey.question_ids or [])))}
    return [found[i] for i in survey.question_ids or [] if i in found]


# --- who may do what ----------------------------------------------------------------------------------------------

def can_manage(user: User, service_id: int | None) -> bool:
    """HR of the service and administrators run surveys."""
    return scopes.can_administer_service(user, service_id)


def can_see_results(user: User, survey: PulseSurvey) -> bool:
    """HR of the service, administrators, and the manager of the survey's centre."""
    return scopes.can_supervise(user, survey)


def can_reply(user: User, proposal: PulseProposal) -> bool:
    """HR of the service, administrators, and the manager of the proposal's centre."""
    return scopes.can_supervise(user, proposal)


def is_eligible(user: User, survey: PulseSurvey) -> bool:
    if not user.is_active or user.regional_service_id != survey.regional_service_id:
        return False
    return survey.centre_id is None or user.centre_id == survey.centre_id


def visible_surveys(user: User) -> list[PulseSurvey]:
    return list(db.session.scalars(
        select(PulseSurvey).where(scopes.supervisable_condition(user, service=PulseSurvey.regional_service_id,
                                                                centre=PulseSurvey.centre_id))
        .order_by(PulseSurvey.created_at.desc(), PulseSurvey.id.desc())))


# --- surveys and rounds -------------------------------------------------------------------------------------------

def period_key(schedule: str, day: date) -> str:
    if schedule == PulseSchedule.MONTHLY:
        return f"{day:%Y-%m}"
    if schedule == PulseSchedule.QUARTERLY:
        return f"{day.year}-Q{(day.month - 1) // 3 + 1}"
    return day.isoformat()


def create_survey(actor: User, service_id: int, *, title: str, question_ids: list[int], schedule: str,
                  centre_id: int | None = None, days_open: int = 7, today: date | None = None) -> PulseSurvey:
    """A survey and its first round, open from today; the staff it asks are notified."""
    if not can_manage(actor, service_id):
        raise NotAllowed("Пульс-опросы проводит кадровая служба.")
    title = (title or "").strip()
    if not title:
        raise DomainError("Назовите опрос.")
    question_ids = list(dict.fromkeys(int(i) for i in question_ids or []))
    if len(question_ids) > MAX_QUESTIONS:
        raise DomainError(f"Не больше {MAX_QUESTIONS} вопросов кроме eNPS: опрос должен занимать минуту.")
    bank = {q.id for q in question_bank()}
    if any(i not in bank for i in question_ids):
        raise DomainError("Вопрос не найден в банке.")
    if centre_id is not None:
        centre = db.session.get(Centre, centre_id)
        if centre is None or centre.regional_service_id != service_id:
            raise DomainError("ЦЗН не найден.")
    if not 1 <= int(days_open) <= 31:
        raise DomainError("Опрос открыт от 1 до 31 дня.")
    survey = PulseSurvey(regional_service_id=service_id, centre_id=centre_id, title=title[:200],
                         question_ids=question_ids, schedule=PulseSchedule(schedule), days_open=int(days_open),
                         created_by_id=actor.id, is_active=True)
    db.session.add(survey)
    db.session.flush()
    audit.record(actor, "pulse_survey.create", "pulse_survey", survey.id,
                 after={"title": survey.title, "schedule": survey.schedule, "centre_id": centre_id,
                        "questions": question_ids}, summary=f"Пульс-опрос «{survey.title}» запущен")
    open_round(survey, today or local_today())
    return survey


def open_round(survey: PulseSurvey, today: date) -> PulseRound | None:
    """Open this period's round once (the unique (survey, period) decides) and invite the staff it asks."""
    key = period_key(survey.schedule, today)
    if db.session.scalar(select(PulseRound.id).where(PulseRound.survey_id == survey.id,
                                                     PulseRound.period_key == key)):
        return None
    row = PulseRound(survey_id=survey.id, period_key=key, opens_on=today,
                     closes_on=today + timedelta(days=survey.days_open - 1))
    try:
        with db.session.begin_nested():
            db.session.add(row)
    except IntegrityError:
        return None
    url = path_for("pulse.answer", pulse_round_id=row.id)
    for person in eligible_staff(survey):
        notify(person, "pulse", f"Пульс-опрос «{survey.title}»: одна минута, ответы анонимны. "
               f"Открыт до {ru_date(row.closes_on)}.", url, dedupe_key=f"pulse-round:{row.id}:{person.id}")
    return row


def stop_survey(actor: User, survey: PulseSurvey) -> None:
    if not can_manage(actor, survey.regional_service_id):
        raise NotAllowed("Пульс-опросы проводит кадровая служба.")
    if not survey.is_active:
        raise DomainError("Опрос уже остановлен.")
    survey.is_active = False
    audit.record(actor, "pulse_survey.stop", "pulse_survey", survey.id, summary=f"Пульс-опрос «{survey.title}» "
                 "остановлен")


def open_scheduled_rounds(today: date) -> int:
    """The periodic job: a new round of every active scheduled survey whose period has none yet."""
    opened = 0
    for survey in db.session.scalars(select(PulseSurvey).where(PulseSurvey.is_active,
                                                               PulseSurvey.schedule != PulseSchedule.ONCE)):
        if open_round(survey, today) is not None:
            opened += 1
    return opened


def eligible_staff(survey: PulseSurvey) -> list[User]:
    query = select(User).where(User.is_active, User.regional_service_id == survey.regional_service_id)
    if survey.centre_id is not None:
        query = query.where(User.centre_id == survey.centre_id)
    return list(db.session.scalars(query.order_by(User.id)))


def is_open(row: PulseRound, today: date | None = None) -> bool:
    today = today or local_today()
    return row.opens_on <= today <= row.closes_on


def has_answered(user: User, row: PulseRound) -> bool:
    return db.session.get(PulseReceipt, (row.id, user.id)) is not None


def rounds_to_answer(user: User, today: date | None = None) -> list[PulseRound]:
    """Open rounds this person is asked and has not answered yet."""
    today = today or local_today()
    rows = db.session.scalars(select(PulseRound).join(PulseSurvey)
                              .where(PulseSurvey.regional_service_id == user.regional_service_id,
                                     PulseRound.opens_on <= today, PulseRound.closes_on >= today)
                              .order_by(PulseRound.closes_on))
    answered = set(db.session.scalars(select(PulseReceipt.round_id).where(PulseReceipt.user_id == user.id)))
    return [r for r in rows if r.id not in answered and is_eligible(user, r.survey)]


def submit_answer(user: User, row: PulseRound, *, enps: int | None, scores: dict[int, int],
                  proposal: str = "", today: date | None = None) -> None:
    """Record one answer. The receipt and the answer share only the round (see the module docstring)."""
    survey = row.survey
    if not is_eligible(user, survey):
        raise DomainError("Этот опрос адресован другим сотрудникам.")
    if not is_open(row, today):
        raise DomainError("Опрос закрыт.")
    if enps is None or not 0 <= int(enps) <= 10:
        raise DomainError("Оцените от 0 до 10, насколько вы рекомендуете свой центр как место работы.")
    asked = [q.id for q in questions_of(survey)]
    clean: dict[str, int] = {}
    for question_id in asked:
        value = scores.get(question_id)
        if value is None:
            continue  # a question may be skipped
        if not 1 <= int(value) <= 5:
            raise DomainError("Оценки вопросов — от 1 до 5.")
        clean[str(question_id)] = int(value)
    proposal = (proposal or "").strip()
    if len(proposal) > MAX_PROPOSAL:
        raise DomainError(f"Предложение — не больше {MAX_PROPOSAL} знаков.")
    try:
        with db.session.begin_nested():
            db.session.add(PulseReceipt(round_id=row.id, user_id=user.id))
    except IntegrityError:
        raise DomainError("Вы уже ответили на этот опрос. Спасибо!") from None
    db.session.add(PulseAnswer(id=secrets.token_urlsafe(12), round_id=row.id, centre_id=user.centre_id,
                               enps=int(enps), scores=clean))
    if proposal:
        db.session.add(PulseProposal(id=secrets.token_urlsafe(12), regional_service_id=survey.regional_service_id,
                                     centre_id=user.centre_id, round_id=row.id, text=proposal, reply=""))
    db.session.flush()


# --- results ------------------------------------------------------------------------------------------------------

@dataclass
class GroupResult:
    key: str  # "centre:<id>", "service" (the aparat's own staff) or "all"
    label: str
    n: int
    enps: float | None = None
    promoters: int = 0
    detractors: int = 0
    averages: dict[int, float] = field(default_factory=dict)  # question id → mean 1–5

    @property
    def is_open(self) -> bool:
        return self.enps is not None


@dataclass
class RoundResults:
    round: PulseRound
    respondents: int
    groups: list[GroupResult]  # the whole (first, when several groups) and each group, open or hidden
    questions: list[PulseQuestion]

    @property
    def total(self) -> GroupResult:
        return self.groups[0]

    def for_centre(self, centre_id: int) -> GroupResult | None:
        return next((g for g in self.groups if g.key == f"centre:{centre_id}"), None)


def _fill(group: GroupResult, answers: list[PulseAnswer], question_ids: list[int]) -> None:
    group.enps = enps_formula(a.enps for a in answers)
    group.promoters = sum(1 for a in answers if a.enps >= 9)
    group.detractors = sum(1 for a in answers if a.enps <= 6)
    for question_id in question_ids:
        values = [a.scores[str(question_id)] for a in answers if str(question_id) in (a.scores or {})]
        if len(values) >= THRESHOLD:
            group.averages[question_id] = round(mean(values), 1)


def open_groups(sizes: dict[str, int]) -> set[str]:
    """Which groups may show results: each from THRESHOLD answers, and never leaving a hidden remainder of 1…4
    answers that the total minus the shown groups would reveal (the smallest shown group is hidden then too)."""
    total = sum(sizes.values())
    if total < THRESHOLD:
        return set()
    shown = {k for k, n in sizes.items() if n >= THRESHOLD}
    while shown:
        remainder = total - sum(sizes[k] for k in shown)
        if remainder == 0 or remainder >= THRESHOLD:
            break
        shown.remove(min(shown, key=lambda k: (sizes[k], k)))
    return shown


def results(row: PulseRound) -> RoundResults:
    survey = row.survey
    questions = questions_of(survey)
    question_ids = [q.id for q in questions]
    answers = list(db.session.scalars(select(PulseAnswer).where(PulseAnswer.round_id == row.id)))
    total = GroupResult("all", survey.centre.name if survey.centre else survey.service.name, len(answers))
    if len(answers) >= THRESHOLD:
        _fill(total, answers, question_ids)
    groups = [total]
    if survey.centre_id is None:
        by_group: dict[str, list[PulseAnswer]] = {}
        for answer in answers:
            by_group.setdefault(f"centre:{answer.centre_id}" if answer.centre_id else "service", []).append(answer)
        centres = {c.id: c.name for c in survey.service.centres}
        keys = [f"centre:{cid}" for cid in sorted(centres, key=lambda i: centres[i])] + ["service"]
        sizes = {k: len(by_group.get(k, [])) for k in keys}
        shown = open_groups(sizes)
        for key in keys:
            label = SERVICE_STAFF if key == "service" else centres[int(key.split(":")[1])]
            group = GroupResult(key, label, sizes[key])
            if key in shown:
                _fill(group, by_group[key], question_ids)
            groups.append(group)
    elif survey.centre_id is not None:
        total.key = f"centre:{survey.centre_id}"
    return RoundResults(row, len(answers), groups, questions)


def trend(survey: PulseSurvey) -> list[RoundResults]:
    """Every round's results, oldest first (each under the threshold rule of its own round)."""
    return [results(r) for r in survey.rounds]


def staff_enps_for_centre(centre: Centre, period: Period) -> tuple[GroupResult, PulseRound] | None:
    """The centre's staff eNPS for the dashboard: the latest round opened in the period (of a survey of the
    centre or of its whole service) whose result for this centre is open."""
    rows = db.session.scalars(
        select(PulseRound).join(PulseSurvey)
        .where(PulseSurvey.regional_service_id == centre.regional_service_id,
               (PulseSurvey.centre_id == centre.id) | PulseSurvey.centre_id.is_(None),
               PulseRound.opens_on >= period.start, PulseRound.opens_on <= period.end)
        .order_by(PulseRound.opens_on.desc(), PulseRound.id.desc()))
    for row in rows:
        group = results(row).for_centre(centre.id)
        if group is not None and group.is_open:
            return group, row
    return None


def staff_enps_for_service(service_id: int, period: Period) -> tuple[GroupResult, PulseRound] | None:
    rows = db.session.scalars(
        select(PulseRound).join(PulseSurvey)
        .where(PulseSurvey.regional_service_id == service_id, PulseSurvey.centre_id.is_(None),
               PulseRound.opens_on >= period.start, PulseRound.opens_on <= period.end)
        .order_by(PulseRound.opens_on.desc(), PulseRound.id.desc()))
    for row in rows:
        total = results(row).total
        if total.is_open:
            return total, row
    return None


# --- workspace proposals ------------------------------------------------------------------------------------------

def proposals(user: User) -> list[PulseProposal]:
    """The service's proposals, newest rounds first; everyone in the service reads them and the replies."""
    query = (select(PulseProposal).where(scopes.viewable_condition(
        user, service=PulseProposal.regional_service_id, members=scopes.Level.SERVICE))
        .order_by(PulseProposal.round_id.desc(), PulseProposal.id))
    return list(db.session.scalars(query))


def reply_to_proposal(actor: User, proposal: PulseProposal, text: str, today: date | None = None) -> None:
    if not can_reply(actor, proposal):
        raise NotAllowed("Отвечает кадровая служба или руководитель ЦЗН.")
    text = (text or "").strip()
    if not text:
        raise DomainError("Напишите ответ.")
    if len(text) > 2000:
        raise DomainError("Ответ — не больше 2000 знаков.")
    before = proposal.reply
    proposal.reply = text
    proposal.replied_by_id = actor.id
    proposal.replied_on = today or local_today()
    audit.record(actor, "pulse_proposal.reply", "pulse_proposal", proposal.id, before={"reply": before},
                 after={"reply": text}, summary="Ответ на предложение по рабочему месту")


def visible_centres(user: User) -> list[Centre]:
    return scopes.visible_centres(user)
