"""Peer ratings as evidence, without storing who rated whom: per-rater running sums under a monthly key
(docs/metrics.md 12)."""
from __future__ import annotations

import hashlib
import hmac
import secrets
from collections import defaultdict
from datetime import date, datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import delete, func, select, update

from training.accounts.models import User
from training.competence.framework import DAMPING_FACTOR, RATER_PRIOR_WEIGHT, TOP_MARK, WINDOW_MONTHS
from training.competence.models import PeerEvidenceSum, PeerKeySalt, PeerRaterStat, PeerTopMark
from training.competence.services import mark_stale, month_of, window_of
from training.db import dialect_insert, utcnow
from training.extensions import db
from training.measures.periods import local_date_of, local_today
from training.measures.scales import pair_damping_weights


def _month_key(month: date, *, create: bool) -> bytes | None:
    salt = db.session.scalar(select(PeerKeySalt.salt).where(PeerKeySalt.month == month))
    if salt is None and create:
        insert = dialect_insert(db.session)
        db.session.execute(insert(PeerKeySalt).values(month=month, salt=secrets.token_hex(32))
                           .on_conflict_do_nothing(index_elements=["month"]))
        salt = db.session.scalar(select(PeerKeySalt.salt).where(PeerKeySalt.month == month))
    if salt is None:
        return None
    secret = current_app.config["SECRET_KEY"].encode()
    return hmac.new(secret, f"competence-peer:{salt}".encode(), hashlib.sha256).digest()


def _token(key: bytes, message: str) -> str:
    return hmac.new(key, message.encode(), hashlib.sha256).hexdigest()


def _upsert_evidence(rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    insert = dialect_insert(db.session)
    table = PeerEvidenceSum.__table__
    stmt = insert(table)
    stmt = stmt.on_conflict_do_update(
        index_elements=["rated_id", "aspect_code", "month"],
        set_={name: table.c[name] + getattr(stmt.excluded, name)
              for name in ("weight_sum", "centred_sum", "shrink_sum", "raw_sum", "rating_count")})
    db.session.execute(stmt, rows)


def record_peer_scores(rater: User, rated: User, scores: dict[str, int], at: datetime | None = None) -> None:
    """Fold one peer rating into the rated person's sums (docs/metrics.md 12.3), inside the rating's transaction.

    For each aspect: the rater's running statistics under this month's HMAC key get the score; the rater's mean
    m_r over the window so far (this rating included) gives the centred value x − s·m_r with
    s = n_r / (n_r + RATER_PRIOR_WEIGHT) — :func:`scales.normalise_per_rater` applied to what is known at the
    time; the centre's mean G is added when scores are computed. A top mark answering a top mark of the
    colleague within the window gets ``pair_damping_weights``' weight, and so does the earlier one, retroactively.
    Nothing stored names the rater next to a score."""
    codes = sorted(code for code, value in scores.items() if value)
    if not codes or rater.id == rated.id:
        return
    moment = at or utcnow()
    month = month_of(local_date_of(moment)).start
    months = [month]
    while len(months) < WINDOW_MONTHS:
        months.append(month_of(months[-1] - timedelta(days=1)).start)
    keys = {m: _month_key(m, create=(m == month)) for m in months}
    keys = {m: k for m, k in keys.items() if k is not None}
    current = keys[month]
    insert = dialect_insert(db.session)
    stats = PeerRaterStat.__table__
    stmt = insert(stats)
    stmt = stmt.on_conflict_do_update(
        index_elements=["rater_key", "aspect_code", "month"],
        set_={"score_sum": stats.c.score_sum + stmt.excluded.score_sum,
              "score_count": stats.c.score_count + stmt.excluded.score_count})
    db.session.execute(stmt, [{"rater_key": _token(current, f"rater:{rater.id}:{code}"), "aspect_code": code,
                               "month": month, "score_sum": int(scores[code]), "score_count": 1} for code in codes])
    rater_keys = {_token(key, f"rater:{rater.id}:{code}"): code for key in keys.values() for code in codes}
    history: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for rater_key, total, count in db.session.execute(
            select(PeerRaterStat.rater_key, func.sum(PeerRaterStat.score_sum), func.sum(PeerRaterStat.score_count))
            .where(PeerRaterStat.rater_key.in_(list(rater_keys))).group_by(PeerRaterStat.rater_key)):
        history[rater_keys[rater_key]][0] += int(total or 0)
        history[rater_keys[rater_key]][1] += int(count or 0)
    reverse = {_token(key, f"top:{rated.id}>{rater.id}:{code}"): code for key in keys.values() for code in codes
               if scores[code] >= TOP_MARK}
    answered: dict[str, PeerTopMark] = {}
    if reverse:
        for mark in db.session.scalars(select(PeerTopMark).where(PeerTopMark.token.in_(list(reverse)))
                                       .order_by(PeerTopMark.is_damped, PeerTopMark.month)):
            answered.setdefault(reverse[mark.token], mark)
    evidence, marks = [], []
    for code in codes:
        value = float(scores[code])
        total, count = history[code]
        shrink = count / (count + RATER_PRIOR_WEIGHT) if count else 0.0
        centred = value - shrink * (total / count if count else 0.0)
        table = {rater.id: {rated.id: value}}
        if code in answered:
            table[rated.id] = {rater.id: TOP_MARK}
        weight = pair_damping_weights(table, top=TOP_MARK, factor=DAMPING_FACTOR)[(rater.id, rated.id)]
        mark = answered.get(code)
        if mark is not None and weight < 1.0:
            claimed = db.session.execute(update(PeerTopMark).where(PeerTopMark.id == mark.id,
                                                                   PeerTopMark.is_damped.is_(False))
                                         .values(is_damped=True).execution_options(synchronize_session=False))
            if claimed.rowcount:  # the colleague's earlier top mark now counts with the same reduced weight
                delta = weight - 1.0
                evidence.append({"rated_id": rater.id, "aspect_code": code, "month": mark.month,
                                 "weight_sum": delta, "centred_sum": delta * mark.centred,
                                 "shrink_sum": delta * mark.shrink, "raw_sum": 0.0, "rating_count": 0})
        if value >= TOP_MARK:
            marks.append({"token": _token(current, f"top:{rater.id}>{rated.id}:{code}"), "month": month,
                          "centred": centred, "shrink": shrink, "is_damped": weight < 1.0})
        evidence.append({"rated_id": rated.id, "aspect_code": code, "month": month, "weight_sum": weight,
                         "centred_sum": weight * centred, "shrink_sum": weight * shrink, "raw_sum": value,
                         "rating_count": 1})
    if marks:
        db.session.execute(insert(PeerTopMark.__table__).on_conflict_do_nothing(index_elements=["token"]), marks)
    _upsert_evidence(evidence)
    day = local_date_of(moment)
    mark_stale([rated.id], day)
    if any(row["rated_id"] == rater.id for row in evidence):
        mark_stale([rater.id], day)


def purge_peer_keys(today: date | None = None) -> int:
    """Delete salts, rater statistics and top-mark tokens of months that no window includes any more: from then
    on nothing, not even with SECRET_KEY, links the stored sums to a rater."""
    current = month_of(today or local_today())
    oldest = window_of(current)[0]
    removed = 0
    for model in (PeerRaterStat, PeerTopMark, PeerKeySalt):
        removed += db.session.execute(delete(model).where(model.month < oldest)
                                      .execution_options(synchronize_session=False)).rowcount
    return removed
