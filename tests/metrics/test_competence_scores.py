"""Staff competence scores: shrinkage, weights over time, the breakdown adding up, incremental refresh, the batch.

Also the shared set-up of the other test_competence_* modules (``rate_by_clients``, ``excellent_evidence``…)."""
from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import event, select

from tests.factories import make_course, make_user
from tests.metrics.helpers import at, seed_reference
from tests.support.visits import visit_code
from training.accounts.models import Role
from training.competence import ranking
from training.competence import services as competence
from training.competence import weights as competence_weights
from training.competence.models import CompetenceScore, CompetenceWeightSet
from training.errors import DomainError
from training.extensions import db
from training.measures.periods import local_today
from training.measures.scales import weighted_index
from training.metrics.feedback import services as feedback
from training.metrics.operations import iqs

ASPECTS = ("politeness", "empathy", "clarity", "helpfulness")


# --- shared set-up ----------------------------------------------------------------------------------------------

def this_month():
    return competence.month_of(local_today())


def months_ago(count: int):
    month = this_month()
    for _ in range(count):
        month = month.previous()
    return month


def rate_by_clients(employee, marks: dict[str, int] | int, count: int = 1, day: date | None = None) -> None:
    """``count`` client answers for the specialist, each with the same marks (an int: every default aspect)."""
    link = feedback.link_for(employee.centre, None, employee)
    if isinstance(marks, int):
        marks = dict.fromkeys(ASPECTS, marks)
    for _ in range(count):
        feedback.submit_feedback(link, aspects=marks, now=at(day or local_today()))
    db.session.commit()


def score(user, month=None) -> CompetenceScore:
    db.session.expire_all()
    return competence.score_of(user.id, month or this_month())


def count_queries():
    """A context manager counting the SQL statements sent to the database (before_cursor_execute)."""

    class Counter:
        def __init__(self):
            self.count = 0

        def __call__(self, *args, **kwargs):
            self.count += 1

        def __enter__(self):
            event.listen(db.engine, "before_cursor_execute", self)
            return self

        def __exit__(self, *exc):
            event.remove(db.engine, "before_cursor_execute", self)

    return Counter()


def excellent_evidence(person, colleagues, day: date) -> None:
    """Everything «Мастер» asks for, on ``day``: 12 top client ratings, top marks from 5 colleagues, 3 clean IQS
    checks, 3 confirmed actions for each proactive competence, the course completed."""
    from training.courses.models import BlockProgress, Enrolment
    from training.gamification.library.models import LibraryCase
    from training.gamification.quests.models import Quest, QuestTeam, QuestTeamMember
    from training.gamification.ratings import services as ratings
    from training.gamification.recognition.models import Badge, ThanksNote, UserBadge
    from training.gamification.recognition.services import badge_by_code
    from training.gamification.stress.models import StressMeasure, StressMonth
    from training.metrics.feedback.models import FollowUpTask

    moment = datetime(day.year, day.month, day.day, 9, tzinfo=UTC)
    seed_reference()
    ratings.seed_default_aspects()
    rate_by_clients(person, 5, count=12, day=day)
    for colleague in colleagues[:5]:
        ratings.submit_rating(colleague, person, {a.id: 5 for a in ratings.aspects_for(person.regional_service_id)},
                              now=moment)
    db.session.commit()
    reviewer = colleagues[-1]
    for _ in range(3):
        iqs.assess(reviewer, person, marks={c.id: True for c in iqs.active_categories()}, conversation_date=day,
                   today=day)
    db.session.commit()
    month = StressMonth(regional_service_id=person.regional_service_id, month=f"{day:%Y-%m}")
    db.session.add(month)
    db.session.flush()
    for n in range(3):
        db.session.add(StressMeasure(month_id=month.id, text=f"Мера {n}", owner_id=person.id, status="done",
                                     created_by_id=reviewer.id, done_at=moment))
        db.session.add(LibraryCase(regional_service_id=person.regional_service_id, author_id=person.id,
                                   kind="lifehack" if n < 2 else "case", title=f"Кейс {n}", situation="с",
                                   action="д", result="р", status="published", published_at=moment))
        db.session.add(LibraryCase(regional_service_id=person.regional_service_id, author_id=person.id, kind="case",
                                   title=f"Кейс б{n}", situation="с", action="д", result="р", status="published",
                                   published_at=moment))
        db.session.add(ThanksNote(giver_id=colleagues[n].id, recipient_id=person.id,
                                  regional_service_id=person.regional_service_id, text="Спасибо!", created_at=moment))
        quest = Quest(regional_service_id=person.regional_service_id, title=f"Квест {n}", organiser_id=reviewer.id,
                      status="closed", closed_at=moment)
        db.session.add(quest)
        db.session.flush()
        team = QuestTeam(quest_id=quest.id, name="Команда")
        db.session.add(team)
        db.session.flush()
        db.session.add(QuestTeamMember(quest_id=quest.id, team_id=team.id, user_id=person.id))
    badge_by_code("mentor")
    db.session.add(UserBadge(user_id=person.id, badge_id=db.session.scalar(select(Badge.id).where(Badge.code == "mentor")),
                             created_at=moment))
    low = feedback.link_for(person.centre)
    for _ in range(3):
        answer = feedback.submit_feedback(low, recommend=2, now=moment)
        task = db.session.scalar(select(FollowUpTask).where(FollowUpTask.feedback_id == answer.id))
        task.status, task.resolved_at, task.resolved_by_id = "resolved", moment, person.id
    course = make_course(blocks=3, with_cases=False)
    from tests.factories import make_cohort

    cohort = make_cohort(course, person.service, start=day - timedelta(days=30))
    enrolment = Enrolment(course_id=course.id, cohort_id=cohort.id, user_id=person.id, completed_at=moment)
    db.session.add(enrolment)
    db.session.flush()
    for block in course.blocks:
        db.session.add(BlockProgress(enrolment_id=enrolment.id, block_id=block.id, completed_at=moment))
    db.session.commit()


# --- the maths ---------------------------------------------------------------------------------------------------

@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.sampled_from("abcde"), st.one_of(st.none(), st.floats(0, 100)), min_size=1),
       st.dictionaries(st.sampled_from("abcde"), st.floats(0, 10), min_size=1))
def test_fold_is_scales_weighted_index(scores, weights):
    scores = {k: v for k, v in scores.items() if k in weights}
    present = {k: v for k, v in scores.items() if v is not None and weights[k] > 0}
    result = competence.fold(scores, weights)
    if not present or sum(weights.values()) <= 0:
        assert result is None
        return
    expected = weighted_index(scores, weights)
    assert result[0] == pytest.approx(expected.value, abs=1e-9)
    assert result[1] == pytest.approx(dict(expected.weights))


def test_one_enthusiastic_client_does_not_beat_thirty_high_ratings(app, org):
    """One 5★ rating does not top thirty 4.8★ ratings: each is shrunk toward the centre's mean (m = 10)."""
    seed_reference()
    hr = make_user(Role.HR, service=org.service)
    lucky = make_user(department=org.front_a, full_name="Везунчик Один Разович")
    steady = make_user(department=org.front_a, full_name="Стабильная Тридцать Оценок")
    regular = make_user(department=org.front_a, full_name="Обычный Двадцать Четвёрок")
    rate_by_clients(lucky, {"politeness": 5})
    rate_by_clients(steady, {"politeness": 5}, count=24)
    rate_by_clients(steady, {"politeness": 4}, count=6)
    rate_by_clients(regular, {"politeness": 4}, count=20)
    competence.recompute_month(this_month())
    db.session.commit()
    lucky_entry = score(lucky).breakdown["competences"]["politeness"]["evidence"]["client"]
    steady_entry = score(steady).breakdown["competences"]["politeness"]["evidence"]["client"]
    # raw means: the single rating would win without shrinkage
    assert (lucky_entry["raw"], lucky_entry["n"]) == (5.0, 1)
    assert (steady_entry["raw"], steady_entry["n"]) == (pytest.approx(4.8), 30)
    centre_mean = (5 + 24 * 5 + 6 * 4 + 20 * 4) / 51
    assert lucky_entry["prior"] == pytest.approx(centre_mean, abs=1e-4)
    assert lucky_entry["shrunk"] == pytest.approx((5 + 10 * centre_mean) / 11, abs=1e-4)
    assert steady_entry["shrunk"] == pytest.approx((144 + 10 * centre_mean) / 40, abs=1e-4)
    assert steady_entry["shrunk"] > lucky_entry["shrunk"]
    page = ranking.ranking_page(hr, ranking.Filters(metric="politeness", month=this_month()), 1, 50)
    assert [r.name for r in page.items] == [steady.full_name, lucky.full_name, regular.full_name]
    assert [r.n["client"] for r in page.items] == [30, 1, 20]


def test_weights_in_force_on_the_first_day_of_the_month_and_a_batch_keeps_the_past(app, org, runner):
    seed_reference()
    hr = make_user(Role.HR, service=org.service)
    person = make_user(department=org.front_a)
    earlier, later = months_ago(2), months_ago(1)
    rate_by_clients(person, 4, count=12, day=earlier.start + timedelta(days=9))
    weights = {key: value * 100 for key, value in competence_weights.DEFAULT_WEIGHTS.weights.items()}
    weights.update({"block:communicative": 90, "block:proactive": 10})
    with pytest.raises(DomainError, match="задним числом"):
        competence_weights.publish_weight_set(hr, org.service, later.start, weights, "ретро", today=later.start + timedelta(1))
    row = competence_weights.publish_weight_set(hr, org.service, later.start, weights, "Клиенты прежде всего",
                                        today=later.start - timedelta(days=5))
    db.session.commit()
    for month in (earlier, later):
        competence.recompute_month(month)
    db.session.commit()
    first, second = score(person, earlier), score(person, later)
    # the same evidence in both windows; only the weights differ
    assert first.communicative == pytest.approx(second.communicative)
    assert first.proactive == pytest.approx(second.proactive)
    assert first.weights_label == "Исходные веса (по умолчанию)" and first.weight_set_id is None
    assert second.weights_label == "Клиенты прежде всего" and second.weight_set_id == row.id
    assert second.weights_from == later.start
    assert first.overall == pytest.approx(0.6 * first.communicative + 0.4 * first.proactive)
    assert second.overall == pytest.approx(0.9 * second.communicative + 0.1 * second.proactive)
    assert abs(first.overall - second.overall) > 5
    # a full batch over the last months changes nothing in the past
    before = (first.overall, second.overall)
    result = runner.invoke(args=["metrics", "recompute", "--months", "4"])
    assert result.exit_code == 0, result.output
    assert "Оценки компетенций:" in result.output
    assert (score(person, earlier).overall, score(person, later).overall) == pytest.approx(before)
    # a set in force cannot be withdrawn; weights must cover the whole model
    with pytest.raises(DomainError, match="уже действует"):
        competence_weights.withdraw_weight_set(hr, row, today=local_today())
    with pytest.raises(DomainError, match="все веса"):
        competence_weights.publish_weight_set(hr, org.service, local_today() + timedelta(days=40),
                                      {"block:communicative": 1}, today=local_today())


def test_the_weights_form_publishes_a_set_and_refuses_a_past_date(app, client, login, org):
    hr = make_user(Role.HR, service=org.service)
    login(hr)
    page = client.get("/metrics/competence/weights")
    assert page.status_code == 200 and "Веса оценки компетенций" in page.get_data(as_text=True)
    from training.competence.forms import competence_weight_field

    data = {competence_weight_field(k): v * 100 for k, v in competence_weights.DEFAULT_WEIGHTS.weights.items()}
    data.update(service_id=org.service.id, label="Новый год", effective_from=(local_today() + timedelta(30)).isoformat())
    assert client.post("/metrics/competence/weights", data=data).status_code == 303
    assert db.session.scalar(select(CompetenceWeightSet.label)) == "Новый год"
    data["effective_from"] = (local_today() - timedelta(1)).isoformat()
    response = client.post("/metrics/competence/weights", data=data)
    assert response.status_code == 422 and "задним числом" in response.get_data(as_text=True)


def test_the_breakdown_adds_up_and_shows_every_figure_with_its_n(app, client, login, org):
    seed_reference()
    person = make_user(department=org.front_a, full_name="Подробнова Анна Сергеевна")
    other = make_user(department=org.front_a)
    manager = make_user(Role.MANAGER, department=org.front_a)
    rate_by_clients(person, {"politeness": 5, "empathy": 4, "clarity": 4, "helpfulness": 5}, count=6)
    rate_by_clients(other, 3, count=4)
    iqs.assess(manager, person, marks={c.id: c.code != "listening" for c in iqs.active_categories()},
               conversation_date=local_today(), today=local_today())
    db.session.commit()
    competence.recompute_month(this_month())
    db.session.commit()
    row = score(person)
    explanation = ranking.explain(row)
    assert explanation.overall == pytest.approx(row.overall)
    assert sum(b.contribution for b in explanation.blocks) == pytest.approx(row.overall)
    for block in explanation.blocks:
        present = [c for c in block.competences if c.score is not None]
        assert sum(c.contribution for c in present) == pytest.approx(block.score)
        assert sum(c.weight for c in present) == pytest.approx(1.0)
        for line in present:
            used = [e for e in line.evidence if e.status == "used"]
            assert sum(e.contribution for e in used) == pytest.approx(line.score)
            assert sum(e.weight for e in used) == pytest.approx(1.0)
    politeness = next(c for b in explanation.blocks for c in b.competences if c.key == "politeness")
    client_line = next(e for e in politeness.evidence if e.kind == "client")
    assert client_line.entry["n"] == 6 and client_line.entry["raw"] == 5.0
    listening = next(c for b in explanation.blocks for c in b.competences if c.key == "listening")
    assert next(e for e in listening.evidence if e.kind == "iqs").entry["raw"] == 0.0
    login(person)
    body = client.get("/metrics/competence/me").get_data(as_text=True)
    assert "Подробнова Анна Сергеевна" in body
    assert f"{row.overall:.1f}".replace(".", ",") in body
    assert "Оценки клиентов" in body and "Среднее ЦЗН" in body and "m = 10" in body
    assert body.count('class="total"') >= 3  # overall, blocks and competences show their «Итого»
    assert f"Ваш балл {row.overall:.0f} из 100. Сильнее всего — «" in body and "<summary>Как считается</summary>" in body
    assert re.search(r"Окно: \d{1,2} [а-я]+ \d{4} — \d{1,2} [а-я]+ \d{4}", body)


def test_scores_are_refreshed_right_after_evidence_is_committed(app, client, org):
    """A client's answer from the QR page updates the specialist's stored score in the same request cycle;
    evidence recorded outside a request waits for the every-minute job."""
    seed_reference()
    person = make_user(department=org.front_a)
    manager = make_user(Role.MANAGER, department=org.front_a)
    link = feedback.link_for(org.centre_a, None, person)
    db.session.commit()
    answers = {"code": visit_code(person)} | {f"aspect-{a}": "5" for a in ASPECTS}
    response = client.post(f"/f/{link.token}", data=answers,
                           environ_base={"REMOTE_ADDR": "10.0.0.7"})
    assert response.status_code == 303
    row = score(person)
    assert row is not None and row.is_computed and not row.is_stale
    assert row.n_client == 1 and row.c_politeness is not None
    # outside a request (a service call, then commit): the row is stale until the job runs
    iqs.assess(manager, person, marks={c.id: True for c in iqs.active_categories()}, conversation_date=local_today(),
               today=local_today())
    db.session.commit()
    row = score(person)
    assert row.is_stale and row.n_iqs == 0
    from training.competence.jobs import refresh_snapshots

    assert "оценок компетенций: 1" in refresh_snapshots(local_today())
    db.session.commit()
    row = score(person)
    assert not row.is_stale and row.n_iqs == 1
    assert row.breakdown["competences"]["politeness"]["evidence"]["iqs"]["raw"] == 100.0


def test_a_recompute_never_overwrites_a_newer_result(app, org):
    seed_reference()
    person = make_user(department=org.front_a)
    rate_by_clients(person, 4)
    competence.refresh_stale()
    row = score(person)
    version = row.computed_version
    # an older computation (it saw version − 1) arrives late: it must not be stored
    results = competence.compute_month(this_month(), {person.id})
    results[person.id]["c_politeness"] = 1.0
    competence._write(this_month(), results, {person.id: version - 1})
    db.session.commit()
    assert score(person).c_politeness != 1.0


def test_a_second_batch_over_the_same_evidence_rewrites_nothing_and_new_evidence_is_written(app, org):
    """The nightly batch compares what it computed with what is stored: an unchanged score is not written again
    (its row keeps its time of computation), while a specialist with new client answers sees them counted."""
    _unchanged_batch_case(org)


@pytest.mark.postgres
def test_a_second_batch_over_the_same_evidence_rewrites_nothing_on_postgresql(pg_app):
    from tests.factories import make_org

    _unchanged_batch_case(make_org())


def _unchanged_batch_case(org):
    seed_reference()
    here, there = make_user(department=org.front_a), make_user(department=org.front_b)
    rate_by_clients(here, 4, count=2)
    rate_by_clients(there, 5, count=3)

    def stored():
        return {person.id: (row.computed_at, row.computed_version, row.overall, row.c_politeness, row.breakdown)
                for person in (here, there) for row in [score(person)]}

    competence.recompute_batch([this_month()])
    first = stored()
    assert first[here.id][4]["competences"]["politeness"]["evidence"]["client"]["n"] == 2
    expected = competence.compute_month(this_month(), {here.id, there.id})  # every stored column, as computed
    for person in (here, there):
        row = score(person)
        assert {name: getattr(row, name) for name in expected[person.id]} == expected[person.id]
    competence.recompute_batch([this_month()])
    assert stored() == first
    rate_by_clients(here, 1, count=3)
    competence.recompute_batch([this_month()])
    third = stored()
    assert third[there.id] == first[there.id]
    assert third[here.id][0] > first[here.id][0]
    assert third[here.id][4]["competences"]["politeness"]["evidence"]["client"]["n"] == 5
    assert third[here.id][3] < first[here.id][3]


def test_the_batch_is_set_based_its_query_count_does_not_grow_with_staff(app, org):
    seed_reference()

    def staff(count, centre_department):
        people = [make_user(department=centre_department) for _ in range(count)]
        for person in people[:3]:
            rate_by_clients(person, 4)
        return people

    staff(10, org.front_a)
    with count_queries() as small:
        competence.recompute_month(this_month())
    db.session.commit()
    staff(90, org.front_b)
    with count_queries() as large:
        written = competence.recompute_month(this_month())
    db.session.commit()
    assert written >= 100
    assert large.count == small.count


def test_people_outside_any_service_never_leave_stale_rows_behind(app, org):
    admin = make_user(Role.ADMIN)
    leaver = make_user(department=org.front_a, is_active=False)
    competence.mark_stale([admin.id, leaver.id])
    db.session.commit()
    assert competence.refresh_stale() == 0
    db.session.expire_all()
    rows = db.session.scalars(select(CompetenceScore)).all()
    assert len(rows) == 2 and not any(r.is_stale for r in rows)
    assert competence.refresh_stale() == 0 and all(r.overall is None for r in rows)
