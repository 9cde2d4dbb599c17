"""Internal quality score: supervisors review employees' conversations against a weighted check-list."""
from __future__ import annotations

from datetime import date

from sqlalchemy import Select, select
from sqlalchemy.exc import IntegrityError

from training.accounts.models import Role, User
from training.accounts.scopes import can_supervise, viewable_condition
from training.audit import services as audit
from training.db import seed_by_code
from training.errors import DomainError, NotAllowed
from training.extensions import db
from training.measures import formulas
from training.measures.formulas import MetricValueError, QualityItem
from training.measures.scales import COMPETENCE_BLOCKS
from training.metrics.feedback.models import Touchpoint
from training.metrics.operations.models import IqsAssessment, IqsCategory, IqsItem
from training.signals import iqs_assessed

#: Reference check-list (code, name, weight, critical, competence, description). The first three are the
#: methodology's worked example (1582–1594): знание услуг 1.5, грамотность речи 1 (critical), вежливость 0.75.
DEFAULT_CATEGORIES = (
    ("service_knowledge", "Знание услуг", 1.5, False, "service_knowledge",
     "Верно назвал услуги и сервисы, подходящие клиенту, и порядок их получения."),
    ("speech", "Грамотность речи", 1.0, True, None, "Говорит и пишет грамотно, без канцелярита и жаргона."),
    ("politeness", "Вежливость", 0.75, False, "politeness",
     "Приветствие, обращение по имени и отчеству, благодарность, прощание."),
    ("accuracy", "Достоверность информации", 1.5, True, "service_knowledge",
     "Не дал клиенту неверных сведений о правах, сроках и документах."),
    ("empathy", "Эмпатия", 1.0, False, "empathy", "Учёл обстоятельства клиента, проявил участие."),
    ("clarity", "Понятность объяснений", 1.0, False, "clarity", "Объяснил простыми словами, проверил понимание."),
    ("listening", "Активное слушание", 0.75, False, "listening", "Не перебивал, уточнял, резюмировал запрос."),
    ("objections", "Работа с возражениями", 0.75, False, "objections",
     "Сохранил спокойствие, предложил решение, не спорил."),
)


#: competence key → Russian title: what an IQS category may be evidence for (docs/metrics.md 4.2)
COMPETENCE_CHOICES = {key: title for block in COMPETENCE_BLOCKS.values() for key, title in block.items()}


def seed_categories() -> int:
    return seed_by_code(db.session, IqsCategory, (
        {"code": code, "name": name, "weight": weight, "is_critical": critical, "competence": competence,
         "description": description} for code, name, weight, critical, competence, description in DEFAULT_CATEGORIES))


def active_categories() -> list[IqsCategory]:
    return list(db.session.scalars(select(IqsCategory).where(IqsCategory.is_active)
                                   .order_by(IqsCategory.sort_order, IqsCategory.name)))


def all_categories() -> list[IqsCategory]:
    return list(db.session.scalars(select(IqsCategory).order_by(IqsCategory.sort_order, IqsCategory.name)))


def _category_state(category: IqsCategory) -> dict:
    return {"code": category.code, "name": category.name, "weight": category.weight,
            "is_critical": category.is_critical, "is_active": category.is_active, "sort_order": category.sort_order,
            "description": category.description, "competence": category.competence}


def save_category(actor: User, category: IqsCategory | None, *, code: str, name: str, weight: float,
                  is_critical: bool, is_active: bool, sort_order: int, description: str = "",
                  competence: str | None = None) -> IqsCategory:
    """Create or change a category (HR / admin). Past assessments keep their own weights. ``competence`` links
    the category to a competence of the staff model: its checks then count as that competence's IQS evidence."""
    if not actor.has_role(*Role.SERVICE_ADMINS):
        raise NotAllowed("Категории проверки качества настраивает кадровая служба.")
    if weight < 0 or weight > 10:
        raise DomainError("Вес категории — число от 0 до 10.")
    competence = competence or None
    if competence is not None and competence not in COMPETENCE_CHOICES:
        raise DomainError("Такой компетенции нет в модели компетенций.")
    before = _category_state(category) if category else None
    if category is None:
        category = IqsCategory(code=code.strip().lower())
        db.session.add(category)
    category.name, category.weight, category.is_critical = name.strip(), float(weight), is_critical
    category.is_active, category.sort_order, category.description = is_active, sort_order, description.strip()
    category.competence = competence
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError as exc:
        raise DomainError("Категория с таким кодом уже есть.") from exc
    if sum(c.weight for c in active_categories()) <= 0:
        raise DomainError("Хотя бы одна действующая категория должна иметь положительный вес.")
    audit.record_changes(actor, "metrics.iqs_category_saved", "iqs_category", category.id, before=before or None,
                         after=_category_state(category), summary=f"Категория IQS «{category.name}»")
    return category


def checklist_score(entries: list, marks: dict[int, bool], *, not_set_up: str, mark_each: str) -> float:
    """The IQS maths over a check-list (IQS categories, the comfort walk-through's items): every active entry
    (``id``, ``name``, ``weight``, ``is_critical``) must be marked in ``marks`` (id → met); a failed critical entry
    gives 0. Refusals name what is missing, in Russian."""
    if not entries:
        raise DomainError(not_set_up)
    missing = [e.name for e in entries if e.id not in marks]
    if missing:
        raise DomainError(f"{mark_each}: " + ", ".join(missing) + ".")
    try:
        return formulas.iqs([QualityItem(e.weight, bool(marks[e.id]), e.is_critical) for e in entries])
    except MetricValueError as exc:
        raise DomainError(f"Оценка не рассчитана: {exc}") from exc


def assess(reviewer: User, employee: User, *, marks: dict[int, bool], conversation_date: date,
           conversation_ref: str = "", comment: str = "", touchpoint: Touchpoint | None = None,
           today: date) -> IqsAssessment:
    """Record a review: ``marks`` maps each active category id to passed / failed."""
    if not can_supervise(reviewer, employee):
        raise NotAllowed("Проверять качество может руководитель сотрудника или кадровая служба (не свои разговоры).")
    if employee.regional_service_id is None:
        raise DomainError("Сотрудник не относится ни к одной СЗН.")
    if conversation_date > today:
        raise DomainError("Дата разговора не может быть в будущем.")
    categories = active_categories()
    score = checklist_score(categories, marks, not_set_up="Не настроены категории проверки качества.",
                            mark_each="Отметьте каждую категорию")
    items = [IqsItem(category_id=c.id, category_name=c.name, weight=c.weight, is_critical=c.is_critical,
                     is_passed=bool(marks[c.id])) for c in categories]
    assessment = IqsAssessment(
        employee_id=employee.id, reviewer_id=reviewer.id, regional_service_id=employee.regional_service_id,
        centre_id=employee.centre_id, department_id=employee.department_id,
        touchpoint_id=touchpoint.id if touchpoint else None, conversation_date=conversation_date,
        conversation_ref=conversation_ref.strip()[:200], comment=comment.strip()[:4000], score=score,
        is_critical_failed=any(i.is_critical and not i.is_passed for i in items), items=items)
    db.session.add(assessment)
    db.session.flush()
    audit.record(reviewer, "metrics.iqs_assessed", "iqs_assessment", assessment.id,
                 after={"employee": employee.id, "score": round(score, 1), "date": conversation_date},
                 summary=f"IQS {score:.1f} %: {employee.full_name}")
    iqs_assessed.send(employee, assessment=assessment)
    return assessment


def can_view_assessment(viewer: User, assessment: IqsAssessment) -> bool:
    """The employee, and the supervisors in scope of them."""
    return viewer.id == assessment.employee_id or can_supervise(viewer, assessment.employee)


def assessments_visible(viewer: User, employee_id: int | None = None) -> Select:
    query = select(IqsAssessment).order_by(IqsAssessment.conversation_date.desc(), IqsAssessment.id.desc())
    if employee_id:
        query = query.where(IqsAssessment.employee_id == employee_id)
    return query.where(viewable_condition(viewer, service=IqsAssessment.regional_service_id,
                                          centre=IqsAssessment.centre_id, person=IqsAssessment.employee_id))
