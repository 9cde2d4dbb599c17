"""«Лучший рост» (most improved): recognition for those behind but willing, from the ranking's trend.

At a monthly closing, in each centre, among the people whose overall score at the previous closing was below the
centre's middle (median), the one whose score rose most — by at least the ranking's arrow step
(:data:`ranking.TREND_STEP`) — earns the «Лучший рост» badge for that month (one award per person and month:
the badge's source is the month)."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from statistics import median

from sqlalchemy import and_, select
from sqlalchemy.orm import aliased

from training.accounts.models import User
from training.competence.models import CompetenceScore
from training.competence.ranking import TREND_STEP
from training.extensions import db
from training.gamification.recognition import services as recognition
from training.measures.periods import Period

BADGE = "most_improved"


@dataclass
class Improver:
    centre_id: int
    user_id: int
    previous: float
    value: float

    @property
    def delta(self) -> float:
        return self.value - self.previous


def most_improved(month: Period) -> list[Improver]:
    """The month's most improved person of each centre (none where nobody behind rose by the step)."""
    cur = aliased(CompetenceScore, name="cur")
    prev = aliased(CompetenceScore, name="prev")
    rows = db.session.execute(
        select(cur.centre_id, cur.user_id, prev.overall, cur.overall)
        .join(prev, and_(prev.user_id == cur.user_id, prev.period_start == month.previous().start,
                         prev.computed_version > 0, prev.overall.is_not(None)))
        .join(User, User.id == cur.user_id)
        .where(cur.period_start == month.start, cur.computed_version > 0, cur.overall.is_not(None),
               cur.centre_id.is_not(None), User.is_active))
    by_centre: dict[int, list[Improver]] = defaultdict(list)
    for centre_id, user_id, previous, value in rows:
        by_centre[centre_id].append(Improver(centre_id, user_id, float(previous), float(value)))
    winners = []
    for _centre, people in sorted(by_centre.items()):
        middle = median(p.previous for p in people)
        behind = [p for p in people if p.previous < middle and p.delta >= TREND_STEP]
        if behind:
            winners.append(max(behind, key=lambda p: (p.delta, -p.user_id)))
    return winners


def grant_most_improved(month: Period) -> int:
    """Award the month's badges (idempotent: the badge's source is the month). Returns how many were new."""
    granted = 0
    for improver in most_improved(month):
        person = db.session.get(User, improver.user_id)
        reason = f"Рост общего балла компетенций за {month.label}: +{improver.delta:.1f}".replace(".", ",")
        if recognition.award_badge(person, BADGE, reason=reason, source=month.key) is not None:
            granted += 1
    return granted
