"""«Мастер клиентоцентричности»: the title for a streak of high scores, with its diploma."""
from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from flask import current_app
from sqlalchemy import select

from training.accounts.models import User
from training.audit import services as audit
from training.certificates.models import CertificateKind
from training.certificates.services import issue_document
from training.competence.framework import MASTER_CODE, MASTER_TITLE
from training.competence.models import CompetenceScore, CompetenceTitle
from training.db import dialect_insert, utcnow
from training.extensions import db
from training.measures.periods import Period
from training.measures.scales import MASTER_BLOCK_MINIMUM, MASTER_PERIODS, MASTER_THRESHOLD, held_above
from training.signals import master_title_granted


def grant_master_titles(closing: Period, actor: User | None = None) -> list[int]:
    """Grant the title to everyone whose last MASTER_PERIODS closings up to ``closing`` all qualify
    (scales.held_above on the overall score and on each block, with a closing that misses an evidence
    requirement counting as no score). Idempotent: a person gets the title once."""
    months = [closing]
    while len(months) < MASTER_PERIODS:
        months.append(months[-1].previous())
    months.reverse()
    candidates = select(CompetenceScore.user_id).where(CompetenceScore.period_start == closing.start,
                                                       CompetenceScore.is_qualifying.is_(True))
    have = select(CompetenceTitle.user_id).where(CompetenceTitle.code == MASTER_CODE)
    rows = db.session.execute(
        select(CompetenceScore.user_id, CompetenceScore.period_start, CompetenceScore.overall,
               CompetenceScore.communicative, CompetenceScore.proactive, CompetenceScore.is_qualifying)
        .where(CompetenceScore.user_id.in_(candidates), CompetenceScore.user_id.not_in(have),
               CompetenceScore.period_start.in_([m.start for m in months]),
               CompetenceScore.computed_version > 0)).all()
    by_user: dict[int, dict[date, Any]] = defaultdict(dict)
    for row in rows:
        by_user[row.user_id][row.period_start] = row
    granted = []
    for uid, by_month in sorted(by_user.items()):
        series = [by_month.get(m.start) for m in months]
        overall = [r.overall if r is not None and r.is_qualifying else None for r in series]
        communicative = [r.communicative if r is not None and r.is_qualifying else None for r in series]
        proactive = [r.proactive if r is not None and r.is_qualifying else None for r in series]
        if (held_above(overall, MASTER_THRESHOLD, MASTER_PERIODS)
                and held_above(communicative, MASTER_BLOCK_MINIMUM, MASTER_PERIODS)
                and held_above(proactive, MASTER_BLOCK_MINIMUM, MASTER_PERIODS)):
            record = [{"month": m.key, "overall": round(r.overall, 1), "communicative": round(r.communicative, 1),
                       "proactive": round(r.proactive, 1)} for m, r in zip(months, series, strict=True)]
            if _grant(db.session.get(User, uid), closing, record, actor):
                granted.append(uid)
    return granted


def _grant(user: User, closing: Period, record: list[dict[str, Any]], actor: User | None) -> bool:
    insert = dialect_insert(db.session)
    created = db.session.execute(
        insert(CompetenceTitle).values(user_id=user.id, code=MASTER_CODE, granted_at=utcnow(),
                                       period_start=closing.start, months=record, badge_awarded=False)
        .on_conflict_do_nothing(index_elements=["user_id", "code"])).rowcount
    if not created:
        return False
    title = db.session.scalar(select(CompetenceTitle).where(CompetenceTitle.user_id == user.id,
                                                            CompetenceTitle.code == MASTER_CODE))
    reason = (f"Оценка компетенций не ниже {MASTER_THRESHOLD:g} (каждый блок не ниже {MASTER_BLOCK_MINIMUM:g}) "
              f"{MASTER_PERIODS} месячных закрытия подряд: " + ", ".join(r["month"] for r in record))
    answers = master_title_granted.send(user, reason=reason, actor=actor)
    title.badge_awarded = any(recorded for _, recorded in answers)
    title.certificate_id = _issue_diploma(user, closing, record, actor)
    audit.record(actor, "metrics.master_granted", "user", user.id, after={"title": MASTER_TITLE, "months": record},
                 summary=f"{MASTER_TITLE}: {user.full_name}")
    return True


def _issue_diploma(user: User, closing: Period, record: list[dict[str, Any]], actor: User | None) -> int | None:
    kinds = set(db.session.scalars(select(CertificateKind.code).where(CertificateKind.code.in_(["master", "title"]))))
    kind = "master" if "master" in kinds else "title"
    try:
        with db.session.begin_nested():
            certificate = issue_document(kind, user, title=MASTER_TITLE,
                                         subtitle=f"по итогам оценки компетенций, {closing.label.lower()}",
                                         issued_by=actor, source_key=f"metrics:master:{user.id}",
                                         details={"months": record, "threshold": MASTER_THRESHOLD,
                                                  "block_minimum": MASTER_BLOCK_MINIMUM})
    except Exception:  # the title stands; the diploma can be issued by hand later
        current_app.logger.exception("diploma «%s» for user %s was not issued", MASTER_TITLE, user.id)
        return None
    return getattr(certificate, "id", None)
