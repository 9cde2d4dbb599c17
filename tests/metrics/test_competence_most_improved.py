"""«Лучший рост»: at a monthly closing, the centre's biggest rise among those below its middle earns the badge for
that month, once; someone already ahead, or a rise under the ranking's arrow step, earns nothing."""
from __future__ import annotations

from sqlalchemy import func, select

from tests.factories import make_user
from training.competence import improvement
from training.competence.models import CompetenceScore
from training.extensions import db
from training.gamification.recognition.models import Badge, UserBadge
from training.measures.periods import MONTH, local_today, period_of


def _score(person, month, overall: float) -> None:
    db.session.add(CompetenceScore(user_id=person.id, period_start=month.start, period_end=month.end,
                                   regional_service_id=person.regional_service_id, centre_id=person.centre_id,
                                   data_version=1, computed_version=1, overall=overall))


def _most_improved_badges(person) -> list[str]:
    return list(db.session.scalars(select(UserBadge.source).join(Badge).where(UserBadge.user_id == person.id,
                                                                             Badge.code == "most_improved")))


def test_the_biggest_rise_among_those_behind_earns_the_badge_once(app, org):
    month = period_of(MONTH, local_today()).previous()
    leader = make_user(department=org.front_a, full_name="Лидерова Анна")
    middle = make_user(department=org.front_a, full_name="Серединова Вера")
    behind = make_user(department=org.front_a, full_name="Отстающий Пётр")
    slow = make_user(department=org.front_a, full_name="Медленный Иван")
    for person, before, after in ((leader, 90, 99), (middle, 70, 72), (behind, 40, 55), (slow, 45, 45.5)):
        _score(person, month.previous(), before)
        _score(person, month, after)
    db.session.commit()

    assert [(i.user_id, round(i.delta, 1)) for i in improvement.most_improved(month)] == [(behind.id, 15.0)]
    assert improvement.grant_most_improved(month) == 1
    assert improvement.grant_most_improved(month) == 0
    db.session.commit()
    assert _most_improved_badges(behind) == [month.key]
    assert _most_improved_badges(leader) == []  # rose 9, but was already ahead
    assert db.session.scalar(select(func.count()).select_from(UserBadge)) == 1
