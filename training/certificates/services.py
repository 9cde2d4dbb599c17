"""The rules of certificates and diplomas: kinds, numbering, issue (one, bulk, automatic), revocation, reissue,
the registry and its scope, and the public verification lookup.

Other domains issue documents through :func:`issue_document` only; it is idempotent by ``source_key``.
Nothing here touches ``request``: URLs that leave the app (QR codes, Open Badges ids) come from
:func:`public_url`, which takes ``PUBLIC_BASE_URL`` when it is set."""
from __future__ import annotations

import calendar
import hashlib
import secrets
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from flask import current_app, has_request_context, request, url_for
from sqlalchemy import Select, exists, func, or_, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from training.accounts import scopes
from training.accounts.models import Role, User
from training.audit import services as audit
from training.certificates.models import (
    Certificate,
    CertificateCounter,
    CertificateKind,
    CertificateSignatory,
    CertificateStatus,
    KindTemplate,
)
from training.courses.models import Cohort, Course, Enrolment
from training.db import utcnow
from training.errors import DomainError, NotAllowed
from training.extensions import db
from training.notifications.services import notify
from training.org.models import RegionalService
from training.templating import DISPLAY_TZ, gendered, quoted, ru_date
from training.web import path_for

CODE_BYTES = 16  # 128 random bits per verification / badge code (22 URL-safe characters)
NO_REGION = "00"  # a holder outside any regional service (a platform administrator)
EXPIRY_WARNINGS = (90, 30)  # days ahead of expiry when holder and HR are reminded


def _open_transaction() -> None:
    """Make sure the database transaction has begun before a savepoint.

    Python's sqlite3 begins a transaction only before INSERT/UPDATE/DELETE; a SAVEPOINT issued first becomes
    the outermost transaction itself, and its RELEASE commits — so a later rollback would not undo the issue.
    A no-op UPDATE opens the real transaction first. PostgreSQL needs nothing."""
    if db.session.get_bind().dialect.name == "sqlite":
        db.session.execute(text("UPDATE certificate_counters SET last_value = last_value WHERE 1 = 0"))


# --- kinds --------------------------------------------------------------------------------------------------

DEFAULT_KINDS: list[dict[str, Any]] = [
    {"code": "course", "name": "Сертификат о прохождении базового курса", "heading": "Сертификат",
     "lead": "успешно завершил(а) обучение по курсу", "template": KindTemplate.COURSE, "prefix": "СЗН",
     "validity_years": 3, "is_open_badge": True,
     "description": "Пройдены все блоки базового курса клиентоцентричности: изучен урок, сдан тест и принят "
                    "практический кейс каждого блока."},
    {"code": "employee_of_month", "name": "Диплом «Сотрудник месяца»", "heading": "Диплом",
     "lead": "удостоен(а) звания",
     "template": KindTemplate.AWARD, "prefix": "ДПЛ", "validity_years": None, "is_open_badge": False,
     "description": "Признан(а) лучшим сотрудником месяца по итогам голосования коллег или оценок клиентов."},
    {"code": "quest_winner", "name": "Диплом победителя квеста", "heading": "Диплом",
     "lead": "стал(а) победителем квеста",
     "template": KindTemplate.AWARD, "prefix": "ДПЛ", "validity_years": None, "is_open_badge": False,
     "description": "Победитель квеста по клиентоцентричности."},
    {"code": "title", "name": "Диплом о присвоении звания", "heading": "Диплом",
     "lead": "удостоен(а) почётного звания",
     "template": KindTemplate.TITLE, "prefix": "ДПЛ", "validity_years": None, "is_open_badge": False,
     "description": "Присвоено почётное звание, например «Мастер клиентоцентричности»."},
    {"code": "gramota", "name": "Почётная грамота", "heading": "Почётная грамота", "lead": "награждается",
     "template": KindTemplate.AWARD, "prefix": "ГРМ", "validity_years": None, "is_open_badge": False,
     "description": "Грамота за вклад в работу с клиентами; текст пишет кадровая служба."},
    {"code": "thanks_letter", "name": "Благодарственное письмо", "heading": "Благодарственное письмо",
     "lead": "выражается благодарность", "template": KindTemplate.AWARD, "prefix": "БЛП", "validity_years": None,
     "is_open_badge": False, "description": "Благодарность от службы занятости; текст пишет кадровая служба."},
]


def ensure_kinds() -> int:
    """Get-or-create the standard kinds (the reference seed step). Returns how many were created."""
    have = set(db.session.scalars(select(CertificateKind.code)))
    created = 0
    if len(have) < len(DEFAULT_KINDS):
        _open_transaction()
    for spec in DEFAULT_KINDS:
        if spec["code"] not in have:
            try:
                with db.session.begin_nested():
                    db.session.add(CertificateKind(**spec))
            except IntegrityError:  # created a moment ago by a parallel request
                continue
            created += 1
    return created


def kind_by_code(code: str) -> CertificateKind:
    kind = db.session.scalar(select(CertificateKind).where(CertificateKind.code == code))
    if kind is None and any(spec["code"] == code for spec in DEFAULT_KINDS):
        ensure_kinds()  # a fresh installation whose reference seed has not run yet
        kind = db.session.scalar(select(CertificateKind).where(CertificateKind.code == code))
    if kind is None:
        raise DomainError(f"Неизвестный вид документа «{code}».")
    return kind


def all_kinds() -> list[CertificateKind]:
    ensure_kinds()
    return list(db.session.scalars(select(CertificateKind).order_by(CertificateKind.id)))


# --- small helpers ------------------------------------------------------------------------------------------

def local_today() -> date:
    return datetime.now(DISPLAY_TZ).date()


def local_date(moment: datetime) -> date:
    return moment.astimezone(DISPLAY_TZ).date()


def add_years(start: date, years: int) -> date:
    year = start.year + years
    return date(year, start.month, min(start.day, calendar.monthrange(year, start.month)[1]))


def new_code() -> str:
    """A random code: 128 bits from the OS generator, unrelated to the id and the number."""
    return secrets.token_urlsafe(CODE_BYTES)


def search_key(*parts: str | None) -> str:
    return " ".join(p for p in parts if p).lower().replace("ё", "е")


def recipient_hash(email: str, salt: str) -> str:
    """Open Badges IdentityObject: ``sha256$`` + hex(sha256(normalised e-mail + salt))."""
    return "sha256$" + hashlib.sha256((email.strip().lower() + salt).encode()).hexdigest()


def public_base_url() -> str:
    configured = current_app.config.get("PUBLIC_BASE_URL")
    if configured:
        return configured.rstrip("/")
    if has_request_context():
        return request.host_url.rstrip("/")
    return "http://localhost"


def public_url(endpoint: str, **values: Any) -> str:
    """An absolute URL for paper and for other systems (QR codes, Open Badges ids)."""
    return public_base_url() + path_for(endpoint, **values)


def verification_url(certificate: Certificate) -> str:
    return public_url("certificates.verify", verification_code=certificate.verification_code)


# --- numbering ----------------------------------------------------------------------------------------------

def format_number(prefix: str, region_code: str, year: int, value: int) -> str:
    return f"{prefix}-{region_code}-{year}-{value:06d}"


def reserve_numbers(prefix: str, region_code: str, year: int, count: int = 1) -> list[str]:
    """Take the next ``count`` numbers of a series for a region and year.

    One conditional ``UPDATE … SET last_value = last_value + count … RETURNING last_value`` per call: on
    PostgreSQL the row lock it takes is held until the transaction ends, so a parallel issue waits and then
    continues after the numbers this one took; if the transaction rolls back, so does the counter (no gaps)."""
    if count < 1:
        return []
    counter = CertificateCounter
    bump = (update(counter)
            .where(counter.prefix == prefix, counter.region_code == region_code, counter.year == year)
            .values(last_value=counter.last_value + count)
            .returning(counter.last_value)
            .execution_options(synchronize_session=False))
    last = db.session.execute(bump).scalar()
    if last is None:  # the first number of this series, region and year
        try:
            with db.session.begin_nested():
                db.session.add(CertificateCounter(prefix=prefix, region_code=region_code, year=year, last_value=0))
        except IntegrityError:  # created a moment ago by a parallel issue
            pass
        last = db.session.execute(bump).scalar()
    return [format_number(prefix, region_code, year, value) for value in range(last - count + 1, last + 1)]


# --- issuing ------------------------------------------------------------------------------------------------

@dataclass
class IssueSpec:
    """What one document says about one holder; everything else is taken from the kind and the holder."""

    holder: User
    title: str
    source_key: str
    subtitle: str = ""
    details: dict[str, Any] = field(default_factory=dict)
    completed_on: date | None = None
    enrolment_id: int | None = None


def signatory_for(service_id: int | None) -> tuple[str, str]:
    """(name, position) of the signatory: the regional service's setting, else the app configuration."""
    row = db.session.scalar(select(CertificateSignatory).where(
        CertificateSignatory.regional_service_id == service_id)) if service_id else None
    name = (row.signatory_name if row else "") or current_app.config.get("CERTIFICATE_SIGNATORY_NAME", "")
    position = ((row.signatory_position if row else "")
                or current_app.config.get("CERTIFICATE_SIGNATORY_POSITION", "Руководитель"))
    return name, position


def issuer_name_for(service: RegionalService | None) -> str:
    if service is not None:
        return service.name
    return current_app.config.get("CERTIFICATE_ISSUER_NAME", "Служба занятости населения")


def _path_builder(endpoint: str):
    """A fast site-relative URL builder for loops (``path_for`` opens a request context per call)."""
    if has_request_context():
        return lambda **values: url_for(endpoint, **values)
    adapter = current_app.url_map.bind("localhost", script_name=current_app.config.get("APPLICATION_ROOT") or "/")
    return lambda **values: adapter.build(endpoint, values)


def _region_code(holder: User) -> str:
    service = holder.service
    return service.region.code if service is not None and service.region is not None else NO_REGION


def _existing_by_source(keys: list[str]) -> dict[str, Certificate]:
    found: dict[str, Certificate] = {}
    for start in range(0, len(keys), 500):
        chunk = keys[start:start + 500]
        found.update((c.source_key, c) for c in db.session.scalars(
            select(Certificate).where(Certificate.source_key.in_(chunk))))
    return found


def current_version(certificate: Certificate) -> Certificate:
    """Follow replacements to the document in force."""
    seen = set()
    while certificate.superseded_by is not None and certificate.id not in seen:
        seen.add(certificate.id)
        certificate = certificate.superseded_by
    return certificate


def _create(kind: CertificateKind, specs: list[IssueSpec], actor: User | None, *,
            issued_at: datetime | None = None, expires_on: dict[str, date | None] | None = None,
            audit_action: str = "certificate.issue") -> list[Certificate]:
    """Insert documents for specs whose source_key is new. Numbers are reserved per region in one statement."""
    issued_at = issued_at or utcnow()
    year = issued_at.astimezone(DISPLAY_TZ).year
    by_region: dict[str, list[IssueSpec]] = defaultdict(list)
    for spec in specs:
        by_region[_region_code(spec.holder)].append(spec)
    signatories: dict[int | None, tuple[str, str]] = {}
    created: list[Certificate] = []
    for region_code in sorted(by_region):
        group = by_region[region_code]
        numbers = reserve_numbers(kind.prefix, region_code, year, len(group))
        for spec, number in zip(group, numbers, strict=True):
            holder = spec.holder
            service_id = holder.regional_service_id
            if service_id not in signatories:
                signatories[service_id] = signatory_for(service_id)
            sign_name, sign_position = signatories[service_id]
            base = spec.completed_on or issued_at.astimezone(DISPLAY_TZ).date()
            if expires_on is not None and spec.source_key in expires_on:
                valid_until = expires_on[spec.source_key]
            else:
                valid_until = add_years(base, kind.validity_years) if kind.validity_years else None
            salt = secrets.token_hex(16)
            created.append(Certificate(
                kind_id=kind.id, kind=kind, number=number, verification_code=new_code(), badge_code=new_code(),
                source_key=spec.source_key, holder_id=holder.id, holder_name=holder.full_name,
                regional_service_id=service_id, centre_id=holder.centre_id, enrolment_id=spec.enrolment_id,
                title=spec.title[:300], subtitle=(spec.subtitle or "")[:500], details=spec.details or {},
                completed_on=spec.completed_on, issuer_name=issuer_name_for(holder.service),
                signatory_name=sign_name, signatory_position=sign_position, issued_at=issued_at,
                issued_by_id=actor.id if actor is not None else None, expires_on=valid_until,
                recipient_salt=salt, recipient_hash=recipient_hash(holder.email, salt),
                search_text=search_key(holder.full_name, number)))
    db.session.add_all(created)
    db.session.flush()
    detail_path = _path_builder("certificates.detail")
    for certificate in created:
        audit.record(actor, audit_action, "certificate", certificate.id,
                     after={"number": certificate.number, "kind": kind.code, "holder_id": certificate.holder_id,
                            "source": certificate.source_key, "expires_on": certificate.expires_on},
                     summary=f"Выдан документ № {certificate.number}: {certificate.holder_name}"
                     + ("" if actor is not None else " (автоматически)"))
        notify(certificate.holder, "certificates.issued",
               f"Вам выдан документ {quoted(kind.name)} № {certificate.number}. Его можно скачать в PDF.",
               detail_path(certificate_id=certificate.id))
    return created


def issue_many(kind_code: str, specs: list[IssueSpec], actor: User | None) -> tuple[list[Certificate], int]:
    """Issue documents for many holders at once; a source already issued is skipped (idempotent).

    Returns (created, skipped). The whole batch runs in a savepoint: if a parallel request issued one of the
    same sources meanwhile, the batch (and the numbers it reserved) is rolled back and retried without it."""
    kind = kind_by_code(kind_code)
    for attempt in range(3):
        existing = _existing_by_source([s.source_key for s in specs])
        fresh: list[IssueSpec] = []
        seen: set[str] = set()
        for spec in specs:
            if spec.source_key not in existing and spec.source_key not in seen:
                seen.add(spec.source_key)
                fresh.append(spec)
        if not fresh:
            return [], len(specs)
        _open_transaction()
        try:
            with db.session.begin_nested():
                created = _create(kind, fresh, actor)
        except IntegrityError:
            if attempt == 2:
                raise
            continue
        return created, len(specs) - len(created)
    return [], len(specs)  # pragma: no cover - the loop returns or raises


def issue_document(kind_code: str, holder: User, *, title: str, subtitle: str = "", issued_by: User | None,
                   source_key: str, details: dict[str, Any] | None = None,
                   completed_on: date | None = None) -> Certificate:
    """Issue one document (a diploma «Сотрудник месяца», a quest winner's diploma, a title, …).

    Idempotent by ``source_key`` (e.g. ``"contest:12:winner"``): a retry returns the document already issued
    for that source — the one in force, when it has been reissued — and never issues a second one."""
    if not source_key or len(source_key) > 120:
        raise DomainError("Нужен ключ источника документа (до 120 символов).")
    if not title.strip():
        raise DomainError("У документа должно быть название.")
    existing = _existing_by_source([source_key]).get(source_key)
    if existing is None:
        created, _ = issue_many(kind_code, [IssueSpec(holder=holder, title=title.strip(), subtitle=subtitle,
                                                      source_key=source_key, details=dict(details or {}),
                                                      completed_on=completed_on)], issued_by)
        existing = created[0] if created else _existing_by_source([source_key])[source_key]
    return current_version(existing)


# --- course certificates ------------------------------------------------------------------------------------

def source_label(source_key: str) -> str:
    """Where a document came from, in words (the key is for idempotency, not for people): «enrolment:2» →
    «прохождение курса», «recognition:contest:1:colleagues» → «конкурс «Сотрудник месяца» № 1»."""
    parts = source_key.split(":")
    if parts[0] == "enrolment":
        return "прохождение курса"
    if parts[:2] == ["recognition", "contest"] and len(parts) > 2:
        return f"конкурс {quoted('Сотрудник месяца')} № {parts[2]}"
    if parts[:2] == ["recognition", "quest"] and len(parts) > 2:
        return f"квест № {parts[2]}"
    if parts[:2] == ["metrics", "master"]:
        return "звание «Мастер клиентоцентричности» по оценке компетенций"
    if parts[0] == "reissue":
        return "замена прежнего документа"
    return "выдан кадровой службой"


def course_source_key(enrolment: Enrolment) -> str:
    return f"enrolment:{enrolment.id}"


def course_spec(enrolment: Enrolment) -> IssueSpec:
    course: Course = enrolment.cohort.course
    modules = [f"Модуль {m.number}. {m.title}" for m in course.modules]
    return IssueSpec(holder=enrolment.user, title=course.title, source_key=course_source_key(enrolment),
                     subtitle=f"{len(course.blocks)} блоков, {len(modules)} модуля" if len(modules) in (2, 3, 4)
                     else f"{len(course.blocks)} блоков",
                     details={"modules": modules, "course_code": course.code,
                              "course_version": course.content_version, "cohort": enrolment.cohort.name},
                     completed_on=local_date(enrolment.completed_at), enrolment_id=enrolment.id)


def due_enrolments(actor: User, *, cohort_id: int | None = None, centre_id: int | None = None,
                   department_id: int | None = None) -> Select:
    """Completed enrolments without a course certificate, in the actor's scope (HR: their service)."""
    return (completed_enrolments(actor, cohort_id=cohort_id, centre_id=centre_id, department_id=department_id)
            .where(~exists().where(Certificate.enrolment_id == Enrolment.id)))


def completed_enrolments(actor: User, *, cohort_id: int | None = None, centre_id: int | None = None,
                         department_id: int | None = None) -> Select:
    """Enrolments that completed the course, with or without a certificate, in the actor's scope."""
    query = (select(Enrolment).join(Cohort, Cohort.id == Enrolment.cohort_id)
             .join(User, User.id == Enrolment.user_id)
             .where(Enrolment.completed_at.is_not(None))
             .options(joinedload(Enrolment.user), joinedload(Enrolment.cohort))
             .order_by(User.full_name, Enrolment.id))
    query = query.where(scopes.administrable_condition(actor, service=Cohort.regional_service_id))
    if cohort_id:
        query = query.where(Enrolment.cohort_id == cohort_id)
    if centre_id:
        query = query.where(User.centre_id == centre_id)
    if department_id:
        query = query.where(User.department_id == department_id)
    return query


def issue_course_certificates(actor: User | None, enrolments: list[Enrolment]) -> tuple[list[Certificate], int]:
    """Issue course certificates to completed enrolments (HR one by one or in bulk, or automatically)."""
    for enrolment in enrolments:
        if enrolment.completed_at is None:
            raise DomainError(gendered(f"{enrolment.user.full_name} ещё не завершил(а) курс.",
                                       enrolment.user.full_name))
        if actor is not None and not scopes.can_administer_service(actor, enrolment.cohort.regional_service_id):
            raise NotAllowed("Выдавать сертификаты может кадровая служба СЗН слушателя.")
    created, skipped = issue_many("course", [course_spec(e) for e in enrolments], actor)
    if actor is not None and len(enrolments) > 1:
        audit.record(actor, "certificate.issue_bulk", "certificate", None,
                     after={"count": len(created), "skipped": skipped,
                            "numbers": [c.number for c in created]},
                     summary=f"Выдано сертификатов: {len(created)}")
    return created, skipped


# --- revocation and reissue ---------------------------------------------------------------------------------

def can_manage(user: User, certificate: Certificate) -> bool:
    return scopes.can_administer(user, certificate)


def can_view(user: User, certificate: Certificate) -> bool:
    return certificate.holder_id == user.id or can_manage(user, certificate)


def revoke(actor: User, certificate: Certificate, reason: str) -> None:
    if not can_manage(actor, certificate):
        raise NotAllowed("Отзывать документы может кадровая служба СЗН, выдавшей документ.")
    reason = " ".join(reason.split())
    if len(reason) < 5:
        raise DomainError("Укажите причину отзыва: она будет видна на странице проверки.")
    if certificate.revoked_at is not None:
        raise DomainError("Документ уже отозван.")
    if certificate.superseded_by_id is not None:
        raise DomainError("Документ заменён новым: отзовите действующий документ.")
    result = db.session.execute(update(Certificate).where(
        Certificate.id == certificate.id, Certificate.revoked_at.is_(None), Certificate.superseded_at.is_(None)
    ).values(revoked_at=utcnow(), revoked_by_id=actor.id, revocation_reason=reason[:1000])
        .execution_options(synchronize_session=False))
    if not result.rowcount:
        raise DomainError("Документ уже отозван или заменён.")
    db.session.refresh(certificate)
    audit.record(actor, "certificate.revoke", "certificate", certificate.id, before={"status": CertificateStatus.VALID},
                 after={"status": CertificateStatus.REVOKED, "reason": certificate.revocation_reason},
                 summary=f"Отозван документ № {certificate.number}: {certificate.holder_name}")
    notify(certificate.holder, "certificates.revoked",
           f"Документ № {certificate.number} отозван. Причина: {certificate.revocation_reason[:120]}",
           path_for("certificates.detail", certificate_id=certificate.id))


def reissue(actor: User, certificate: Certificate, reason: str = "смена ФИО") -> Certificate:
    """A new document (new number, the holder's current name, same content and expiry); the old one is
    marked superseded and its verification page links to the new one."""
    if not can_manage(actor, certificate):
        raise NotAllowed("Перевыпускать документы может кадровая служба СЗН, выдавшей документ.")
    if certificate.revoked_at is not None:
        raise DomainError("Отозванный документ не перевыпускается.")
    if certificate.superseded_by_id is not None:
        raise DomainError("Документ уже заменён.")
    reason = " ".join(reason.split()) or "смена ФИО"
    spec = IssueSpec(holder=certificate.holder, title=certificate.title, subtitle=certificate.subtitle,
                     source_key=f"reissue:{certificate.id}", details=dict(certificate.details or {}),
                     completed_on=certificate.completed_on, enrolment_id=certificate.enrolment_id)
    spec.details["replaces"] = certificate.number
    _open_transaction()
    with db.session.begin_nested():
        # claim the old document first: a parallel reissue or revocation finds nothing left to claim
        claimed = db.session.execute(update(Certificate).where(
            Certificate.id == certificate.id, Certificate.superseded_at.is_(None), Certificate.revoked_at.is_(None),
        ).values(superseded_at=utcnow()).execution_options(synchronize_session=False))
        if not claimed.rowcount:
            raise DomainError("Документ уже перевыпущен или отозван.")
        new = _create(certificate.kind, [spec], actor, expires_on={spec.source_key: certificate.expires_on},
                      audit_action="certificate.reissue")[0]
        db.session.execute(update(Certificate).where(Certificate.id == certificate.id)
                           .values(superseded_by_id=new.id).execution_options(synchronize_session=False))
    db.session.refresh(certificate)
    audit.record(actor, "certificate.supersede", "certificate", certificate.id,
                 before={"number": certificate.number, "holder_name": certificate.holder_name},
                 after={"superseded_by": new.number, "holder_name": new.holder_name, "reason": reason[:200]},
                 summary=f"Документ № {certificate.number} заменён документом № {new.number} ({reason[:80]})")
    return new


# --- queries: the learner, the registry ---------------------------------------------------------------------

def certificates_of(user: User) -> list[Certificate]:
    return list(db.session.scalars(select(Certificate).where(Certificate.holder_id == user.id)
                                   .order_by(Certificate.issued_at.desc(), Certificate.id.desc())))


def visible_certificates(user: User) -> Select:
    """The list of ``can_view``: one's own documents and those of the services one administers."""
    return select(Certificate).where(scopes.administrable_condition(user, service=Certificate.regional_service_id)
                                     | (Certificate.holder_id == user.id))


STATUS_FILTERS = {"valid": "действующие", "expiring": "истекают в ближайшие 90 дней", "expired": "истёк срок",
                  "revoked": "отозванные", "superseded": "заменённые"}


@dataclass
class RegistryFilter:
    q: str = ""
    centre_id: int | None = None
    kind: str = ""
    status: str = ""
    date_from: date | None = None
    date_to: date | None = None

    def as_args(self) -> dict[str, str]:
        args = {"q": self.q, "centre_id": self.centre_id or "", "kind": self.kind, "status": self.status,
                "date_from": self.date_from.isoformat() if self.date_from else "",
                "date_to": self.date_to.isoformat() if self.date_to else ""}
        return {k: str(v) for k, v in args.items() if v}


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=DISPLAY_TZ)


def registry_query(actor: User, filters: RegistryFilter, today: date | None = None) -> Select:
    today = today or local_today()
    query = visible_certificates(actor).order_by(Certificate.issued_at.desc(), Certificate.id.desc())
    if filters.q:
        query = query.where(Certificate.search_text.contains(search_key(filters.q.strip()), autoescape=True))
    if filters.centre_id:
        query = query.where(Certificate.centre_id == filters.centre_id)
    if filters.kind:
        query = query.where(Certificate.kind_id.in_(select(CertificateKind.id)
                                                    .where(CertificateKind.code == filters.kind)))
    if filters.date_from:
        query = query.where(Certificate.issued_at >= _start_of(filters.date_from))
    if filters.date_to:
        query = query.where(Certificate.issued_at < _start_of(filters.date_to + timedelta(days=1)))
    live = [Certificate.revoked_at.is_(None), Certificate.superseded_by_id.is_(None)]
    if filters.status == "valid":
        query = query.where(*live, or_(Certificate.expires_on.is_(None), Certificate.expires_on >= today))
    elif filters.status == "expiring":
        query = query.where(*live, Certificate.expires_on >= today,
                            Certificate.expires_on <= today + timedelta(days=EXPIRY_WARNINGS[0]))
    elif filters.status == "expired":
        query = query.where(*live, Certificate.expires_on < today)
    elif filters.status == "revoked":
        query = query.where(Certificate.revoked_at.is_not(None))
    elif filters.status == "superseded":
        query = query.where(Certificate.superseded_by_id.is_not(None), Certificate.revoked_at.is_(None))
    return query


REGISTRY_HEADER = ["Номер", "Вид", "ФИО", "Табельный номер", "ЦЗН", "Название", "Дата завершения", "Дата выдачи",
                   "Действителен до", "Статус", "Дата отзыва", "Причина отзыва", "Заменён документом",
                   "Ссылка для проверки"]


def registry_rows(certificates: list[Certificate], today: date | None = None) -> list[list]:
    today = today or local_today()
    rows = []
    for c in certificates:
        status = c.status(today)
        rows.append([c.number, c.kind.name, c.holder_name, c.holder.personnel_number or "",
                     c.centre.name if c.centre else "", c.title, c.completed_on or "",
                     local_date(c.issued_at), c.expires_on or "", status.label,
                     local_date(c.revoked_at) if c.revoked_at else "", c.revocation_reason or "",
                     c.superseded_by.number if c.superseded_by else "", verification_url(c)])
    return rows


# --- public verification ------------------------------------------------------------------------------------

def lookup_by_verification_code(code: str) -> Certificate | None:
    """One indexed query whatever the code: known and unknown codes take the same path (no timing oracle,
    no early exit on the code's shape). The page renders only snapshot columns of this row and the kind."""
    return db.session.scalar(select(Certificate).options(joinedload(Certificate.superseded_by))
                             .where(Certificate.verification_code == code[:40]))


def lookup_by_badge_code(code: str) -> Certificate | None:
    return db.session.scalar(select(Certificate).where(Certificate.badge_code == code[:40]))


# --- expiry reminders ---------------------------------------------------------------------------------------

def send_expiry_reminders(today: date) -> tuple[int, int]:
    """Remind holders (90 and 30 days ahead) and the HR of their service (one digest each). Idempotent."""
    horizon = today + timedelta(days=EXPIRY_WARNINGS[0])
    _open_transaction()
    expiring = list(db.session.scalars(select(Certificate).where(
        Certificate.revoked_at.is_(None), Certificate.superseded_by_id.is_(None),
        Certificate.expires_on.is_not(None), Certificate.expires_on >= today, Certificate.expires_on <= horizon)
        .order_by(Certificate.expires_on)))
    reminded = 0
    per_service: dict[int | None, list[Certificate]] = defaultdict(list)
    for certificate in expiring:
        days_left = (certificate.expires_on - today).days
        threshold = min(t for t in EXPIRY_WARNINGS if days_left <= t)
        sent = notify(certificate.holder, "certificates.expiring",
                      f"Срок действия документа № {certificate.number} истекает {ru_date(certificate.expires_on)}. "
                      "Обратитесь в кадровую службу, чтобы пройти повторное обучение.",
                      path_for("certificates.detail", certificate_id=certificate.id),
                      dedupe_key=f"certificate-expiry:{certificate.id}:{threshold}")
        if sent is not None:
            reminded += 1
            per_service[certificate.regional_service_id].append(certificate)
    digests = 0
    for service_id, certificates in per_service.items():
        if service_id is None:
            continue
        hr_people = scopes.staff_with_role(Role.HR, service_id=service_id)
        numbers = ", ".join(c.number for c in certificates[:5]) + (" и др." if len(certificates) > 5 else "")
        for person in hr_people:
            if notify(person, "certificates.expiring_hr",
                      f"Истекает срок действия документов: {len(certificates)} ({numbers}). "
                      "Запланируйте повторное обучение.",
                      path_for("certificates.registry", status="expiring"),
                      dedupe_key=f"certificate-expiry-hr:{service_id}:{person.id}:{today.isoformat()}"):
                digests += 1
    return reminded, digests


# --- signatories --------------------------------------------------------------------------------------------

def signatory_row(service_id: int) -> CertificateSignatory | None:
    return db.session.scalar(select(CertificateSignatory).where(CertificateSignatory.regional_service_id == service_id))


def set_signatory(actor: User, service_id: int, *, name: str, position: str, email: str) -> CertificateSignatory:
    if not scopes.can_administer_service(actor, service_id):
        raise NotAllowed("Подписанта задаёт кадровая служба этой СЗН.")
    row = signatory_row(service_id)
    before = ({"name": row.signatory_name, "position": row.signatory_position, "email": row.issuer_email}
              if row else {})
    if row is None:
        row = CertificateSignatory(regional_service_id=service_id)
        db.session.add(row)
    row.signatory_name, row.signatory_position = name.strip()[:200], position.strip()[:300]
    row.issuer_email, row.updated_by_id = email.strip()[:254], actor.id
    db.session.flush()
    after = {"name": row.signatory_name, "position": row.signatory_position, "email": row.issuer_email}
    audit.record_changes(actor, "certificate.signatory", "regional_service", service_id, before=before, after=after,
                         summary="Изменён подписант документов")
    return row


def issuer_email(service_id: int | None) -> str:
    row = signatory_row(service_id) if service_id else None
    return (row.issuer_email if row and row.issuer_email else "") or current_app.config.get(
        "CERTIFICATE_ISSUER_EMAIL") or current_app.config.get("MAIL_FROM") or "no-reply@szn.local"


def counts_by_status(actor: User, today: date | None = None) -> dict[str, int]:
    counts = {}
    for status in STATUS_FILTERS:
        counts[status] = db.session.scalar(select(func.count()).select_from(
            registry_query(actor, RegistryFilter(status=status), today).order_by(None).subquery())) or 0
    return counts
