"""Issue 17, part 1: CSAT and satisfaction with the specialist are questions of their own; the centre's service
aspects are rated about the centre (never about a specialist) and feed «Комфортность» and «Индивидуализация»."""
from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import inspect, select

from tests.factories import make_org, make_user
from tests.metrics.helpers import answers, refresh, seed_reference
from tests.support.visits import feedback_code
from training.errors import DomainError
from training.extensions import db
from training.gamification.ratings.services import aspects_for as deck_aspects
from training.measures.periods import MONTH, period_of
from training.metrics.centre_index import snapshots
from training.metrics.feedback import services as feedback
from training.metrics.feedback.aspects import SERVICE_ASPECTS
from training.metrics.feedback.models import ClientFeedback, ClientServiceMark, FollowUpTask

DAY = date(2026, 3, 10)
MONTH_OF_DAY = period_of(MONTH, DAY)


def _snap(kind, scope_id):
    db.session.expire_all()
    return snapshots.snapshot(kind, scope_id, MONTH_OF_DAY)


def test_csat_comes_from_its_own_question_not_from_the_expectations_answer(app, org):
    seed_reference()
    specialist = make_user(department=org.front_a)
    link = feedback.link_for(org.centre_a, None, specialist)
    # expectations exceeded, yet the service itself only «Скорее не доволен»; the specialist «Очень доволен»
    answers(link, DAY, 30, expectations=5, csat=2, specialist_satisfaction=5)
    answers(link, DAY, 10, expectations=5, csat=4, specialist_satisfaction=1)
    refresh()
    centre = _snap("centre", org.centre_a.id)
    assert centre.figures["csat"] == {"value": 25.0, "n": 40}
    assert centre.figures["expectations_met"]["value"] == 100.0
    staff = centre.indicators["csat_staff"]
    assert (staff["value"], staff["n"], staff["status"]) == (75.0, 40, "used")


def test_old_answers_without_the_question_give_no_csat(app, org):
    seed_reference()
    answers(feedback.link_for(org.centre_a), DAY, 30, expectations=5, recommend=9)
    refresh()
    centre = _snap("centre", org.centre_a.id)
    assert "csat" not in centre.figures
    assert centre.indicators["csat_staff"]["status"] == "missing"


def test_service_aspects_feed_comfort_and_personalisation_of_the_centre_and_never_a_specialist(app, org):
    _service_aspects_case(org)


def test_service_aspects_on_postgresql(pg_app):
    _service_aspects_case(make_org())


def _service_aspects_case(org):
    seed_reference()
    specialist = make_user(department=org.front_a)
    link = feedback.link_for(org.centre_a, None, specialist)
    answers(link, DAY, 30, service_marks={"premises": 4, "navigation": 2, "website": 3, "circumstances": 5},
            aspects={"politeness": 5})
    refresh()
    centre = _snap("centre", org.centre_a.id)
    assert centre.indicators["comfort_rating"]["value"] == 3.0 and centre.indicators["comfort_rating"]["n"] == 30
    assert centre.indicators["personalisation_rating"]["value"] == 5.0
    assert centre.indicators["staff_rating"]["value"] == 5.0  # the specialist's marks only
    assert _snap("service", org.service.id).indicators["comfort_rating"]["value"] == 3.0
    for kind, scope_id in (("employee", specialist.id), ("department", org.front_a.id)):
        person = _snap(kind, scope_id)
        assert person.indicators["comfort_rating"]["status"] == "missing", kind
        assert person.indicators["personalisation_rating"]["status"] == "missing", kind
        assert person.figures["service_aspects"] == {}, kind
    assert "employee_id" not in {c.name for c in inspect(ClientServiceMark).columns}
    assert feedback.client_aspect_averages(specialist) == {"politeness": (5.0, 30)}
    assert not {a.code for a in SERVICE_ASPECTS} & {a.code for a in deck_aspects(org.service.id)}
    # the one-scope computation (pages, tests) agrees with the batched recompute that stored the snapshot
    assert snapshots.compute("centre", org.centre_a.id, MONTH_OF_DAY)["indicators"]["comfort_rating"]["value"] == 3.0


def test_the_form_asks_five_questions_and_rotates_the_fourth(app, client, org):
    seed_reference()
    specialist = make_user(department=org.front_a)
    link = feedback.link_for(org.centre_a, None, specialist)
    db.session.commit()
    about_centre = client.get(f"/f/{link.token}?m=centre").get_data(as_text=True)
    assert "Довольны ли вы обслуживанием в центре в целом?" in about_centre
    assert "Легко найти нужное окно или кабинет" in about_centre
    assert "Довольны ли вы работой" not in about_centre
    about_specialist = client.get(f"/f/{link.token}?m=specialist").get_data(as_text=True)
    assert "Довольны ли вы работой специалиста" in about_specialist
    assert "Легко найти нужное окно" not in about_specialist
    for page in (about_centre, about_specialist):
        assert re.findall(r"<legend[^>]*>(\d)\.", page) == ["1", "2", "3", "4", "5"]
    drawn = {re.search(r'name="module"[^>]*value="(\w+)"', client.get(f"/f/{link.token}").get_data(as_text=True))
             .group(1) for _ in range(30)}
    assert drawn == {"centre", "specialist", "csi"}


def test_a_client_answers_the_centre_question_and_it_is_stored_without_the_specialist(app, client, org):
    seed_reference()
    specialist = make_user(department=org.front_a)
    link = feedback.link_for(org.centre_a, None, specialist)
    db.session.commit()
    response = client.post(f"/f/{link.token}", data={
        "code": feedback_code(link.token), "module": "centre", "csat": "4", "service-premises": "5",
        "service-circumstances": "3"})
    assert response.status_code == 303
    stored = db.session.scalar(select(ClientFeedback))
    assert (stored.csat, stored.specialist_satisfaction) == (4, None)
    assert {(m.aspect_code, m.score) for m in stored.service_marks} == {("premises", 5), ("circumstances", 3)}
    assert stored.aspects == []


def test_impossible_satisfaction_answers_are_refused_and_nothing_is_stored(app, client, org):
    seed_reference()
    link = feedback.link_for(org.centre_a)
    db.session.commit()
    for data, message in (({"csat": "7"}, "Выберите ответ из предложенных вариантов."), ({"service-unknown": "5"}, "Ответьте хотя бы на один вопрос"),
                          ({"service-premises": "9"}, "Оценка обслуживания в центре"),
                          ({"module": "other", "csat": "4"}, "Обновите страницу")):
        response = client.post(f"/f/{link.token}", data={"code": feedback_code(link.token), **data})
        assert response.status_code == 422, data
        assert message in response.get_data(as_text=True), data
    with pytest.raises(DomainError, match="неизвестному аспекту"):
        feedback.submit_feedback(link, service_marks={"politeness": 5})  # a specialist's aspect is not the centre's
    assert db.session.scalar(select(ClientFeedback)) is None


def test_very_unsatisfied_opens_a_follow_up(app, org):
    seed_reference()
    make_user(department=org.front_a)
    specialist = make_user(department=org.front_a)
    feedback.submit_feedback(feedback.link_for(org.centre_a, None, specialist), specialist_satisfaction=1)
    feedback.submit_feedback(feedback.link_for(org.centre_a), csat=1)
    feedback.submit_feedback(feedback.link_for(org.centre_a), csat=2, specialist_satisfaction=2)
    db.session.commit()
    assert sorted(t.reasons for t in db.session.scalars(select(FollowUpTask))) == [["csat"], ["specialist"]]


def test_the_manager_sees_the_new_answers_in_the_list_and_the_follow_up(app, client, login, org):
    from training.accounts.models import Role

    seed_reference()
    manager = make_user(Role.MANAGER, department=org.front_a)
    feedback.submit_feedback(feedback.link_for(org.centre_a), csat=1, specialist_satisfaction=4,
                             service_marks={"navigation": 2})
    db.session.commit()
    task = db.session.scalar(select(FollowUpTask))
    login(manager)
    listing = client.get("/metrics/feedback").get_data(as_text=True)
    assert "обслуживание: 1 из 5" in listing and "специалист: 4 из 5" in listing
    assert "центр, легко найти нужное окно или кабинет 2" in listing
    detail = client.get(f"/metrics/follow-ups/{task.id}").get_data(as_text=True)
    assert "«Совсем не доволен» обслуживанием" in detail
    assert "Центр: Легко найти нужное окно или кабинет" in detail
