"""Pulse surveys of staff: eNPS from five answers per group, one answer per person, anonymous tables, schedules,
workspace proposals, and staff eNPS next to client NPS on the centre's dashboard."""
from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
import yaml
from sqlalchemy import func, inspect, select

from tests.factories import make_user
from tests.support.app import sign_in
from training.errors import DomainError
from training.extensions import db
from training.gamification.pulse import services as pulse
from training.gamification.pulse.models import PulseAnswer, PulseProposal, PulseReceipt, PulseRound
from training.measures.periods import MONTH, local_today, period_of
from training.notifications.models import Notification

BANK = Path(__file__).resolve().parents[2] / "seeds" / "engagement" / "pulse_questions.yaml"


@pytest.fixture
def bank(app):
    pulse.ensure_questions(yaml.safe_load(BANK.read_text(encoding="utf-8")))
    db.session.commit()
    return pulse.question_bank()


def _centre_staff(org, n: int) -> list:
    return [make_user(department=org.front_a, full_name=f"Сотрудник{i} Пётр Ильич") for i in range(n)]


def _survey(staff, org, bank, *, centre=None, schedule="once"):
    survey = pulse.create_survey(staff["hr"], org.service.id, title="Пульс декабря",
                                 question_ids=[bank[0].id, bank[4].id], schedule=schedule,
                                 centre_id=centre.id if centre else None)
    db.session.commit()
    return survey


def _answer_all(people, row, scores=(10, 9, 9, 8, 3, 10)):
    for person, score in zip(people, scores, strict=False):
        pulse.submit_answer(person, row, enps=score, scores={})
    db.session.commit()


def test_the_bank_is_ours_loaded_once_and_covers_every_topic(bank):
    assert {q.topic for q in bank} == {"workload", "tools", "workspace", "team", "management", "training"}
    assert pulse.ensure_questions(yaml.safe_load(BANK.read_text(encoding="utf-8"))) == 0


@pytest.mark.parametrize(("answers", "shown"), [(6, "33"), (4, None)])
def test_results_show_enps_from_five_answers_and_nothing_below(app, org, staff, bank, client, login, answers, shown):
    people = _centre_staff(org, answers)
    survey = _survey(staff, org, bank, centre=org.centre_a)
    _answer_all(people, survey.rounds[0])
    login(staff["hr"])
    page = client.get(f"/team/pulse/surveys/{survey.id}").get_data(as_text=True)
    # 6 answers: promoters 10, 9, 9, 10 (4), detractors 3 (1) → 100 × 3 / 6 = 50; (4 answers: hidden)
    if shown:
        assert '<td class="enps">50</td>' in page
    else:
        assert '<td class="enps">скрыто</td>' in page and "меньше 5" in page


def test_a_person_answers_once_and_the_answer_names_nobody(app, org, staff, bank, client, login):
    survey = _survey(staff, org, bank, centre=org.centre_a)
    row = survey.rounds[0]
    login(staff["anna"])
    first = client.post(f"/team/pulse/rounds/{row.id}", data={"enps": "9", f"q-{bank[0].id}": "4",
                                                              "proposal": "Поставить кулер в зоне отдыха"})
    assert first.status_code == 303
    again = client.post(f"/team/pulse/rounds/{row.id}", data={"enps": "2"})
    assert again.status_code == 422
    assert "Вы уже ответили" in again.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(PulseAnswer)) == 1
    answer = db.session.scalar(select(PulseAnswer))
    assert answer.enps == 9 and answer.scores == {str(bank[0].id): 4} and len(answer.id) >= 16
    assert db.session.scalar(select(PulseReceipt.user_id)) == staff["anna"].id
    assert db.session.scalar(select(PulseProposal.text)) == "Поставить кулер в зоне отдыха"


def test_answer_and_proposal_tables_have_no_person_and_no_time(app):
    inspector = inspect(db.engine)
    for table in ("pulse_answers", "pulse_proposals"):
        refs = {fk["referred_table"] for fk in inspector.get_foreign_keys(table)
                if fk["constrained_columns"] != ["replied_by_id"]}
        assert "users" not in refs, table
        columns = {c["name"] for c in inspector.get_columns(table)}
        assert not {c for c in columns if c.endswith("_at") or "user" in c or "author" in c}, columns
    assert {c["name"] for c in inspector.get_columns("pulse_receipts")} == {"round_id", "user_id"}


def test_a_bad_answer_is_refused_in_russian_and_changes_nothing(app, org, staff, bank, client, login):
    survey = _survey(staff, org, bank, centre=org.centre_a)
    login(staff["anna"])
    response = client.post(f"/team/pulse/rounds/{survey.rounds[0].id}", data={"enps": "11"})
    assert response.status_code == 422
    assert "Выберите оценку от 0 до 10" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(PulseReceipt)) == 0


def test_a_colleague_of_another_centre_cannot_answer_a_centre_survey(app, org, staff, bank):
    survey = _survey(staff, org, bank, centre=org.centre_a)
    with pytest.raises(DomainError, match="другим сотрудникам"):
        pulse.submit_answer(staff["dina"], survey.rounds[0], enps=5, scores={})


def test_a_closed_round_takes_no_answers(app, org, staff, bank):
    survey = _survey(staff, org, bank, centre=org.centre_a)
    row = survey.rounds[0]
    with pytest.raises(DomainError, match="закрыт"):
        pulse.submit_answer(staff["anna"], row, enps=5, scores={}, today=row.closes_on + timedelta(days=1))


def test_the_staff_asked_are_invited(app, org, staff, bank):
    survey = _survey(staff, org, bank, centre=org.centre_a)
    invited = set(db.session.scalars(select(Notification.user_id).where(Notification.kind == "pulse")))
    assert staff["anna"].id in invited and staff["dina"].id not in invited
    assert survey.rounds[0].closes_on == local_today() + timedelta(days=6)


def test_a_group_that_subtraction_would_reveal_stays_hidden():
    assert pulse.open_groups({"a": 6, "b": 5, "c": 2}) == {"a"}
    shown = pulse.open_groups({"a": 6, "b": 5, "c": 2})
    # the hidden remainder is at least 5 answers (or none)
    assert sum(n for k, n in {"a": 6, "b": 5, "c": 2}.items() if k not in shown) >= 5
    assert pulse.open_groups({"a": 6, "b": 5, "c": 0}) == {"a", "b"}
    assert pulse.open_groups({"a": 4}) == set()
    assert pulse.open_groups({"a": 6, "b": 7, "c": 5, "d": 1}) == {"a", "b"}


def test_a_service_wide_survey_shows_each_centre_from_five(app, org, staff, bank, client, login):
    people_a = _centre_staff(org, 6)
    people_b = [make_user(department=org.front_b) for _ in range(5)]
    survey = _survey(staff, org, bank)
    _answer_all(people_a, survey.rounds[0])
    _answer_all(people_b, survey.rounds[0], scores=(0, 0, 10, 10, 10))
    result = pulse.results(survey.rounds[0])
    assert result.total.n == 11 and result.total.is_open
    assert result.for_centre(org.centre_a.id).enps == 50.0
    assert result.for_centre(org.centre_b.id).enps == 20.0


def test_a_scheduled_survey_opens_a_round_each_month_once(app, org, staff, bank):
    survey = _survey(staff, org, bank, centre=org.centre_a, schedule="monthly")
    next_month = (local_today().replace(day=1) + timedelta(days=32)).replace(day=3)
    assert pulse.open_scheduled_rounds(next_month) == 1
    assert pulse.open_scheduled_rounds(next_month + timedelta(days=1)) == 0
    db.session.commit()
    assert [r.period_key for r in survey.rounds] == [f"{local_today():%Y-%m}", f"{next_month:%Y-%m}"]


def test_the_trend_lists_every_round(app, org, staff, bank, client, login):
    people = _centre_staff(org, 5)
    survey = _survey(staff, org, bank, centre=org.centre_a, schedule="monthly")
    _answer_all(people, survey.rounds[0], scores=(10, 10, 10, 10, 10))
    later = survey.rounds[0].opens_on + timedelta(days=40)
    pulse.open_scheduled_rounds(later)
    db.session.commit()
    row = db.session.scalars(select(PulseRound).order_by(PulseRound.opens_on.desc())).first()
    _answer_all_on(people, row, later, (0, 0, 0, 0, 10))
    login(staff["hr"])
    page = client.get(f"/team/pulse/surveys/{survey.id}").get_data(as_text=True)
    assert "Динамика eNPS" in page and "<td>100</td>" in page and "<td>−60</td>" in page


def _answer_all_on(people, row, day: date, scores):
    for person, score in zip(people, scores, strict=True):
        pulse.submit_answer(person, row, enps=score, scores={}, today=day)
    db.session.commit()


def test_the_centre_dashboard_puts_staff_enps_next_to_client_nps(app, org, staff, bank, client, login):
    people = _centre_staff(org, 5)
    survey = _survey(staff, org, bank, centre=org.centre_a)
    _answer_all(people, survey.rounds[0], scores=(10, 10, 9, 7, 2))
    login(staff["manager"])
    page = client.get(f"/metrics/pulse/centre/{org.centre_a.id}").get_data(as_text=True)
    assert "eNPS сотрудников" in page and "NPS клиентов" in page
    assert '<strong class="metric-value staff-enps">40</strong>' in page
    period = period_of(MONTH, local_today()).previous()
    other = client.get(f"/metrics/pulse/centre/{org.centre_a.id}?period=month&key={period.key}")
    assert '<strong class="metric-value staff-enps">—</strong>' in other.get_data(as_text=True)


def test_hr_answers_a_workspace_proposal_for_everyone_to_read(app, org, staff, bank, client, login):
    survey = _survey(staff, org, bank, centre=org.centre_a)
    pulse.submit_answer(staff["anna"], survey.rounds[0], enps=7, scores={}, proposal="Нужна вторая микроволновка")
    db.session.commit()
    proposal = db.session.scalar(select(PulseProposal))
    login(staff["boris"])
    assert client.post("/team/pulse/proposals/reply", data={"proposal_id": proposal.id, "reply": "Купим"}) \
        .status_code == 403
    hr, reader = app.test_client(), app.test_client()
    sign_in(hr, staff["hr"])
    assert hr.post("/team/pulse/proposals/reply",
                       data={"proposal_id": proposal.id, "reply": "Закупим в январе"}).status_code == 303
    sign_in(reader, staff["dina"])
    page = reader.get("/team/pulse/proposals").get_data(as_text=True)
    assert "Нужна вторая микроволновка" in page and "Закупим в январе" in page


def test_hr_launches_a_survey_of_at_most_five_questions(app, org, staff, bank, client, login):
    login(staff["hr"])
    too_many = client.post("/team/pulse/new", data={"title": "Пульс", "centre_id": "0", "schedule": "once",
                                                   "days_open": "7",
                                                   "question_ids": [str(q.id) for q in bank[:6]]})
    assert too_many.status_code == 422
    assert "Не больше 5 вопросов" in too_many.get_data(as_text=True)
    ok = client.post("/team/pulse/new", data={"title": "Пульс", "centre_id": str(org.centre_a.id),
                                              "schedule": "monthly", "days_open": "5",
                                              "question_ids": [str(bank[0].id)]})
    assert ok.status_code == 303
    assert db.session.scalar(select(func.count()).select_from(PulseRound)) == 1
