"""Issue 17: an IQS category HR creates can be linked to a competence of the staff model; its checks then count
as that competence's IQS evidence (before, only the reference categories did)."""
from __future__ import annotations

from sqlalchemy import select

from tests.factories import make_user
from tests.metrics.helpers import seed_reference
from training.accounts.models import Role
from training.competence import services as competence
from training.extensions import db
from training.measures.periods import local_today
from training.metrics.operations import iqs
from training.metrics.operations.models import IqsCategory

URL = "/metrics/iqs/categories"


def _clarity_iqs(person) -> float:
    month = competence.month_of(local_today())
    competence.recompute_month(month)
    db.session.commit()
    db.session.expire_all()
    return competence.score_of(person.id, month).breakdown["competences"]["clarity"]["evidence"]["iqs"]["raw"]


def _review(manager, person, failed: str) -> None:
    iqs.assess(manager, person, marks={c.id: c.code != failed for c in iqs.active_categories()},
               conversation_date=local_today(), today=local_today())
    db.session.commit()


def test_a_category_hr_links_to_a_competence_counts_as_its_evidence(app, client, login, org):
    seed_reference()
    hr = make_user(Role.HR, service=org.service)
    manager = make_user(Role.MANAGER, department=org.front_a)
    person = make_user(department=org.front_a)
    db.session.commit()
    login(hr)
    response = client.post(URL, data={"code": "plain_letters", "name": "Письмо без канцелярита", "weight": "1",
                                      "is_active": "y", "sort_order": "100", "competence": "clarity"})
    assert response.status_code == 303
    page = client.get(URL).get_data(as_text=True)
    assert "Письмо без канцелярита" in page and "Понятность объяснений" in page
    # the reference «Понятность объяснений» (weight 1) passed, the new category (weight 1) failed: half the weight
    _review(manager, person, failed="plain_letters")
    assert _clarity_iqs(person) == 50.0


def test_an_unlinked_category_is_not_evidence_and_an_unknown_competence_is_refused(app, client, login, org):
    seed_reference()
    hr = make_user(Role.HR, service=org.service)
    manager = make_user(Role.MANAGER, department=org.front_a)
    person = make_user(department=org.front_a)
    db.session.commit()
    login(hr)
    assert client.post(URL, data={"code": "plain_letters", "name": "Письмо без канцелярита", "weight": "1",
                                  "is_active": "y", "sort_order": "100", "competence": ""}).status_code == 303
    _review(manager, person, failed="plain_letters")
    assert _clarity_iqs(person) == 100.0  # the failed check is not clarity's evidence
    category = db.session.scalar(select(IqsCategory).where(IqsCategory.code == "plain_letters"))
    response = client.post(f"{URL}/{category.id}", data={"code": "plain_letters", "name": "Письмо", "weight": "1",
                                                         "is_active": "y", "competence": "telepathy"})
    assert response.status_code == 422 and "Выберите значение из списка" in response.get_data(as_text=True)
    db.session.expire_all()
    assert category.competence is None and category.name == "Письмо без канцелярита"
    # the edit page links it afterwards; the next check counts
    assert client.post(f"{URL}/{category.id}", data={"code": "plain_letters", "name": "Письмо без канцелярита",
                                                     "weight": "1", "is_active": "y",
                                                     "competence": "clarity"}).status_code == 303
    _review(manager, person, failed="plain_letters")
    assert _clarity_iqs(person) == 50.0
