"""Certificates: how long a bulk issue of 1,000 and one PDF take.

    .venv/bin/python benchmarks/certificates_bench.py                       # SQLite file in a temp dir
    .venv/bin/python benchmarks/certificates_bench.py --database-url postgresql://postgres@127.0.0.1:5432/postgres

With a PostgreSQL URL the script creates a scratch database next to the given one and drops it afterwards.
Results are printed; record them in docs/PERFORMANCE.md with the command line."""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import uuid
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import select  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from training.app import create_app  # noqa: E402
from training.config import TestingConfig  # noqa: E402
from training.extensions import db  # noqa: E402


def _seed(people: int, rounds: int):
    from training.accounts.models import Role, User
    from training.courses.models import Block, Cohort, Course, CourseModule, Enrolment
    from training.db import utcnow
    from training.org.models import Centre, Region, RegionalService

    region = Region(code="52", name="Нижегородская область")
    service = RegionalService(name="Управление занятости Нижегородской области", region=region)
    centre = Centre(name="ЦЗН г. Дзержинска", service=service)
    course = Course(code="bench", title="Формирование системы управления клиентским опытом",
                    short_title="Клиентский опыт", content_version="1.0", content_date=date(2026, 11, 1))
    for number, (first, last) in enumerate([(1, 5), (6, 11), (12, 14)], start=1):
        module = CourseModule(course=course, number=number, title=f"Модуль {number}")
        for block in range(first, last + 1):
            db.session.add(Block(course=course, module=module, number=block, title=f"Блок {block}"))
    hr = User(email="hr@bench.ru", full_name="Кадрова Елена Петровна", service=service, must_change_password=False)
    hr.set_roles({Role.HR})
    db.session.add_all([centre, course, hr])
    db.session.flush()
    cohorts = []
    now = utcnow()
    for round_no in range(rounds):
        cohort = Cohort(course_id=course.id, regional_service_id=service.id, name=f"Поток {round_no + 1}",
                        start_date=date(2026, 9, 1), deadline=date(2026, 12, 1))
        db.session.add(cohort)
        db.session.flush()
        result = db.session.execute(User.__table__.insert().returning(User.__table__.c.id), [
            {"email": f"u{round_no}-{n}@bench.ru", "personnel_number": f"{round_no}-{n:05d}",
             "full_name": f"Слушатель {n:04d} Иванович", "regional_service_id": service.id, "centre_id": centre.id,
             "position": "", "must_change_password": False, "session_version": 1, "is_active": True,
             "is_public_consent": False, "created_at": now, "updated_at": now, "search_text": ""}
            for n in range(people)])
        ids = [row[0] for row in result]
        db.session.execute(Enrolment.__table__.insert(), [
            {"course_id": course.id, "cohort_id": cohort.id, "user_id": user_id, "enrolled_at": now,
             "completed_at": now, "blocks_completed": 14} for user_id in ids])
        cohorts.append(cohort.id)
    db.session.commit()
    return hr.id, cohorts


def run(database_url: str, people: int, rounds: int, renders: int) -> dict[str, float]:
    from training.accounts.models import User
    from training.certificates import pdf, services
    from training.certificates.models import Certificate

    tmp = tempfile.mkdtemp(prefix="cert-bench-")
    app = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=database_url, CERTIFICATE_PDF_CACHE_DIR=tmp)
    results: dict[str, float] = {}
    with app.app_context():
        db.create_all()
        services.ensure_kinds()
        hr_id, cohorts = _seed(people, rounds)
        timings = []
        for cohort_id in cohorts:
            db.session.expire_all()
            hr = db.session.get(User, hr_id)
            started = time.perf_counter()
            enrolments = list(db.session.scalars(services.due_enrolments(hr, cohort_id=cohort_id)).unique())
            created, _ = services.issue_course_certificates(hr, enrolments)
            db.session.commit()
            timings.append(time.perf_counter() - started)
            assert len(created) == people
        results[f"bulk issue of {people} (query due + issue + commit), median of {rounds}, s"] = \
            statistics.median(timings)
        results[f"bulk issue of {people}, best, s"] = min(timings)

        certificate = db.session.scalar(select(Certificate).order_by(Certificate.id))
        url = "https://szn.example.ru" + "/certificates/verify/" + certificate.verification_code
        data = pdf.page_data(certificate, url)
        started = time.perf_counter()
        pdf.render(data)
        results["first PDF in a process (fonts load), s"] = time.perf_counter() - started
        render_times = []
        for _ in range(renders):
            started = time.perf_counter()
            body = pdf.render(data)
            render_times.append(time.perf_counter() - started)
        results[f"single PDF render, median of {renders}, s"] = statistics.median(render_times)
        results[f"single PDF render, p95 of {renders}, s"] = sorted(render_times)[int(renders * 0.95) - 1]
        results["PDF size, KB"] = len(body) / 1024
        pdf.cached_pdf(certificate, url)
        started = time.perf_counter()
        for _ in range(renders):
            pdf.cached_pdf(certificate, url)
        results["cached PDF read, mean, s"] = (time.perf_counter() - started) / renders
        db.session.remove()
        db.engine.dispose()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=None, help="PostgreSQL server URL (a scratch DB is created)")
    parser.add_argument("--people", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--renders", type=int, default=50)
    args = parser.parse_args()
    scratch = None
    if args.database_url and args.database_url.startswith("postgres"):
        import psycopg

        base = make_url(args.database_url).set(drivername="postgresql")
        scratch = f"cert_bench_{uuid.uuid4().hex[:10]}"
        with psycopg.connect(base.render_as_string(hide_password=False), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{scratch}"')
        url = base.set(database=scratch).render_as_string(hide_password=False)
        label = "PostgreSQL"
    else:
        url = f"sqlite:///{Path(tempfile.mkdtemp(prefix='cert-bench-db-')) / 'bench.sqlite3'}"
        label = "SQLite (file, WAL)"
    try:
        results = run(url, args.people, args.rounds, args.renders)
    finally:
        if scratch:
            with psycopg.connect(base.render_as_string(hide_password=False), autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')
    print(f"certificates benchmark on {label}")
    for name, value in results.items():
        print(f"  {name:<62} {value:8.3f}")


if __name__ == "__main__":
    main()
