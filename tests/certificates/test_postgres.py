"""On PostgreSQL (production): parallel issues never share a number, and a retried source never issues twice.

Each thread runs in its own application context, so it has its own session and connection, as two gunicorn
workers would."""
from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import select

from tests.certificates.helpers import enrol_completed, make_learners
from tests.factories import make_course, make_org, make_user
from training.accounts.models import Role, User
from training.certificates import services
from training.certificates.models import Certificate, CertificateCounter
from training.courses.models import Enrolment
from training.extensions import db

pytestmark = pytest.mark.postgres


def _setup(count: int):
    org = make_org()
    course = make_course(blocks=2)
    hr = make_user(Role.HR, service=org.service)
    people = make_learners(count, org.centre_a)
    cohort = enrol_completed(course, org.service, people)
    enrolment_ids = list(db.session.scalars(select(Enrolment.id).where(Enrolment.cohort_id == cohort.id)
                                            .order_by(Enrolment.id)))
    return hr.id, enrolment_ids, [p.id for p in people]


def _run_threads(targets):
    errors = []

    def guard(target):
        try:
            target()
        except Exception as exc:  # surfaced in the main thread
            errors.append(exc)

    threads = [threading.Thread(target=guard, args=(t,)) for t in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors, errors


def test_a_second_issue_waits_for_the_first_and_takes_the_next_number(pg_app):
    hr_id, enrolment_ids, _ = _setup(2)
    reserved = threading.Event()
    waited: dict[str, float] = {}

    def first():
        with pg_app.app_context():
            hr = db.session.get(User, hr_id)
            services.issue_course_certificates(hr, [db.session.get(Enrolment, enrolment_ids[0])])
            reserved.set()
            time.sleep(0.8)  # hold the counter row lock, as a slow request would
            db.session.commit()

    def second():
        reserved.wait(10)
        with pg_app.app_context():
            hr = db.session.get(User, hr_id)
            started = time.perf_counter()
            services.issue_course_certificates(hr, [db.session.get(Enrolment, enrolment_ids[1])])
            waited["seconds"] = time.perf_counter() - started
            db.session.commit()

    _run_threads([first, second])
    numbers = dict(db.session.execute(select(Certificate.enrolment_id, Certificate.number)).all())
    year = services.local_today().year
    assert numbers == {enrolment_ids[0]: f"СЗН-52-{year}-000001", enrolment_ids[1]: f"СЗН-52-{year}-000002"}
    assert waited["seconds"] > 0.5  # it really waited on the row lock


def test_many_parallel_issues_get_distinct_consecutive_numbers(pg_app):
    hr_id, enrolment_ids, _ = _setup(40)
    barrier = threading.Barrier(8)
    batches = [enrolment_ids[i::8] for i in range(8)]

    def worker(batch):
        def run():
            with pg_app.app_context():
                hr = db.session.get(User, hr_id)
                barrier.wait(10)
                for enrolment_id in batch:  # one issue per transaction, all threads at once
                    services.issue_course_certificates(hr, [db.session.get(Enrolment, enrolment_id)])
                    db.session.commit()
        return run

    _run_threads([worker(batch) for batch in batches])
    numbers = sorted(db.session.scalars(select(Certificate.number)))
    year = services.local_today().year
    assert numbers == [f"СЗН-52-{year}-{n:06d}" for n in range(1, 41)]
    counters = list(db.session.scalars(select(CertificateCounter)))
    assert [(c.prefix, c.region_code, c.year, c.last_value) for c in counters] == [("СЗН", "52", year, 40)]


def test_a_retried_source_in_parallel_issues_one_document(pg_app):
    _, _, people = _setup(1)
    barrier = threading.Barrier(4)
    results: list[int] = []

    def award():
        with pg_app.app_context():
            winner = db.session.get(User, people[0])
            barrier.wait(10)
            certificate = services.issue_document("employee_of_month", winner, title="Сотрудник месяца",
                                                  issued_by=None, source_key="contest:77:winner")
            db.session.commit()
            results.append(certificate.id)

    _run_threads([award] * 4)
    certificates = list(db.session.scalars(select(Certificate)))
    assert len(certificates) == 1 and set(results) == {certificates[0].id}
    # the losers' reserved numbers were rolled back with their savepoints: the series has no gap
    year = services.local_today().year
    assert services.reserve_numbers("ДПЛ", "52", year) == [f"ДПЛ-52-{year}-000002"]
