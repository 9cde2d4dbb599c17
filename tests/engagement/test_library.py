"""«Библиотека клиентоцентричности»: submission, moderation by the committee, Cyrillic search and likes."""
from __future__ import annotations

import pytest
from sqlalchemy import func, inspect, select

from tests.factories import PASSWORD, make_org, make_user
from tests.support.concurrency import run_in_parallel
from training.accounts.models import Role, User
from training.errors import DomainError, NotAllowed
from training.extensions import db
from training.gamification.committee import services as committee
from training.gamification.library import services as library
from training.gamification.library.models import CaseStatus, LibraryCase, LibraryLike
from training.notifications.models import Notification
from training.signals import library_case_published


@pytest.fixture
def moderator(staff, org):
    library.seed_reference_lists()
    committee.add_member(staff["hr"], org.service.id, staff["manager"])
    db.session.commit()
    return staff["manager"]


def _case(author, title="Многодетная семья без записи", **fields):
    values = {"kind": "case", "situation": "Пришла мама с тремя детьми, ещё не записана на приём.",
              "action": "Приняли вне очереди, помогли заполнить заявление на портале.",
              "result": "Заявление подано за 15 минут, семья получила пособие.", "client_group_id": None,
              "touchpoint_id": None, **fields}
    case = library.submit_case(author, title=title, **values)
    db.session.commit()
    return case


def _signed_in(app, user):
    client = app.test_client()
    client.post("/auth/login", data={"email": user.email, "password": PASSWORD})
    return client


def test_submitting_tells_the_committee_and_publishing_credits_the_author(app, staff, moderator):
    anna = staff["anna"]
    announced = []
    def listener(sender, **kw):
        return announced.append((sender.id, kw["case_id"]))
    library_case_published.connect(listener)
    try:
        author = _signed_in(app, anna)
        groups = library.client_groups()
        response = author.post("/team/library/new", data={
            "kind": "lifehack", "title": "Памятка для предпенсионеров", "situation": "Путаются в документах",
            "action": "Сделали памятку на одну страницу", "result": "Вопросов у окна стало меньше",
            "client_group_id": groups[3].id, "touchpoint_id": 0})
        assert response.status_code == 303
        case = db.session.scalar(select(LibraryCase))
        assert (case.status, case.kind, case.client_group_id, case.author_id) == ("submitted", "lifehack", groups[3].id, anna.id)
        note = db.session.scalar(select(Notification).where(Notification.user_id == moderator.id))
        assert "Памятка для предпенсионеров" in note.text
        # not yet visible to colleagues
        assert _signed_in(app, staff["boris"]).get(f"/team/library/{case.id}").status_code == 404
        mod = _signed_in(app, moderator)
        assert "Памятка" in mod.get("/team/library/moderation").get_data(as_text=True)
        assert mod.post(f"/team/library/{case.id}/moderate", data={"decision": "publish"}).status_code == 303
    finally:
        library_case_published.disconnect(listener)
    assert announced == [(anna.id, case.id)]
    page = _signed_in(app, staff["boris"]).get(f"/team/library/{case.id}").get_data(as_text=True)
    assert "автор: <strong>Антонова Анна Андреевна</strong>" in page
    assert any("опубликован" in n.text for n in db.session.scalars(
        select(Notification).where(Notification.user_id == anna.id)))


def test_returning_needs_a_comment_and_the_author_resubmits(app, staff, moderator):
    case = _case(staff["anna"])
    with pytest.raises(DomainError, match="что доработать"):
        library.moderate(moderator, case, publish=False)
    library.moderate(moderator, case, publish=False, comment="Добавьте, сколько времени заняло")
    db.session.commit()
    assert case.status == CaseStatus.RETURNED
    with pytest.raises(NotAllowed):
        library.edit_case(staff["boris"], case, kind="case", title="x", situation="x", action="x", result="x",
                          client_group_id=None, touchpoint_id=None)
    library.edit_case(staff["anna"], case, kind="case", title=case.title, situation=case.situation, action=case.action,
                      result="Заявление подано за 15 минут вместо часа.", client_group_id=None, touchpoint_id=None)
    db.session.commit()
    assert case.status == CaseStatus.SUBMITTED
    with pytest.raises(DomainError, match="уже рассмотрен"):
        library.moderate(moderator, case, publish=True)
        library.moderate(moderator, case, publish=True)


def test_moderators_do_not_moderate_their_own_cases_and_others_cannot_moderate(app, staff, moderator):
    own = _case(moderator, title="Свой кейс")
    with pytest.raises(NotAllowed):
        library.moderate(moderator, own, publish=True)
    case = _case(staff["anna"])
    response = _signed_in(app, staff["boris"]).post(f"/team/library/{case.id}/moderate", data={"decision": "publish"})
    assert response.status_code == 404  # a case awaiting moderation is invisible to others than its author and the committee
    db.session.expire_all()
    assert db.session.get(LibraryCase, case.id).status == CaseStatus.SUBMITTED


@pytest.mark.parametrize("query", ["многодетная", "МНОГОДЕТНАЯ", "Многодетная СЕМЬЯ", "еще не записана", "портале"])
def test_search_is_cyrillic_safe(app, staff, moderator, query):
    case = _case(staff["anna"])
    other = _case(staff["vera"], title="Работодатель не отвечает", situation="Звонили три дня",
                  action="Написали письмо", result="Ответил")
    for c in (case, other):
        library.moderate(moderator, c, publish=True)
    db.session.commit()
    body = _signed_in(app, staff["boris"]).get("/team/library", query_string={"q": query},
                                                headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "<html" not in body
    assert "Многодетная семья без записи" in body and "Работодатель не отвечает" not in body


def test_search_finds_nothing_for_an_unknown_word_and_filters_by_touchpoint(app, staff, moderator):
    points = library.touchpoints()
    case = _case(staff["anna"], touchpoint_id=points[1].id)
    library.moderate(moderator, case, publish=True)
    db.session.commit()
    client = _signed_in(app, staff["boris"])
    assert "Ничего не найдено" in client.get("/team/library?q=вертолёт").get_data(as_text=True)
    assert case.title in client.get(f"/team/library?touchpoint={points[1].id}").get_data(as_text=True)
    assert case.title not in client.get(f"/team/library?touchpoint={points[2].id}").get_data(as_text=True)


def test_a_person_likes_a_case_once(app, staff, moderator):
    case = _case(staff["anna"])
    library.moderate(moderator, case, publish=True)
    db.session.commit()
    client = _signed_in(app, staff["boris"])
    for _ in range(3):
        response = client.post(f"/team/library/{case.id}/like", data={"liked": "1"}, headers={"HX-Request": "true"})
        assert response.status_code == 200
    assert "Полезно · 1" in response.get_data(as_text=True)
    assert library.like_count(case) == 1
    client.post(f"/team/library/{case.id}/like", data={"liked": "0"})
    assert library.like_count(case) == 0
    with pytest.raises(DomainError, match="Свой кейс"):
        library.set_like(staff["anna"], case, True)
    uniques = [u["column_names"] for u in inspect(db.engine).get_unique_constraints("library_likes")]
    assert ["case_id", "user_id"] in uniques


@pytest.mark.postgres
def test_parallel_likes_from_one_person_leave_one(pg_app):
    org = make_org()
    author, fan, moderator = (make_user(department=org.front_a) for _ in range(3))
    committee.add_member(make_user(Role.ADMIN), org.service.id, moderator)
    case = _case(author)
    library.moderate(moderator, case, publish=True)
    db.session.commit()
    case_id, fan_id = case.id, fan.id
    results = run_in_parallel(pg_app, 12, lambda i: library.set_like(db.session.get(User, fan_id),
                                                                       db.session.get(LibraryCase, case_id), True))
    assert all(r is None for r in results), results
    assert db.session.scalar(select(func.count()).select_from(LibraryLike)) == 1
