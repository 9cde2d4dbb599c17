"""«Мастер клиентоцентричности»: granted only after three consecutive qualifying monthly closings, once."""
from __future__ import annotations

from sqlalchemy import func, select

from tests.factories import make_user
from tests.metrics.test_competence_scores import excellent_evidence, months_ago, score, this_month
from training.accounts.models import Role
from training.competence import services as competence
from training.competence import titles
from training.competence.models import CompetenceScore, CompetenceTitle
from training.extensions import db


def _closing(person, month, overall=85.0, communicative=88.0, proactive=80.0, qualifying=True) -> None:
    db.session.add(CompetenceScore(user_id=person.id, period_start=month.start, period_end=month.end,
                                   regional_service_id=person.regional_service_id, centre_id=person.centre_id,
                                   data_version=1, computed_version=1, overall=overall, communicative=communicative,
                                   proactive=proactive, is_qualifying=qualifying))
    db.session.commit()


def _badges(person) -> int:
    from training.gamification.recognition.models import Badge, UserBadge

    return db.session.scalar(select(func.count()).select_from(UserBadge).join(Badge)
                             .where(UserBadge.user_id == person.id, Badge.code == "master")) or 0


def _diplomas(person) -> list:
    from training.certificates.models import Certificate

    return db.session.scalars(select(Certificate).where(Certificate.holder_id == person.id,
                                                        Certificate.source_key == f"metrics:master:{person.id}")).all()


def test_the_title_needs_three_qualifying_closings_in_a_row(app, org):
    first, second, third = months_ago(3), months_ago(2), months_ago(1)
    steady = make_user(department=org.front_a, full_name="Стабильная Мастерова")
    broken = make_user(department=org.front_a, full_name="Прерванная Серия")
    lopsided = make_user(department=org.front_a, full_name="Только Общение")
    for month in (first, second):
        _closing(steady, month)
    assert titles.grant_master_titles(second) == []  # two closings are not a streak
    _closing(steady, third)
    _closing(broken, first)
    _closing(broken, second, overall=79.9, qualifying=False)
    _closing(broken, third)
    for month in (first, second, third):  # a high overall score does not hide a weak proactive block
        _closing(lopsided, month, overall=84.0, communicative=95.0, proactive=65.0, qualifying=False)
    assert titles.grant_master_titles(third) == [steady.id]
    db.session.commit()
    title = competence.title_of(steady.id)
    assert title.period_start == third.start and [m["month"] for m in title.months] == [first.key, second.key,
                                                                                       third.key]
    assert title.badge_awarded and _badges(steady) == 1
    diplomas = _diplomas(steady)
    assert len(diplomas) == 1 and diplomas[0].title == "Мастер клиентоцентричности"
    assert title.certificate_id == diplomas[0].id
    assert competence.title_of(broken.id) is None and competence.title_of(lopsided.id) is None
    # idempotent: running the closing again grants nothing twice
    assert titles.grant_master_titles(third) == []
    db.session.commit()
    assert _badges(steady) == 1 and len(_diplomas(steady)) == 1
    assert db.session.scalar(select(func.count()).select_from(CompetenceTitle)) == 1


def test_the_title_from_real_evidence_after_the_third_closing(app, client, login, org):
    """Evidence from every domain makes each closing qualify; the monthly job grants the title after the third."""
    person = make_user(department=org.front_a, full_name="Образцова Мария Петровна")
    colleagues = [make_user(department=org.front_a) for _ in range(5)]
    manager = make_user(Role.MANAGER, department=org.front_a)
    first, second, third = months_ago(3), months_ago(2), months_ago(1)
    excellent_evidence(person, [*colleagues, manager], first.start.replace(day=10))
    for month in (first, second):
        competence.recompute_month(month)
        db.session.commit()
    row = score(person, first)
    assert row.is_qualifying, row.breakdown["master"]
    assert row.overall >= 80 and row.communicative >= 70 and row.proactive >= 70
    assert row.n_client >= 10 and row.n_peer >= 5 and row.peer_raters >= 3 and row.n_iqs == 3
    assert titles.grant_master_titles(second) == []
    from training.competence.jobs import competence_closing

    outcome = competence_closing(this_month().start)  # closes last month (the third) and checks the title
    db.session.commit()
    assert "присвоено званий: 1" in outcome
    assert score(person, third).is_qualifying
    assert competence.title_of(person.id) is not None and _badges(person) == 1
    # the colleagues who only rated never qualify
    assert all(competence.title_of(c.id) is None for c in colleagues)
    login(manager)
    body = client.get(f"/metrics/competence/ranking?month={third.key}").get_data(as_text=True)
    assert "Образцова Мария Петровна" in body and "Мастер</span>" in body
    page = client.get(f"/metrics/competence/employee/{person.id}?month={third.key}").get_data(as_text=True)
    assert "звание присвоено" in page and "условие выполнено" in page
