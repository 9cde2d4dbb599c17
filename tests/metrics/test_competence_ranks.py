"""Rankings read the places each recompute stores: every page of every scope shows the places a full ranking gives
(ties included), a page is a range of stored positions (no OFFSET), and a changed score moves the stored places."""
from __future__ import annotations

import itertools
import math

import pytest
from sqlalchemy import event, func, select, update

from tests.factories import make_user
from training.accounts.models import Role
from training.competence import ranking
from training.competence import services as competence
from training.competence.models import CompetenceScore
from training.extensions import db
from training.measures.periods import MONTH, local_today, period_of

#: overall scores with ties (places shared), spread over every department, both centres and both services
SCORES = [91.0, 88.5, 88.5, 80.0, 77.0, 77.0, 77.0, 70.0, 64.0, 60.0, 55.5, 55.5, 50.0, 42.0, 30.0, None]


def _month():
    return period_of(MONTH, local_today())


def _people(org) -> list:
    places = itertools.cycle([{"department": org.front_a}, {"department": org.back_a}, {"department": org.front_b},
                              {"centre": org.other_centre}])
    month = _month()
    people = []
    for n, overall in enumerate(SCORES):
        person = make_user(full_name=f"Сотрудник {chr(0x0410 + (n * 7) % 32)}{n:02d}", **next(places))
        db.session.add(CompetenceScore(user_id=person.id, period_start=month.start, period_end=month.end,
                                       regional_service_id=person.regional_service_id, centre_id=person.centre_id,
                                       department_id=person.department_id, data_version=1, computed_version=1,
                                       overall=overall))
        people.append(person)
    db.session.flush()
    competence.store_ranks(month)
    db.session.commit()
    return people


def _paged(viewer, filters, per_page=3):
    first = ranking.ranking_page(viewer, filters, 1, per_page)
    rows = list(first.items)
    for page in range(2, first.pages + 1):
        rows += ranking.ranking_page(viewer, filters, page, per_page).items
    return first.total, [(r.place, r.user_id, r.value) for r in rows]


def _full(viewer, filters):
    return [(r.place, r.user_id, r.value) for r in ranking.ranking_rows(viewer, filters)]  # places on the fly


def test_every_page_of_every_scope_shows_the_places_of_the_full_ranking(app, org):
    _people(org)
    admin, hr = make_user(Role.ADMIN), make_user(Role.HR, service=org.service)
    manager = make_user(Role.MANAGER, department=org.front_a)
    shapes = [(admin, {}), (admin, {"service_id": org.service.id}), (admin, {"centre_id": org.centre_b.id}),
              (admin, {"top": 5}), (admin, {"top": 100}), (hr, {}), (hr, {"centre_id": org.centre_a.id}),
              (hr, {"centre_id": org.centre_a.id, "department_id": org.back_a.id}), (hr, {"top": 3}),
              (manager, {}), (manager, {"department_id": org.front_a.id}),
              (hr, {"centre_id": org.other_centre.id})]  # outside HR's service: nobody
    for viewer, given in shapes:
        filters = ranking.Filters(month=_month(), **given)
        assert ranking.stored_level(viewer, filters) is not None
        total, rows = _paged(viewer, filters)
        assert rows == _full(viewer, filters), given
        assert total == len(rows)
    everyone = _full(admin, ranking.Filters(month=_month()))
    assert [place for place, _, _ in everyone] == [1, 2, 2, 4, 5, 5, 5, 8, 9, 10, 11, 11, 13, 14, 15]


def test_a_page_is_a_range_of_stored_positions_not_an_offset(app, org):
    _people(org)
    admin = make_user(Role.ADMIN)
    statements = []

    def record(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        page = ranking.ranking_page(admin, ranking.Filters(month=_month()), 3, 4)
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    assert [r.place for r in page.items] == [9, 10, 11, 11]
    assert not [s for s in statements if "OFFSET" in s.upper()]
    assert any("pos_all BETWEEN" in s for s in statements)


def test_a_recomputed_score_moves_the_stored_places(app, org):
    people = _people(org)
    admin = make_user(Role.ADMIN)
    last = people[SCORES.index(30.0)]
    month = _month()
    row = db.session.scalar(select(CompetenceScore).where(CompetenceScore.user_id == last.id,
                                                          CompetenceScore.period_start == month.start))
    row.overall = 99.0
    db.session.flush()
    assert competence.store_ranks(month) > 0
    db.session.commit()
    first = ranking.ranking_page(admin, ranking.Filters(month=month), 1, 1).items[0]
    assert (first.place, first.user_id) == (1, last.id)
    assert competence.store_ranks(month) == 0  # nothing moved: nothing written
    unscored = people[-1]
    assert db.session.scalar(select(CompetenceScore.pos_all).where(CompetenceScore.user_id == unscored.id)) is None


@pytest.mark.parametrize("metric", ["communicative", "politeness"])
def test_blocks_and_competences_still_rank_on_the_fly(app, org, metric):
    _people(org)
    admin = make_user(Role.ADMIN)
    assert ranking.stored_level(admin, ranking.Filters(metric=metric)) is None
    assert ranking.ranking_page(admin, ranking.Filters(month=_month(), metric=metric), 1, 50).total == 0


def _counted(work):
    statements = []

    def record(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        return work(), statements
    finally:
        event.remove(db.engine, "before_cursor_execute", record)


@pytest.mark.parametrize("metric", ["overall", "politeness"])
def test_a_page_its_length_and_its_people_without_a_score_come_in_one_statement(app, org, metric):
    _people(org)
    db.session.execute(update(CompetenceScore).values(c_politeness=CompetenceScore.overall))  # ranked on the fly
    db.session.commit()
    hr = make_user(Role.HR, service=org.service)
    filters = ranking.Filters(month=_month(), metric=metric)
    page, statements = _counted(lambda: ranking.ranking_page(hr, filters, 2, 3))
    assert len(statements) == 1, statements
    full = ranking.ranking_rows(hr, filters)
    unscored = db.session.scalar(select(func.count()).select_from(CompetenceScore).where(
        CompetenceScore.regional_service_id == org.service.id, getattr(CompetenceScore, ranking.metric_attr(metric))
        .is_(None)))
    assert (page.total, page.unscored, page.pages) == (len(full), unscored, math.ceil(len(full) / 3))
    assert len(page.items) == 3 and [r.user_id for r in page.items] == [r.user_id for r in full[3:6]]


def test_a_page_past_the_end_shows_the_last_page(app, org):
    _people(org)
    admin = make_user(Role.ADMIN)
    page = ranking.ranking_page(admin, ranking.Filters(month=_month()), 99, 4)
    assert (page.page, page.pages) == (4, 4)
    assert [r.place for r in page.items] == [13, 14, 15]  # the 13th to 15th of 15 scored people


def test_a_month_whose_places_are_not_stored_yet_is_ranked_on_the_fly(app, org):
    people = _people(org)
    admin = make_user(Role.ADMIN)
    month = _month()
    newcomer = make_user(department=org.front_a)  # scored by a recompute whose places are not stored yet
    db.session.add(CompetenceScore(user_id=newcomer.id, period_start=month.start, period_end=month.end,
                                   regional_service_id=newcomer.regional_service_id, centre_id=newcomer.centre_id,
                                   department_id=newcomer.department_id, data_version=1, computed_version=1,
                                   overall=95.0))
    db.session.commit()
    page = ranking.ranking_page(admin, ranking.Filters(month=month), 1, 50)
    assert page.items[0].user_id == newcomer.id and page.items[0].place == 1
    assert page.total == len([p for p in people if p is not people[-1]]) + 1
