"""«Корпоративный тиндер»: colleagues rate each other on HR-configurable aspects, 1–5.

Rules (docs/engagement.md):
- a rater rates a given colleague at most once per PEER_RATING_INTERVAL_DAYS (30) days, never themselves;
  the database enforces it: one (rater, rated) row whose ``last_rated_at`` moves forward only by a conditional
  UPDATE, so parallel submits leave one rating;
- individual scores are never stored: each rating is added to running totals per (rated person, aspect);
- the rated person sees averages only once PEER_RATING_MIN_RATERS (3) different colleagues rated them.
Nothing here logs: no log line may link a rater and the person rated."""
from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import ColumnElement, Select, case, func, or_, select, update
from sqlalchemy.exc import IntegrityError

from training.accounts.models import Role, User
from training.accounts.scopes import can_administer_service
from training.audit import services as audit
from training.db import dialect_insert, seed_by_code, utcnow
from training.errors import DomainError, NotAllowed
from training.extensions import db
from training.gamification.ratings.models import PeerRatingPair, PeerRatingTotal, RatingAspect
from training.signals import client_aspect_averages_requested, peer_rating_given, peer_scores_recorded

DEFAULT_ASPECTS = [
    ("politeness", "Вежливость", "Корректность и доброжелательность в общении"),
    ("empathy", "Эмпатия", "Умение понять ситуацию и чувства собеседника"),
    ("clarity", "Понятность объяснений", "Объясняет просто, без канцелярита, проверяет, что понят"),
    ("helpfulness", "Готовность помочь", "Откликается на просьбы, доводит дело до результата"),
    ("teamwork", "Командность", "Делится знаниями, поддерживает коллег, работает на общий результат"),
]
SCORES = (1, 2, 3, 4, 5)


def interval_days() -> int:
    return int(current_app.config.get("PEER_RATING_INTERVAL_DAYS", 30))


def min_raters() -> int:
    return int(current_app.config.get("PEER_RATING_MIN_RATERS", 3))


# --- aspects (reference data configured by HR) ------------------------------------------------------------

def seed_default_aspects() -> int:
    """Get-or-create the default set (regional service NULL). Returns how many were created."""
    return seed_by_code(db.session, RatingAspect,
                        ({"code": code, "name": name, "description": description, "is_active": True}
                         for code, name, description in DEFAULT_ASPECTS),
                        where=(RatingAspect.regional_service_id.is_(None),))


def has_own_aspects(service_id: int | None) -> bool:
    if service_id is None:
        return False
    return db.session.scalar(select(RatingAspect.id).where(RatingAspect.regional_service_id == service_id)
                             .limit(1)) is not None


def aspect_rows_condition(service_id) -> ColumnElement[bool]:
    """The rows :func:`service_aspect_set` chooses from: the shared set and the service's own (``service_id`` a
    value or a column, so another domain can join the aspects to the row that names the service)."""
    shared = RatingAspect.regional_service_id.is_(None)
    return shared if service_id is None else or_(shared, RatingAspect.regional_service_id == service_id)


#: the order a set is shown in (join it to :func:`aspect_rows_condition`'s rows)
ASPECT_ORDER = (RatingAspect.sort_order, RatingAspect.name)


def service_aspect_set(rows: Iterable[RatingAspect]) -> list[RatingAspect]:
    """Of the shared and the service's own rows (in :data:`ASPECT_ORDER`), the set the service uses: its own once
    HR set one up, else the shared one, active or not."""
    rows = list(rows)
    own = [aspect for aspect in rows if aspect.regional_service_id is not None]
    return own or rows


def all_aspects(service_id: int | None) -> list[RatingAspect]:
    """The set a service uses (its own once HR set one up, else the default set), active or not."""
    query = select(RatingAspect).where(aspect_rows_condition(service_id)).order_by(*ASPECT_ORDER)
    return service_aspect_set(db.session.scalars(query))  # one statement


def aspects_for(service_id: int | None) -> list[RatingAspect]:
    return [a for a in all_aspects(service_id) if a.is_active]


def can_configure(user: User, service_id: int | None) -> bool:
    """HR of the service, administrators (the default set, ``service_id`` None: administrators only)."""
    return can_administer_service(user, service_id)


def customise_aspects(actor: User, service_id: int) -> int:
    """Give the service its own copy of the default set, to edit. Idempotent."""
    if not can_configure(actor, service_id):
        raise NotAllowed("Аспекты оценки настраивает кадровая служба.")
    if has_own_aspects(service_id):
        return 0
    created = 0
    for aspect in all_aspects(None):
        db.session.add(RatingAspect(code=aspect.code, name=aspect.name, description=aspect.description,
                                    is_active=aspect.is_active, sort_order=aspect.sort_order,
                                    regional_service_id=service_id))
        created += 1
    db.session.flush()
    audit.record(actor, "rating_aspects.customise", "regional_service", service_id,
                 summary=f"Служба перешла на собственный набор аспектов оценки ({created})")
    return created


def _aspect_snapshot(aspect: RatingAspect) -> dict:
    return {"code": aspect.code, "name": aspect.name, "description": aspect.description,
            "is_active": aspect.is_active, "sort_order": aspect.sort_order}


def save_aspect(actor: User, aspect: RatingAspect | None, *, service_id: int | None, code: str, name: str,
                description: str, is_active: bool, sort_order: int) -> RatingAspect:
    owner = aspect.regional_service_id if aspect is not None else service_id
    if not can_configure(actor, owner) or (owner is None and not actor.has_role(Role.ADMIN)):
        raise NotAllowed("Аспекты оценки настраивает кадровая служба; общий набор — администратор.")
    code = code.strip().lower()
    before = _aspect_snapshot(aspect) if aspect is not None else None
    if aspect is None:
        aspect = RatingAspect(regional_service_id=owner)
        db.session.add(aspect)
    aspect.code, aspect.name, aspect.description = code, name.strip(), description.strip()
    aspect.is_active, aspect.sort_order = is_active, sort_order
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:
        raise DomainError(f"Аспект с кодом «{code}» уже есть в этом наборе.") from None
    if before is None:
        audit.record(actor, "rating_aspect.create", "rating_aspect", aspect.id, after=_aspect_snapshot(aspect),
                     summary=f"Добавлен аспект оценки «{aspect.name}»")
    else:
        audit.record_changes(actor, "rating_aspect.update", "rating_aspect", aspect.id, before=before,
                             after=_aspect_snapshot(aspect), summary=f"Изменён аспект оценки «{aspect.name}»")
    return aspect


# --- whom one rates -----------------------------------------------------------------------------------------

def colleagues(rater: User) -> Select:
    """Colleagues a person may rate: active staff of the same centre (or, for staff of the regional service
    itself, of the service without a centre), never oneself."""
    query = select(User).where(User.is_active, User.id != rater.id)
    if rater.centre_id:
        return query.where(User.centre_id == rater.centre_id)
    if rater.regional_service_id:
        return query.where(User.regional_service_id == rater.regional_service_id, User.centre_id.is_(None))
    return query.where(False)


def deck(rater: User, now: datetime | None = None) -> list[User]:
    """Cards in order: same department first, then the rest of the centre; those rated within the interval
    are left out."""
    now = now or utcnow()
    recent = select(PeerRatingPair.rated_id).where(PeerRatingPair.rater_id == rater.id,
                                                   PeerRatingPair.last_rated_at > now - timedelta(days=interval_days()))
    order = [User.full_name, User.id]
    if rater.department_id:
        order.insert(0, case((User.department_id == rater.department_id, 0), else_=1))
    query = colleagues(rater).where(User.id.not_in(recent)).order_by(*order)
    return list(db.session.scalars(query.limit(500)))


def next_allowed(rater: User, rated: User) -> datetime | None:
    """When the rater may rate this colleague again (None: now)."""
    last = db.session.scalar(select(PeerRatingPair.last_rated_at).where(PeerRatingPair.rater_id == rater.id,
                                                                        PeerRatingPair.rated_id == rated.id))
    if last is None:
        return None
    allowed = last + timedelta(days=interval_days())
    return allowed if allowed > utcnow() else None


# --- rating ---------------------------------------------------------------------------------------------------

def _claim(rater: User, rated: User, now: datetime) -> None:
    """Record that the rater rates the colleague now, or refuse: at most once per interval, race-free."""
    cutoff = now - timedelta(days=interval_days())
    moved = db.session.execute(
        update(PeerRatingPair).where(PeerRatingPair.rater_id == rater.id, PeerRatingPair.rated_id == rated.id,
                                     PeerRatingPair.last_rated_at <= cutoff)
        .values(last_rated_at=now).execution_options(synchronize_session=False)).rowcount
    if moved == 1:
        return
    refusal = DomainError(f"Вы уже оценили этого коллегу: повторно — не раньше чем через {interval_days()} дней.")
    exists = db.session.scalar(select(PeerRatingPair.id).where(PeerRatingPair.rater_id == rater.id,
                                                               PeerRatingPair.rated_id == rated.id))
    if exists is not None:
        raise refusal
    try:
        with db.session.begin_nested():
            db.session.add(PeerRatingPair(rater_id=rater.id, rated_id=rated.id, last_rated_at=now))
    except IntegrityError:
        raise refusal from None


def _add_to_total(rated_id: int, aspect_id: int, score: int) -> None:
    insert = dialect_insert(db.session)
    stmt = insert(PeerRatingTotal).values(rated_id=rated_id, aspect_id=aspect_id, score_sum=score, score_count=1)
    stmt = stmt.on_conflict_do_update(index_elements=["rated_id", "aspect_id"],
                                      set_={"score_sum": PeerRatingTotal.score_sum + stmt.excluded.score_sum,
                                            "score_count": PeerRatingTotal.score_count + 1})
    db.session.execute(stmt)


def submit_rating(rater: User, rated: User, scores: dict[int, int], now: datetime | None = None) -> None:
    """Rate a colleague on some or all active aspects (``{aspect id: 1..5}``)."""
    now = now or utcnow()
    if rater.id == rated.id:
        raise DomainError("Себя оценить нельзя.")
    in_scope = db.session.scalar(colleagues(rater).with_only_columns(User.id).where(User.id == rated.id))
    if in_scope is None:
        raise DomainError("Оценивать можно только коллег своего ЦЗН.")
    allowed = {a.id for a in aspects_for(rater.regional_service_id)}
    scores = {aspect_id: score for aspect_id, score in scores.items() if score}
    if not scores:
        raise DomainError("Поставьте оценку хотя бы по одному аспекту или пропустите карточку.")
    if not scores.keys() <= allowed or any(score not in SCORES for score in scores.values()):
        raise DomainError("Оценка — от 1 до 5 по аспектам из списка.")
    _claim(rater, rated, now)
    for aspect_id, score in sorted(scores.items()):
        _add_to_total(rated.id, aspect_id, score)
    # documented hook (docs/metrics.md 12): metrics folds the scores into per-rater-normalised sums, never per rater
    codes = {a.id: a.code for a in aspects_for(rater.regional_service_id)}
    peer_scores_recorded.send(rater, rated=rated, scores={codes[a]: s for a, s in scores.items()}, at=now)
    peer_rating_given.send(rater, rated_id=rated.id)


# --- what the rated person sees ----------------------------------------------------------------------------------

def distinct_raters(user: User) -> int:
    return db.session.scalar(select(func.count()).select_from(PeerRatingPair)
                             .where(PeerRatingPair.rated_id == user.id)) or 0


def colleague_aspect_averages(user: User) -> dict[str, tuple[float, int]]:
    """``{aspect code: (average, number of ratings)}``, empty until enough different colleagues rated.

    Also for other domains (competence scores): the threshold applies to every reader."""
    if distinct_raters(user) < min_raters():
        return {}
    rows = db.session.execute(
        select(RatingAspect.code, func.sum(PeerRatingTotal.score_sum), func.sum(PeerRatingTotal.score_count))
        .join(RatingAspect, RatingAspect.id == PeerRatingTotal.aspect_id)
        .where(PeerRatingTotal.rated_id == user.id).group_by(RatingAspect.code)).all()
    return {code: (round(total / count, 2), int(count)) for code, total, count in rows
            if count and count >= min_raters()}


def client_aspect_averages(user: User) -> dict[str, tuple[float, int]]:
    """Clients' ratings of the same aspects, from whichever domain answers
    ``client_aspect_averages_requested`` (the client-feedback page); several answers are pooled."""
    sums: dict[str, tuple[float, int]] = {}
    for _receiver, answer in client_aspect_averages_requested.send(user):
        for code, (average, count) in (answer or {}).items():
            if not count:
                continue
            total, n = sums.get(code, (0.0, 0))
            sums[code] = (total + float(average) * count, n + int(count))
    return {code: (round(total / n, 2), n) for code, (total, n) in sums.items() if n}


def how_seen(user: User) -> dict:
    """For «как меня видят коллеги и клиенты»: one row per aspect of the person's service."""
    colleagues_avg = colleague_aspect_averages(user)
    clients_avg = client_aspect_averages(user)
    rows = [{"aspect": aspect, "colleagues": colleagues_avg.get(aspect.code),
             "clients": clients_avg.get(aspect.code)} for aspect in aspects_for(user.regional_service_id)]
    return {"rows": rows, "raters": distinct_raters(user), "min_raters": min_raters(),
            "threshold_met": distinct_raters(user) >= min_raters()}
