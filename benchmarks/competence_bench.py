"""Competence scores: how long the set-based batch (`flask metrics recompute`) takes for thousands of staff,
an incremental refresh of one person, and one ranking page.

    .venv/bin/python benchmarks/competence_bench.py                                  # SQLite file, 5,000 staff
    .venv/bin/python benchmarks/competence_bench.py --staff 5000 \\
        --database-url postgresql://postgres@127.0.0.1:5432/postgres                 # a scratch PostgreSQL DB

The generated data: one regional service, centres of 100 staff, and for every person over the three-month
window ~12 client answers (4 aspects each), peer sums on 5 aspects from ~6 colleagues, 2 IQS checks of 8
categories, 5 block quizzes and 2 cases, and a few proactive actions (thanks, stress measures, library cases,
quests, follow-ups, course blocks). Rows are inserted with Core bulk inserts, not through the services.
Results are printed; record them in docs/PERFORMANCE.md with the command line."""
from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy.engine import make_url  # noqa: E402

from training.app import create_app  # noqa: E402
from training.config import TestingConfig  # noqa: E402
from training.extensions import db  # noqa: E402

ASPECTS = ("politeness", "empathy", "clarity", "helpfulness", "teamwork")


def _ids(result) -> list[int]:
    return [row[0] for row in result]


def _seed(staff: int, per_centre: int, seed: int) -> tuple[int, int]:
    from training.accounts.models import Role, User
    from training.competence import services as competence
    from training.competence.models import PeerEvidenceSum
    from training.courses.models import (
        Block,
        BlockProgress,
        CaseSubmission,
        Cohort,
        Course,
        CourseModule,
        Enrolment,
        PracticalCase,
    )
    from training.gamification.library.models import LibraryCase
    from training.gamification.quests.models import Quest, QuestTeam, QuestTeamMember
    from training.gamification.ratings.models import PeerRatingPair
    from training.gamification.recognition.models import ThanksNote
    from training.gamification.stress.models import StressMeasure, StressMonth
    from training.metrics.feedback.models import ClientAspectScore, ClientFeedback, FollowUpTask
    from training.metrics.operations import iqs
    from training.metrics.operations.models import IqsAssessment, IqsCategory, IqsItem
    from training.org.models import Centre, Department, Region, RegionalService
    from training.quizzes.models import Attempt, Quiz

    rnd = random.Random(seed)  # noqa: S311 - reproducible test data, not secrets
    now = datetime.now(UTC) - timedelta(hours=1)
    month = competence.month_of(competence.local_today())
    window_start = competence.window_of(month)[0]
    days = (month.end - window_start).days

    def moment() -> datetime:
        return now - timedelta(days=rnd.randint(0, min(days, 80)), minutes=rnd.randint(0, 600))

    region = Region(code="52", name="Нижегородская область")
    service = RegionalService(name="Управление занятости Нижегородской области", region=region)
    db.session.add(service)
    db.session.flush()
    centres = []
    for n in range((staff + per_centre - 1) // per_centre):
        centre = Centre(name=f"ЦЗН № {n + 1}", service=service)
        centre.departments.append(Department(name="Фронт-офис", kind="front_office"))
        db.session.add(centre)
        centres.append(centre)
    db.session.flush()
    hr = User(email="hr@bench.ru", full_name="Кадрова Елена Петровна", regional_service_id=service.id,
              must_change_password=False)
    hr.set_roles({Role.HR})
    db.session.add(hr)
    iqs.seed_categories()
    course = Course(code="bench", title="Курс", short_title="Курс", content_version="1", content_date=now.date())
    module = CourseModule(course=course, number=1, title="Модуль")
    blocks = [Block(course=course, module=module, number=b, title=f"Блок {b}") for b in range(1, 15)]
    db.session.add_all(blocks)
    db.session.flush()
    for block in blocks:
        db.session.add(PracticalCase(block_id=block.id, title="Кейс", body_markdown="", body_html="",
                                     max_points=10, pass_points=6))
    quizzes = [Quiz(block_id=block.id, title=f"Тест {block.number}") for block in blocks]
    db.session.add_all(quizzes)
    cohort = Cohort(course_id=course.id, regional_service_id=service.id, name="Поток", start_date=window_start,
                    deadline=month.end)
    db.session.add(cohort)
    db.session.flush()
    stamp = {"created_at": now, "updated_at": now}
    users = []
    for n in range(staff):
        centre = centres[n // per_centre]
        users.append({"email": f"s{n}@bench.ru", "personnel_number": f"{n:06d}", "full_name": f"Сотрудник {n:05d}",
                      "regional_service_id": service.id, "centre_id": centre.id,
                      "department_id": centre.departments[0].id, "position": "Специалист",
                      "must_change_password": False, "session_version": 1, "is_active": True,
                      "is_public_consent": False, "search_text": "", **stamp})
    ids = _ids(db.session.execute(User.__table__.insert().returning(User.__table__.c.id), users))
    centre_of = {uid: users[i]["centre_id"] for i, uid in enumerate(ids)}
    colleagues = {}
    for uid in ids:
        colleagues.setdefault(centre_of[uid], []).append(uid)

    # client answers with aspect marks
    feedback_rows = []
    for uid in ids:
        for _ in range(rnd.randint(4, 20)):
            when = moment()
            feedback_rows.append({"regional_service_id": service.id, "centre_id": centre_of[uid], "employee_id": uid,
                                  "created_at": when, "local_date": when.date(), "recommend": rnd.randint(5, 10),
                                  "is_contact_requested": False, "is_low": False})
    table = ClientFeedback.__table__
    feedback_ids = _ids(db.session.execute(table.insert().returning(table.c.id, table.c.employee_id), feedback_rows))
    employees = [row["employee_id"] for row in feedback_rows]
    db.session.execute(ClientAspectScore.__table__.insert(), [
        {"feedback_id": fid, "employee_id": uid, "aspect_code": code, "score": rnd.choices((3, 4, 5), (1, 3, 6))[0]}
        for fid, uid in zip(feedback_ids, employees, strict=True) for code in ASPECTS[:4]])

    # peer ratings: the pairs (for the 3-rater rule) and the monthly sums that ratings leave behind
    pairs, sums = [], []
    for uid in ids:
        raters = rnd.sample([c for c in colleagues[centre_of[uid]] if c != uid], 6)
        pairs += [{"rater_id": r, "rated_id": uid, "last_rated_at": moment()} for r in raters]
        for code in ASPECTS:
            for back in range(3):
                count = rnd.randint(1, 3)
                raw = sum(rnd.randint(3, 5) for _ in range(count))
                sums.append({"rated_id": uid, "aspect_code": code,
                             "month": (month.start if back == 0 else (month.start - timedelta(days=28 * back))
                                       .replace(day=1)),
                             "weight_sum": float(count), "centred_sum": raw - 4.2 * count, "shrink_sum": float(count),
                             "raw_sum": float(raw), "rating_count": count})
    db.session.execute(PeerRatingPair.__table__.insert(), pairs)
    db.session.execute(PeerEvidenceSum.__table__.insert(), sums)

    # IQS checks
    categories = db.session.execute(IqsCategory.__table__.select()).all()
    reviews = [{"employee_id": uid, "reviewer_id": hr.id, "regional_service_id": service.id,
                "centre_id": centre_of[uid], "conversation_date": moment().date(), "score": 80.0,
                "is_critical_failed": False, "conversation_ref": "", "comment": "", "created_at": now}
               for uid in ids for _ in range(2)]
    review_ids = _ids(db.session.execute(IqsAssessment.__table__.insert().returning(IqsAssessment.__table__.c.id),
                                         reviews))
    db.session.execute(IqsItem.__table__.insert(), [
        {"assessment_id": rid, "category_id": c.id, "category_name": c.name, "weight": c.weight,
         "is_critical": c.is_critical, "is_passed": rnd.random() < 0.85} for rid in review_ids for c in categories])

    # course: enrolments, quizzes, cases, blocks completed
    enrolment_ids = _ids(db.session.execute(Enrolment.__table__.insert().returning(Enrolment.__table__.c.id), [
        {"course_id": course.id, "cohort_id": cohort.id, "user_id": uid, "enrolled_at": now,
         "blocks_completed": 0} for uid in ids]))
    attempts, cases, progress = [], [], []
    for uid, eid in zip(ids, enrolment_ids, strict=True):
        for quiz in rnd.sample(quizzes, 5):
            attempts.append({"quiz_id": quiz.id, "user_id": uid, "attempt_no": 1, "started_at": now,
                             "submitted_at": moment(), "state": "finished", "percent": float(rnd.randint(50, 100)),
                             "is_passed": True, "is_awaiting_grading": False})
        for block in rnd.sample(blocks, 2):
            cases.append({"enrolment_id": eid, "block_id": block.id, "attempt_no": 1, "answer": "…",
                          "submitted_at": now, "status": "accepted", "points": rnd.randint(6, 10),
                          "graded_at": moment()})
        for block in rnd.sample(blocks, rnd.randint(0, 4)):
            progress.append({"enrolment_id": eid, "block_id": block.id, "completed_at": moment()})
    db.session.execute(Attempt.__table__.insert(), attempts)
    db.session.execute(CaseSubmission.__table__.insert(), cases)
    db.session.execute(BlockProgress.__table__.insert(), progress)

    # proactive actions
    stress_month = StressMonth(regional_service_id=service.id, month=f"{month.start:%Y-%m}")
    db.session.add(stress_month)
    db.session.flush()
    thanks, measures, library, followups = [], [], [], []
    for uid in ids:
        for giver in rnd.sample(colleagues[centre_of[uid]], rnd.randint(0, 3)):
            if giver != uid:
                thanks.append({"giver_id": giver, "recipient_id": uid, "regional_service_id": service.id,
                               "text": "Спасибо", "is_from_manager": False, "created_at": moment()})
        if rnd.random() < 0.2:
            measures.append({"month_id": stress_month.id, "text": "Мера", "owner_id": uid, "status": "done",
                             "created_by_id": hr.id, "created_at": now, "updated_at": now, "done_at": moment()})
        if rnd.random() < 0.1:
            library.append({"regional_service_id": service.id, "author_id": uid, "kind": "case", "title": "Кейс",
                            "situation": "", "action": "", "result": "", "status": "published",
                            "moderation_comment": "", "published_at": moment(), "search_text": "", **stamp})
    db.session.execute(ThanksNote.__table__.insert(), thanks)
    db.session.execute(StressMeasure.__table__.insert(), measures)
    db.session.execute(LibraryCase.__table__.insert(), library)
    low = feedback_ids[: len(ids) // 10]
    for fid, uid in zip(low, employees, strict=False):
        followups.append({"feedback_id": fid, "centre_id": centre_of[uid], "reasons": ["recommend"],
                          "status": "resolved", "created_at": now, "due_at": now, "is_contact_impossible": True,
                          "notes": "", "resolved_at": moment(), "resolved_by_id": uid})
    db.session.execute(FollowUpTask.__table__.insert(), followups)
    for centre in centres[:: max(1, len(centres) // 5)]:
        quest = Quest(regional_service_id=service.id, centre_id=centre.id, title="Квест", organiser_id=hr.id,
                      status="closed", closed_at=moment())
        db.session.add(quest)
        db.session.flush()
        team = QuestTeam(quest_id=quest.id, name="Команда")
        db.session.add(team)
        db.session.flush()
        db.session.execute(QuestTeamMember.__table__.insert(), [
            {"quest_id": quest.id, "team_id": team.id, "user_id": uid} for uid in colleagues[centre.id]])
    db.session.commit()
    return hr.id, ids[len(ids) // 2]


def run(database_url: str, staff: int, per_centre: int, rounds: int) -> tuple[dict[str, float], dict[str, int]]:
    from training.accounts.models import User
    from training.competence import ranking
    from training.competence import services as competence

    app = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=database_url)
    results: dict[str, float] = {}
    sizes: dict[str, int] = {}
    with app.app_context():
        db.create_all()
        started = time.perf_counter()
        hr_id, person_id = _seed(staff, per_centre, seed=42)
        results["generating the data set, s"] = time.perf_counter() - started
        if db.engine.dialect.name == "postgresql":  # a live database has statistics; bulk-loaded tables need them
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.exec_driver_sql("ANALYZE")
        else:
            db.session.execute(db.text("ANALYZE"))
            db.session.commit()
        month = competence.month_of(competence.local_today())
        timings = []
        for _ in range(rounds):
            batch = competence.recompute_batch([month])
            timings.append(batch.seconds)
            sizes["staff scored"] = batch.people
        results[f"batch: all {staff} staff, one month (median of {rounds}), s"] = statistics.median(timings)
        results[f"batch: best of {rounds}, s"] = min(timings)
        results["batch: per 1,000 staff (median), s"] = statistics.median(timings) / staff * 1000
        single = []
        for _ in range(5):
            started = time.perf_counter()
            competence.recompute_month(month, {person_id})
            db.session.commit()
            single.append(time.perf_counter() - started)
        results["incremental: one person (reads their centre), median of 5, s"] = statistics.median(single)
        hr = db.session.get(User, hr_id)
        page_times = []
        for _ in range(10):
            started = time.perf_counter()
            ranking.ranking_page(hr, ranking.Filters(month=month), 1, 50)
            page_times.append(time.perf_counter() - started)
        results["ranking page query (HR, 50 rows of all staff), median, s"] = statistics.median(page_times)
        row = competence.score_of(person_id, month)
        sizes["scored with an overall score"] = db.session.scalar(
            db.select(db.func.count()).select_from(competence.CompetenceScore)
            .where(competence.CompetenceScore.overall.is_not(None)))
        sizes["breakdown JSON of one person, bytes"] = len(str(row.breakdown).encode())
        db.session.remove()
        db.engine.dispose()
    return results, sizes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=None, help="PostgreSQL server URL (a scratch DB is created)")
    parser.add_argument("--staff", type=int, default=5000)
    parser.add_argument("--per-centre", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    scratch = None
    if args.database_url and args.database_url.startswith("postgres"):
        import psycopg

        base = make_url(args.database_url).set(drivername="postgresql")
        scratch = f"competence_bench_{uuid.uuid4().hex[:10]}"
        with psycopg.connect(base.render_as_string(hide_password=False), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{scratch}"')
        url = base.set(database=scratch).render_as_string(hide_password=False)
        label = "PostgreSQL"
    else:
        url = f"sqlite:///{Path(tempfile.mkdtemp(prefix='competence-bench-')) / 'bench.sqlite3'}"
        label = "SQLite (file, WAL)"
    try:
        results, sizes = run(url, args.staff, args.per_centre, args.rounds)
    finally:
        if scratch:
            with psycopg.connect(base.render_as_string(hide_password=False), autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')
    print(f"competence benchmark on {label}: {args.staff} staff, {args.per_centre} per centre")
    for name, value in results.items():
        print(f"  {name:<62} {value:8.3f}")
    for name, value in sizes.items():
        print(f"  {name:<62} {value:8d}")


if __name__ == "__main__":
    main()
