"""Issuing: due after completion, HR one by one or in bulk, automatic issue, diplomas from other domains."""
import re
import time

import pytest
from sqlalchemy import func, select

from tests.certificates.helpers import enrol_completed, make_learners
from tests.factories import make_cohort, make_course, make_user
from tests.support.app import sign_in
from training.accounts.models import Role
from training.audit.models import AuditEntry
from training.certificates import services
from training.certificates.models import Certificate
from training.errors import DomainError, NotAllowed
from training.extensions import db
from training.notifications.models import Notification

YEAR = services.local_today().year


def _certificates():
    return list(db.session.scalars(select(Certificate).order_by(Certificate.id)))


def test_hr_issues_to_a_whole_cohort_from_the_due_page(client, login, world):
    login(world.hr)
    page = client.get(f"/certificates/due?cohort_id={world.cohort.id}")
    text = page.get_data(as_text=True)
    assert "Ожидают сертификата: <strong>2</strong>" in text
    assert "Смирнова Анна Сергеевна" in text and "Кузнецов Пётр Андреевич" in text

    response = client.post("/certificates/due", data={"cohort_id": world.cohort.id, "action": "all"},
                           follow_redirects=True)
    text = response.get_data(as_text=True)
    assert "Выдано сертификатов: 2." in text
    assert "Все, кто завершил курс, уже получили сертификаты." in text

    numbers = [c.number for c in _certificates()]
    assert numbers == [f"СЗН-52-{YEAR}-000001", f"СЗН-52-{YEAR}-000002"]
    registry = client.get("/certificates/registry").get_data(as_text=True)
    assert all(number in registry for number in numbers)
    # each holder is told, and the issue is in the audit log
    assert db.session.scalar(select(func.count()).select_from(Notification)
                             .where(Notification.kind == "certificates.issued")) == 2
    actions = set(db.session.scalars(select(AuditEntry.action)))
    assert {"certificate.issue", "certificate.issue_bulk"} <= actions


def test_hr_issues_to_ticked_people_only(client, login, world):
    login(world.hr)
    first = world.cohort.enrolments[0]
    client.post("/certificates/due", data={"action": "selected", "enrolment_ids": [first.id]})
    assert [c.holder_id for c in _certificates()] == [first.user_id]
    page = client.get("/certificates/due").get_data(as_text=True)
    assert "Ожидают сертификата: <strong>1</strong>" in page


def test_due_by_centre_and_department(client, login, world):
    login(world.hr)
    response = client.post("/certificates/due", data={"centre_id": world.org.centre_b.id, "action": "all"},
                           follow_redirects=True)
    assert "Выдано сертификатов: 1." in response.get_data(as_text=True)
    assert [c.holder_name for c in _certificates()] == ["Кузнецов Пётр Андреевич"]
    client.post("/certificates/due", data={"department_id": world.org.front_a.id, "action": "all"})
    assert len(_certificates()) == 2


def test_not_completed_is_not_due_and_cannot_be_issued(world, org):
    learner = make_user(department=org.front_a)
    cohort = make_cohort(world.course, org.service, learners=[learner])
    enrolment = cohort.enrolments[0]
    assert enrolment.id not in [e.id for e in db.session.scalars(services.due_enrolments(world.hr)).unique()]
    with pytest.raises(DomainError, match="ещё не завершил"):
        services.issue_course_certificates(world.hr, [enrolment])


def test_hr_of_another_service_neither_sees_nor_issues(client, login, world):
    login(world.other_hr)
    page = client.get("/certificates/due").get_data(as_text=True)
    assert "Смирнова" not in page
    client.post("/certificates/due", data={"action": "selected",
                                           "enrolment_ids": [e.id for e in world.cohort.enrolments]})
    assert _certificates() == []
    with pytest.raises(NotAllowed):
        services.issue_course_certificates(world.other_hr, world.cohort.enrolments)


def test_issuing_twice_never_issues_twice(world):
    created, skipped = services.issue_course_certificates(world.hr, world.cohort.enrolments)
    assert (len(created), skipped) == (2, 0)
    created, skipped = services.issue_course_certificates(world.hr, world.cohort.enrolments)
    assert (len(created), skipped) == (0, 2)
    db.session.commit()
    assert len(_certificates()) == 2


def test_course_certificate_content(world):
    certificate = services.issue_course_certificates(world.hr, world.cohort.enrolments[:1])[0][0]
    db.session.commit()
    assert certificate.holder_name == "Смирнова Анна Сергеевна"
    assert certificate.title == world.course.title
    assert certificate.modules == ["Модуль 1. Модуль 1", "Модуль 2. Модуль 2", "Модуль 3. Модуль 3"]
    assert certificate.issuer_name == world.org.service.name
    assert certificate.completed_on == services.local_date(world.cohort.enrolments[0].completed_at)
    # course certificates are refreshed every 3 years (the kind's validity)
    assert certificate.expires_on == services.add_years(certificate.completed_on, 3)
    assert certificate.status() == "valid"


def test_numbers_are_sequential_per_region_and_year(world, org):
    kazan = make_user(centre=org.other_centre, full_name="Галиева Алсу Ринатовна")
    kazan_cohort = enrol_completed(world.course, org.other_service, [kazan])
    services.issue_course_certificates(world.hr, world.cohort.enrolments[:1])
    services.issue_course_certificates(world.admin, kazan_cohort.enrolments)
    services.issue_course_certificates(world.hr, world.cohort.enrolments[1:])
    numbers = {c.holder_name: c.number for c in _certificates()}
    assert numbers == {"Смирнова Анна Сергеевна": f"СЗН-52-{YEAR}-000001",
                       "Галиева Алсу Ринатовна": f"СЗН-16-{YEAR}-000001",
                       "Кузнецов Пётр Андреевич": f"СЗН-52-{YEAR}-000002"}
    # a new year starts a new series
    assert services.reserve_numbers("СЗН", "52", YEAR + 1) == [f"СЗН-52-{YEAR + 1}-000001"]


def test_a_rolled_back_issue_gives_its_numbers_back(world):
    services.issue_course_certificates(world.hr, world.cohort.enrolments[:1])
    db.session.rollback()
    services.issue_course_certificates(world.hr, world.cohort.enrolments[1:])
    db.session.commit()
    assert [c.number for c in _certificates()] == [f"СЗН-52-{YEAR}-000001"]
    # a fresh transaction that starts with an issue (SQLite: the savepoint must not become the transaction)
    services.issue_document("title", world.learners[0], title="Мастер клиентоцентричности", issued_by=None,
                            source_key="title:rollback")
    db.session.rollback()
    assert len(_certificates()) == 1
    assert services.reserve_numbers("ДПЛ", "52", YEAR) == [f"ДПЛ-52-{YEAR}-000001"]


def test_automatic_issue_in_the_transaction_that_completes_the_course(org):
    from training.courses import services as course_services
    from training.courses.models import Stage

    course = make_course(blocks=1)
    learner = make_user(department=org.front_a, full_name="Автоматова Инна Олеговна")
    cohort = make_cohort(course, org.service, learners=[learner])
    cohort.is_auto_certificate = True
    db.session.commit()
    enrolment, block = cohort.enrolments[0], course.blocks[0]
    for stage in (Stage.LESSON, Stage.QUIZ, Stage.CASE):
        course_services.complete_stage(enrolment, block, stage)
    assert enrolment.completed_at is not None
    pending = _certificates()
    assert [c.holder_name for c in pending] == ["Автоматова Инна Олеговна"]
    assert pending[0].issued_by_id is None
    db.session.rollback()  # the same transaction: no completion, no certificate
    assert _certificates() == []
    for stage in (Stage.LESSON, Stage.QUIZ, Stage.CASE):
        course_services.complete_stage(enrolment, block, stage)
    db.session.commit()
    assert len(_certificates()) == 1
    assert "(автоматически)" in db.session.scalar(select(AuditEntry.summary)
                                                  .where(AuditEntry.action == "certificate.issue"))


def test_without_automatic_issue_completion_only_makes_it_due(org):
    from training.courses import services as course_services
    from training.courses.models import Stage

    course = make_course(blocks=1)
    learner = make_user(department=org.front_a)
    cohort = make_cohort(course, org.service, learners=[learner])
    for stage in (Stage.LESSON, Stage.QUIZ, Stage.CASE):
        course_services.complete_stage(cohort.enrolments[0], course.blocks[0], stage)
    db.session.commit()
    hr = make_user(Role.HR, service=org.service)
    assert _certificates() == []
    assert [e.id for e in db.session.scalars(services.due_enrolments(hr)).unique()] == [cohort.enrolments[0].id]


def test_issue_document_for_diplomas_is_idempotent_by_source(world):
    winner = world.learners[0]
    first = services.issue_document("employee_of_month", winner, title="Сотрудник месяца",
                                    subtitle="ЦЗН г. Дзержинска, ноябрь 2026", issued_by=world.hr,
                                    source_key="contest:12:winner", details={"month": "2026-11"})
    again = services.issue_document("employee_of_month", winner, title="Сотрудник месяца", issued_by=world.hr,
                                    source_key="contest:12:winner", details={})
    db.session.commit()
    assert again.id == first.id
    assert re.fullmatch(rf"ДПЛ-52-{YEAR}-000001", first.number)
    assert first.expires_on is None and first.kind.code == "employee_of_month"
    title = services.issue_document("title", winner, title="Мастер клиентоцентричности", issued_by=None,
                                    source_key="title:master:1")
    assert title.number == f"ДПЛ-52-{YEAR}-000002"
    # after a reissue the source answers with the document in force
    new = services.reissue(world.hr, first)
    assert services.issue_document("employee_of_month", winner, title="Сотрудник месяца", issued_by=world.hr,
                                   source_key="contest:12:winner").id == new.id


def test_unknown_kind_is_refused(world):
    with pytest.raises(DomainError, match="Неизвестный вид"):
        services.issue_document("no-such-kind", world.learners[0], title="X", issued_by=None, source_key="x:1")


def test_reference_seed_creates_the_standard_kinds_once(app):
    from seeds import reference

    first = reference.run()
    second = reference.run()
    assert "виды сертификатов: +6" in first and "виды сертификатов: +0" in second
    assert [k.code for k in services.all_kinds()] == ["course", "employee_of_month", "quest_winner", "title",
                                                      "gramota", "thanks_letter"]


def test_bulk_issue_of_a_thousand_takes_seconds(world, org):
    people = make_learners(1000, org.centre_a)
    cohort = enrol_completed(world.course, org.service, people)
    enrolments = list(db.session.scalars(services.due_enrolments(world.hr, cohort_id=cohort.id)).unique())
    started = time.perf_counter()
    created, _ = services.issue_course_certificates(world.hr, enrolments)
    db.session.commit()
    elapsed = time.perf_counter() - started
    assert len(created) == 1000
    assert len({c.number for c in created}) == 1000 and len({c.verification_code for c in created}) == 1000
    assert elapsed < 10, f"bulk issue of 1000 took {elapsed:.1f} s"


def test_with_nobody_finished_the_due_page_says_so_not_that_everyone_has_a_certificate(app, client, login, world):
    other_client = app.test_client()
    sign_in(other_client, world.other_hr)  # nobody of their service has finished the course
    page = other_client.get("/certificates/due").get_data(as_text=True)
    assert "Пока никто не завершил курс" in page and "уже получили сертификаты" not in page
    login(world.hr)
    client.post("/certificates/due", data={"action": "all"})
    page = client.get("/certificates/due").get_data(as_text=True)
    assert "Все, кто завершил курс, уже получили сертификаты" in page


def test_hr_is_told_before_issuing_that_no_signatory_is_set(client, login, world):
    login(world.hr)
    assert "Подписант не указан" in client.get("/certificates/due").get_data(as_text=True)
    client.post("/certificates/settings", data={"signatory_name": "А. В. Директорова",
                                                "signatory_position": "Руководитель управления занятости"})
    assert "Подписант не указан" not in client.get("/certificates/due").get_data(as_text=True)


def test_a_diploma_notification_nests_quotes_the_russian_way(world):
    holder = world.learners[0]
    services.issue_document("employee_of_month", holder, title="Сотрудник месяца — ноябрь", issued_by=None,
                            source_key="contest:1:winner")
    db.session.commit()
    text = db.session.scalar(select(Notification.text).where(Notification.user_id == holder.id))
    assert text.startswith("Вам выдан документ «Диплом „Сотрудник месяца“» №")
    assert "««" not in text and "»»" not in text


def test_hr_home_starts_with_the_certificates_due(client, login, world):
    login(world.hr)
    home = client.get("/").get_data(as_text=True)
    assert "2 сертификата ждут выдачи" in home and home.index("ждут выдачи") < home.index('class="tiles"')
    client.post("/certificates/due", data={"action": "all"})
    assert "ждут выдачи" not in client.get("/").get_data(as_text=True)
