"""Federal-scale data set: 85 regions, 2,500 centres, 50,000 staff and a year of their data.

    .venv/bin/python benchmarks/federal_data.py --sqlite /tmp/federal.sqlite3                 # SQLite file
    .venv/bin/python benchmarks/federal_data.py \\
        --database-url postgresql://postgres@127.0.0.1:5432/postgres --database federal_bench  # PostgreSQL
    .venv/bin/python benchmarks/federal_data.py --sqlite /tmp/small.sqlite3 --scale 0.1       # a tenth, quickly
    .venv/bin/python benchmarks/federal_data.py --target postgresql://postgres@127.0.0.1:5432/federal_bench  # URL

The schema comes from ``db.create_all()`` (what the migrations produce; tests/core checks they agree), the
reference data from ``seeds.reference`` and the course with its question banks from ``seeds/course`` exactly as
``flask seed reference`` / ``flask seed course`` load them. Everything else is generated from ``--seed`` with a
seeded ``random.Random`` and written with Core bulk inserts (``executemany`` on SQLite, ``COPY`` on PostgreSQL)
with explicit ids, then sequences are moved past them and ``ANALYZE`` runs. Dates are relative to ``--today``
(default: today in Moscow), so a seed and a date give the same rows.

At ``--scale 1``: 85 regional services, 2,500 centres (3 departments each), 50,000 staff (employees, a manager
per centre, two HR and a teacher per service, one administrator), 2 cohorts per service with ~40,000
enrolments and their block progress, ~500,000 quiz attempts (10 graded slots for 5 % of them: what the
statistics page reads), accepted cases, ~2,000,000 peer ratings (stored as the schema keeps them: pairs,
totals, monthly evidence sums — no row holds an individual rating), ~2,000,000 client feedback answers (aspect
marks on 30 %, follow-up tasks for the low ones), 12 months of operational reports per centre, IQS checks,
«Сотрудник месяца» (11 closed months with votes, results and awards, the current month open), course
certificates and diplomas, quests, thanks, «Стресс месяца», library cases, and the index snapshots that data
arrival leaves behind (history written as computed with empty figures; the current month and week of every
centre, service and the organisation, and the whole history of the first centre, left stale for
``benchmarks/federal_recompute.py``).

Every account's password is ``BENCH_PASSWORD`` (argon2id with the production parameters), so
``benchmarks/load.py`` can sign in through the real form."""
from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
import time
import uuid
from collections import Counter, defaultdict
from datetime import UTC, date, datetime, timedelta
from datetime import time as dtime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import JSON, func, select, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from training.app import create_app  # noqa: E402
from training.config import TestingConfig  # noqa: E402
from training.extensions import db  # noqa: E402

BENCH_PASSWORD = "federal-bench-2026"  # noqa: S105 - a benchmark data set, never a real account
#: argon2id parameters of Config (production); the hash is computed once and shared by every account
HASH_TIME_COST, HASH_MEMORY_COST = 3, 65536
BASE = {"regions": 85, "centres": 2500, "staff": 50000, "attempts": 500_000, "peer_ratings": 2_000_000,
        "feedback": 2_000_000, "iqs": 100_000, "thanks": 100_000, "library": 3000, "client_votes": 100_000}
SURNAMES = ["Иванов", "Смирнов", "Кузнецов", "Попов", "Васильев", "Петров", "Соколов", "Михайлов", "Новиков",
            "Фёдоров", "Морозов", "Волков", "Алексеев", "Лебедев", "Семёнов", "Егоров", "Павлов", "Козлов",
            "Степанов", "Николаев", "Орлов", "Андреев", "Макаров", "Никитин", "Захаров", "Зайцев", "Соловьёв"]
MALE = ["Александр", "Сергей", "Дмитрий", "Андрей", "Алексей", "Максим", "Евгений", "Иван", "Михаил", "Артём"]
FEMALE = ["Елена", "Ольга", "Наталья", "Татьяна", "Ирина", "Светлана", "Анна", "Мария", "Юлия", "Екатерина"]
PATRONYMICS = ["Александров", "Сергеев", "Дмитриев", "Андреев", "Алексеев", "Викторов", "Иванов", "Петров"]
POSITIONS = ["Ведущий специалист", "Специалист", "Главный специалист", "Консультант", "Инспектор"]
AWARD_TITLES = {"title": "Самый клиентоцентричный сотрудник месяца", "colleagues": "Сотрудник месяца в глазах коллег"}
DEPARTMENTS = (("Фронт-офис", "front_office"), ("Бэк-офис", "back_office"), ("Руководство", "management"))


def moscow():
    from training.templating import DISPLAY_TZ

    return DISPLAY_TZ


class Loader:
    """Bulk writer with explicit ids: COPY on PostgreSQL, executemany on SQLite; counts and times per table."""

    def __init__(self, chunk: int = 20000):
        self.engine = db.engine
        self.is_pg = self.engine.dialect.name == "postgresql"
        self.chunk = chunk
        self.next_id: dict[str, int] = {}
        self.counts: Counter = Counter()
        self.seconds: Counter = Counter()
        self.tables = db.metadata.tables

    def ids(self, table: str, n: int) -> range:
        if table not in self.next_id:
            with self.engine.connect() as conn:
                self.next_id[table] = (conn.scalar(select(func.max(self.tables[table].c.id))) or 0) + 1
        start = self.next_id[table]
        self.next_id[table] = start + n
        return range(start, start + n)

    def put(self, table: str, rows) -> int:
        """Write an iterable of dicts (all with the same keys) to ``table``."""
        started = time.perf_counter()
        written = 0
        batch: list[dict] = []
        for row in rows:
            batch.append(row)
            if len(batch) >= self.chunk:
                written += self._write(table, batch)
                batch = []
        if batch:
            written += self._write(table, batch)
        self.counts[table] += written
        self.seconds[table] += time.perf_counter() - started
        return written

    def _write(self, table: str, rows: list[dict]) -> int:
        # columns the generator does not name get the model's scalar default (a counter added later, e.g.
        # users.unread_notifications): COPY would leave them NULL
        defaults = {c.name: c.default.arg for c in self.tables[table].columns
                    if c.name not in rows[0] and c.default is not None and c.default.is_scalar}
        if defaults:
            rows = [{**defaults, **row} for row in rows]
        columns = list(rows[0])
        if self.is_pg:
            json_cols = {c.name for c in self.tables[table].columns if isinstance(c.type, JSON)}
            raw = self.engine.raw_connection()
            try:
                with raw.cursor() as cur:
                    with cur.copy(f'COPY "{table}" ({", ".join(columns)}) FROM STDIN') as copy:
                        for row in rows:
                            copy.write_row([json.dumps(row[c]) if c in json_cols and row[c] is not None
                                            else row[c] for c in columns])
                raw.commit()
            finally:
                raw.close()
        else:
            with self.engine.begin() as conn:
                conn.execute(self.tables[table].insert(), rows)
        return len(rows)

    def finish(self) -> None:
        started = time.perf_counter()
        if self.is_pg:
            with self.engine.connect() as conn:
                for name, table in self.tables.items():
                    if "id" in table.c and table.c.id.primary_key and table.c.id.autoincrement is not False \
                            and str(table.c.id.type) == "INTEGER":
                        conn.execute(text(f"SELECT setval(pg_get_serial_sequence('\"{name}\"', 'id'), "  # noqa: S608
                                          f"GREATEST((SELECT max(id) FROM \"{name}\"), 1))"))  # table names: metadata
                conn.commit()
            with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.exec_driver_sql("VACUUM ANALYZE")
        else:
            with self.engine.begin() as conn:
                conn.exec_driver_sql("ANALYZE")
        self.seconds["(sequences, ANALYZE)"] += time.perf_counter() - started


class Generator:
    def __init__(self, loader: Loader, scale: float, seed: int, today: date):
        self.l = loader
        self.s = scale
        self.rnd = random.Random(seed)  # noqa: S311 - reproducible benchmark data, not secrets
        self.today = today
        self.tz = moscow()
        self.now = datetime.combine(today, dtime(12, 0), self.tz).astimezone(UTC)
        self.year_start = today - timedelta(days=364)
        self.counters: Counter = Counter()
        self.peer_events = 0

    def n(self, key: str) -> int:
        return max(1, round(BASE[key] * self.s))

    def moment(self, first: date, last: date | None = None) -> datetime:
        """A random aware UTC moment on a Moscow working day between two dates (inclusive)."""
        last = last or self.today
        day = first + timedelta(days=self.rnd.randint(0, max(0, (last - first).days)))
        local = datetime.combine(day, dtime(9, 0), self.tz) + timedelta(minutes=self.rnd.randint(0, 540))
        return min(local.astimezone(UTC), self.now)

    def local_date(self, moment: datetime) -> date:
        return moment.astimezone(self.tz).date()

    def code(self) -> str:
        return f"{self.rnd.getrandbits(128):032x}"

    # --- organisation and staff ----------------------------------------------------------------------------

    def organisation(self) -> None:
        from training.accounts.models import search_key

        rnd, w = self.rnd, self.l
        stamp = self.now - timedelta(days=400)
        n_centres = self.n("centres")
        n_regions = min(BASE["regions"], n_centres)
        region_ids = w.ids("regions", n_regions)
        w.put("regions", ({"id": rid, "code": f"{i + 1:02d}", "name": f"Субъект РФ № {i + 1:02d}"}
                          for i, rid in enumerate(region_ids)))
        service_ids = list(w.ids("regional_services", n_regions))
        w.put("regional_services", ({"id": sid, "region_id": rid, "name": f"Служба занятости субъекта № {i + 1:02d}",
                                     "created_at": stamp}
                                    for i, (sid, rid) in enumerate(zip(service_ids, region_ids, strict=True))))
        self.region_code = {sid: f"{i + 1:02d}" for i, sid in enumerate(service_ids)}
        # centres: one each, the rest weighted towards the first (big) regions
        weights = [1.0 / (i + 4) for i in range(n_regions)]
        per_service = Counter({sid: 1 for sid in service_ids})
        per_service.update(rnd.choices(service_ids, weights, k=n_centres - n_regions))
        centre_ids = list(w.ids("centres", n_centres))
        self.centre_service: dict[int, int] = {}
        rows, it = [], iter(centre_ids)
        for sid in service_ids:
            for k in range(per_service[sid]):
                cid = next(it)
                self.centre_service[cid] = sid
                rows.append({"id": cid, "regional_service_id": sid, "name": f"ЦЗН № {k + 1} ({self.region_code[sid]})",
                             "created_at": stamp})
        w.put("centres", rows)
        dept_ids = iter(w.ids("departments", 3 * n_centres))
        self.departments: dict[int, dict[str, int]] = {}
        rows = []
        for cid in centre_ids:
            self.departments[cid] = {}
            for name, kind in DEPARTMENTS:
                did = next(dept_ids)
                self.departments[cid][kind] = did
                rows.append({"id": did, "centre_id": cid, "name": name, "kind": kind, "created_at": stamp})
        w.put("departments", rows)
        self.service_ids, self.centre_ids = service_ids, centre_ids

        # staff: the first centre is big (the load test signs in its people), the rest vary
        n_staff = self.n("staff")
        extra = 3 * len(service_ids) + 1  # HR ×2 and a teacher per service, one administrator
        employees = max(len(centre_ids) * 3, n_staff - extra)
        first = min(150, employees // 4)
        raw = [rnd.lognormvariate(0, 0.6) for _ in centre_ids[1:]]
        total = sum(raw) or 1.0
        sizes = [first] + [max(3, int((employees - first) * w / total)) for w in raw]
        for k in rnd.choices(range(1, len(sizes)), raw, k=max(0, employees - sum(sizes))) if len(sizes) > 1 else ():
            sizes[k] += 1  # the rounding down above left some people out: give them to centres by the same weights
        password = self.password_hash()
        users, roles = [], []
        user_ids = iter(w.ids("users", sum(sizes) + extra))
        self.staff_of: dict[int, list[int]] = {}
        self.user_centre: dict[int, int] = {}
        self.user_dept: dict[int, int] = {}
        self.user_name: dict[int, str] = {}
        self.managers: dict[int, int] = {}
        self.hr: dict[int, list[int]] = defaultdict(list)
        self.teachers: dict[int, int] = {}
        self.user_email: dict[int, str] = {}

        def person(uid: int, sid: int, cid: int | None, did: int | None, position: str) -> dict:
            female = rnd.random() < 0.7
            surname = rnd.choice(SURNAMES) + ("а" if female and not rnd.choice(SURNAMES).endswith("о") else "")
            name = f"{surname} {rnd.choice(FEMALE if female else MALE)} " \
                   f"{rnd.choice(PATRONYMICS)}{'на' if female else 'ич'}"
            email = f"u{uid}@r{self.region_code[sid]}.szn.bench"
            number = f"{uid:07d}"
            self.user_name[uid] = name
            self.user_email[uid] = email
            return {"id": uid, "email": email, "personnel_number": number, "full_name": name, "position": position,
                    "hire_date": self.today - timedelta(days=rnd.randint(30, 6000)), "regional_service_id": sid,
                    "centre_id": cid, "department_id": did, "password_hash": password,
                    "must_change_password": False, "session_version": 1, "is_active": True,
                    "is_public_consent": rnd.random() < 0.6, "created_at": stamp, "updated_at": stamp,
                    "search_text": search_key(name, email, number)}

        for cid, size in zip(centre_ids, sizes, strict=True):
            sid = self.centre_service[cid]
            members = []
            for k in range(size):
                uid = next(user_ids)
                kind = "management" if k == 0 else ("front_office" if rnd.random() < 0.62 else "back_office")
                did = self.departments[cid][kind]
                users.append(person(uid, sid, cid, did, "Директор ЦЗН" if k == 0 else rnd.choice(POSITIONS)))
                roles.append({"user_id": uid, "role": "employee"})
                if k == 0:
                    roles.append({"user_id": uid, "role": "manager"})
                    self.managers[cid] = uid
                members.append(uid)
                self.user_centre[uid] = cid
                self.user_dept[uid] = did
            self.staff_of[cid] = members
        for sid in service_ids:
            for _ in range(2):
                uid = next(user_ids)
                users.append(person(uid, sid, None, None, "Специалист кадровой службы"))
                roles += [{"user_id": uid, "role": "hr"}]
                self.hr[sid].append(uid)
            uid = next(user_ids)
            users.append(person(uid, sid, None, None, "Преподаватель"))
            roles += [{"user_id": uid, "role": "teacher"}]
            self.teachers[sid] = uid
        uid = next(user_ids)
        users.append(person(uid, service_ids[0], None, None, "Администратор платформы"))
        users[-1]["email"] = "admin@szn.bench"
        roles.append({"user_id": uid, "role": "admin"})
        self.admin_id = uid
        w.put("users", users)
        role_ids = iter(w.ids("user_roles", len(roles)))
        w.put("user_roles", ({"id": next(role_ids), **r} for r in roles))
        self.employees = [u for cid in centre_ids for u in self.staff_of[cid]]
        self.user_service = {u["id"]: u["regional_service_id"] for u in users}

    @staticmethod
    def password_hash() -> str:
        from argon2 import PasswordHasher

        return PasswordHasher(time_cost=HASH_TIME_COST, memory_cost=HASH_MEMORY_COST).hash(BENCH_PASSWORD)

    # --- course: cohorts, enrolments, progress, attempts, cases, certificates ---------------------------------

    def course(self) -> None:
        from training.courses.models import Block, Course, CourseModule, PracticalCase
        from training.quizzes.models import Question, QuestionVersion, Quiz

        rnd, w = self.rnd, self.l
        course = db.session.scalar(select(Course).order_by(Course.id))
        blocks = list(db.session.scalars(select(Block).where(Block.course_id == course.id).order_by(Block.number)))
        cases = {c.block_id: c for c in db.session.scalars(select(PracticalCase))}
        quizzes = {q.block_id: q for q in db.session.scalars(select(Quiz).where(Quiz.block_id.is_not(None)))}
        modules = [m.title for m in db.session.scalars(select(CourseModule).where(CourseModule.course_id == course.id)
                                                       .order_by(CourseModule.number))]
        graded = defaultdict(list)
        for block_id, version_id in db.session.execute(
                select(Question.block_id, func.max(QuestionVersion.id)).join(QuestionVersion)
                .where(Question.type.not_in(("essay", "description")), Question.is_hidden.is_(False))
                .group_by(Question.id, Question.block_id)):
            graded[block_id].append(version_id)
        self.course_id, self.blocks = course.id, blocks

        cohorts, cohort_of_service = [], {}
        cohort_ids = iter(w.ids("cohorts", 2 * len(self.service_ids)))
        past_start, current_start = self.today - timedelta(days=300), self.today - timedelta(days=45)
        for sid in self.service_ids:
            ids = (next(cohort_ids), next(cohort_ids))
            cohort_of_service[sid] = ids
            for cid, (name, start) in zip(ids, (("Поток 1", past_start), ("Поток 2", current_start)), strict=True):
                cohorts.append({"id": cid, "course_id": course.id, "regional_service_id": sid, "name": name,
                                "start_date": start, "deadline": start + timedelta(days=91), "is_sequential": False,
                                "is_auto_certificate": False, "created_by_id": self.hr[sid][0],
                                "created_at": datetime.combine(start, dtime(9), self.tz).astimezone(UTC)})
        w.put("cohorts", cohorts)
        w.put("cohort_teachers", ({"id": i, "cohort_id": c["id"], "user_id": self.teachers[c["regional_service_id"]]}
                                  for i, c in zip(w.ids("cohort_teachers", len(cohorts)), cohorts, strict=True)))

        # who is enrolled where, and how far they got
        plan = []  # (uid, cohort_id, blocks done, started on)
        bench_centre = self.centre_ids[0]
        for uid in self.employees:
            sid = self.user_service[uid]
            roll = rnd.random()
            if self.user_centre[uid] == bench_centre:  # the load test's learners: current cohort, block 14 untouched
                plan.append((uid, cohort_of_service[sid][1], rnd.randint(2, 13), current_start))
            elif roll < 0.4:
                plan.append((uid, cohort_of_service[sid][0], 14 if rnd.random() < 0.85 else rnd.randint(3, 13),
                             past_start))
            elif roll < 0.8:
                plan.append((uid, cohort_of_service[sid][1], rnd.randint(0, 13), current_start))
        done_total = sum(p[2] for p in plan)
        extra = max(0.0, min(2.0, self.n("attempts") / max(1, done_total) - 1.0))
        enrolment_ids = iter(w.ids("enrolments", len(plan)))
        enrolments, progress, attempts, slots, submissions, certificates = [], [], [], [], [], []
        self.completed: list[tuple[int, int, date]] = []
        attempt_ids = w.ids("attempts", int(done_total * (1 + extra) + len(plan) + 10))
        attempt_id = iter(attempt_ids)
        self.blocks_done_window: dict[int, int] = Counter()
        window_start = (self.today.replace(day=1) - timedelta(days=62)).replace(day=1)
        for uid, cohort_id, done, started in plan:
            eid = next(enrolment_ids)
            teacher = self.teachers[self.user_service[uid]]
            day = started
            completed_at = None
            for block in blocks[:done]:
                day = min(self.today - timedelta(days=1), day + timedelta(days=rnd.randint(1, 6)))
                opened = self.moment(day, day)
                passed_at = opened + timedelta(hours=rnd.randint(1, 48))
                accepted_at = passed_at + timedelta(hours=rnd.randint(1, 72))
                finished = max(passed_at, accepted_at)
                progress.append({"enrolment_id": eid, "block_id": block.id, "lesson_opened_at": opened,
                                 "lesson_done_at": opened + timedelta(minutes=25), "quiz_passed_at": passed_at,
                                 "case_accepted_at": accepted_at, "completed_at": finished})
                if finished.date() >= window_start:
                    self.blocks_done_window[uid] += 1
                quiz = quizzes[block.id]
                tries = 1 + (1 if rnd.random() < extra else 0) + (1 if rnd.random() < extra - 1 else 0)
                for no in range(1, tries + 1):
                    passed = no == tries
                    percent = float(rnd.randint(7, 10) * 10 if passed else rnd.randint(2, 6) * 10)
                    submitted = passed_at - timedelta(hours=(tries - no) * 2)
                    aid = next(attempt_id)
                    attempts.append({"id": aid, "quiz_id": quiz.id, "user_id": uid, "attempt_no": no,
                                     "started_at": submitted - timedelta(minutes=rnd.randint(5, 25)),
                                     "deadline_at": None, "submitted_at": submitted, "state": "finished",
                                     "finish_reason": "learner", "score": percent / 10, "max_score": 10.0,
                                     "percent": percent, "is_awaiting_grading": False, "is_passed": passed})
                    if rnd.random() < 0.05 and len(graded[block.id]) >= 10:
                        right = int(percent // 10)
                        for k, version_id in enumerate(rnd.sample(graded[block.id], 10), start=1):
                            slots.append({"attempt_id": aid, "slot_no": k, "question_version_id": version_id,
                                          "answer_order": {}, "response": {"choice": 0}, "saved_at": submitted,
                                          "checked_at": None, "max_mark": 1.0,
                                          "fraction": 1.0 if k <= right else 0.0, "is_awaiting_grading": False})
                case = cases.get(block.id)
                if case is not None:
                    submissions.append({"enrolment_id": eid, "block_id": block.id, "attempt_no": 1,
                                        "answer": "Разобрала ситуацию клиента по шагам: выслушала, уточнила, "
                                                  "предложила два варианта и договорилась о следующем контакте.",
                                        "submitted_at": passed_at, "status": "accepted",
                                        "points": rnd.randint(case.pass_points, case.max_points) if case.max_points
                                        else None, "graded_by_id": teacher, "graded_at": accepted_at})
                completed_at = finished
            if done < len(blocks) and done < 13 and rnd.random() < 0.5:  # the block they are reading now
                progress.append({"enrolment_id": eid, "block_id": blocks[done].id,
                                 "lesson_opened_at": self.moment(day), "lesson_done_at": None,
                                 "quiz_passed_at": None, "case_accepted_at": None, "completed_at": None})
            is_complete = done == len(blocks)
            enrolments.append({"id": eid, "course_id": course.id, "cohort_id": cohort_id, "user_id": uid,
                               "enrolled_at": datetime.combine(started, dtime(9), self.tz).astimezone(UTC),
                               "enrolled_by_id": self.hr[self.user_service[uid]][0],
                               "completed_at": completed_at if is_complete else None, "blocks_completed": done})
            if is_complete:
                self.completed.append((uid, eid, self.local_date(completed_at)))
        w.put("enrolments", enrolments)
        w.put("block_progress", ({"id": i, **row} for i, row in zip(w.ids("block_progress", len(progress)), progress,
                                                                     strict=True)))
        w.put("attempts", attempts)
        w.put("attempt_slots", ({"id": i, **row} for i, row in zip(w.ids("attempt_slots", len(slots)), slots,
                                                                    strict=True)))
        w.put("case_submissions", ({"id": i, **row} for i, row in
                                   zip(w.ids("case_submissions", len(submissions)), submissions, strict=True)))
        self.attempt_rows = attempts
        # course certificates for everybody who completed
        kinds = dict(db.session.execute(text("SELECT code, id FROM certificate_kinds")).all())
        self.kinds = kinds
        for uid, eid, completed_on in self.completed:
            certificates.append(self.certificate(kinds["course"], "СЗН", uid, f"enrolment:{eid}", completed_on,
                                                 course.title, enrolment_id=eid,
                                                 details={"modules": modules}, validity_years=3))
        self.pending_certificates = certificates

    def certificate(self, kind_id: int, prefix: str, uid: int, source_key: str, completed_on: date, title: str, *,
                    enrolment_id: int | None = None, details: dict | None = None,
                    validity_years: int | None = None) -> dict:
        from training.accounts.models import search_key

        sid = self.user_service[uid]
        region = self.region_code[sid]
        year = completed_on.year
        key = (prefix, region, year)
        self.counters[key] += 1
        number = f"{prefix}-{region}-{year}-{self.counters[key]:06d}"
        salt = f"{self.rnd.getrandbits(64):016x}"
        issued = datetime.combine(completed_on, dtime(15), self.tz).astimezone(UTC)
        expires = completed_on.replace(year=completed_on.year + validity_years) if validity_years else None
        if expires is not None and completed_on.month == 2 and completed_on.day == 29:
            expires = date(completed_on.year + validity_years, 2, 28)
        return {"kind_id": kind_id, "number": number, "verification_code": self.code(), "badge_code": self.code(),
                "source_key": source_key, "holder_id": uid, "holder_name": self.user_name[uid],
                "regional_service_id": sid, "centre_id": self.user_centre.get(uid), "enrolment_id": enrolment_id,
                "title": title[:300], "subtitle": "", "details": details or {}, "completed_on": completed_on,
                "issuer_name": f"Служба занятости субъекта № {region}", "signatory_name": "",
                "signatory_position": "", "issued_at": min(issued, self.now), "issued_by_id": None,
                "expires_on": expires, "revoked_at": None, "superseded_at": None, "superseded_by_id": None,
                "recipient_salt": salt,
                "recipient_hash": "sha256$" + hashlib.sha256((self.user_email[uid] + salt).encode()).hexdigest(),
                "search_text": search_key(self.user_name[uid], number)}

    # --- client feedback, follow-ups, IQS, operational reports, index snapshots ------------------------------

    def metrics(self) -> None:
        from training.measures.periods import MONTH, WEEK, period_of
        from training.metrics.feedback.aspects import aspects_for

        rnd, w = self.rnd, self.l
        touchpoints = [row[0] for row in db.session.execute(text("SELECT id FROM touchpoints ORDER BY sort_order, id"))]
        aspects = [a.code for a in aspects_for(None)]
        db.session.rollback()  # aspects_for opened a savepoint (and on SQLite a transaction): close it
        links, employee_links = [], []
        link_ids = w.ids("feedback_links", len(self.centre_ids) + len(self.employees))
        it = iter(link_ids)
        for cid in self.centre_ids:
            lid = next(it)
            links.append({"id": lid, "token": self.code(), "scope_key": f"c{cid}:t-:e-", "centre_id": cid,
                          "touchpoint_id": None, "employee_id": None, "is_active": True, "created_at": self.now})
            employee_links.append((lid, cid, None, None))
        for uid in self.employees:
            if self.user_dept[uid] != self.departments[self.user_centre[uid]]["front_office"]:
                continue
            lid, cid = next(it), self.user_centre[uid]
            tp = touchpoints[0] if touchpoints else None
            links.append({"id": lid, "token": self.code(), "scope_key": f"c{cid}:t{tp or '-'}:e{uid}", "centre_id": cid,
                          "touchpoint_id": tp, "employee_id": uid, "is_active": True, "created_at": self.now})
            employee_links.append((lid, cid, tp, uid))
        w.put("feedback_links", links)
        self.links = links

        n_feedback = self.n("feedback")
        feedback_ids = w.ids("client_feedback", n_feedback)
        scopes: dict[tuple[str, int], set[date]] = defaultdict(set)
        aspect_rows, tasks, contacts = [], [], []
        by_employee = [e for e in employee_links if e[3] is not None]

        def feedback_rows():
            for fid in feedback_ids:
                lid, cid, tp, uid = rnd.choice(by_employee) if by_employee and rnd.random() < 0.8 \
                    else rnd.choice(employee_links[: len(self.centre_ids)])
                if tp is None and touchpoints:
                    tp = rnd.choice(touchpoints)
                when = self.moment(self.year_start)
                day = self.local_date(when)
                recommend = min(10, max(0, round(rnd.gauss(8.9, 1.4))))
                ces = min(5, max(1, round(rnd.gauss(4.4, 0.7))))
                expectations = min(5, max(1, round(rnd.gauss(3.9, 0.8))))
                reasons = [name for name, low in (("recommend", recommend <= 6), ("expectations", expectations <= 1),
                                                  ("ces", ces <= 2)) if low]
                contact = bool(reasons) and rnd.random() < 0.15
                sid = self.centre_service[cid]
                did = self.user_dept.get(uid) if uid else None
                for scope in (("organisation", 0), ("service", sid), ("centre", cid), ("department", did),
                              ("employee", uid)):
                    if scope[1] is not None:
                        scopes[scope].add(day)
                if uid and rnd.random() < 0.3:
                    for code in aspects[:4]:
                        aspect_rows.append({"feedback_id": fid, "employee_id": uid, "aspect_code": code,
                                            "score": rnd.choices((2, 3, 4, 5), (1, 2, 4, 8))[0]})
                if reasons:
                    age = (self.today - day).days
                    status = "resolved" if age > 10 else ("in_progress" if age > 3 else "open")
                    tasks.append({"feedback_id": fid, "centre_id": cid, "reasons": reasons, "status": status,
                                  "created_at": when, "due_at": when + timedelta(days=3),
                                  "contacted_at": when + timedelta(days=1) if status != "open" else None,
                                  "is_contact_impossible": not contact, "notes": "",
                                  "resolution": "Связались, разобрались, извинились." if status == "resolved" else None,
                                  "resolved_at": when + timedelta(days=2) if status == "resolved" else None,
                                  "resolved_by_id": self.managers[cid] if status == "resolved" else None,
                                  "handled_by_id": self.managers[cid] if status != "open" else None})
                    if contact and status != "resolved":
                        contacts.append({"feedback_id": fid, "name": "Клиент", "phone": "+7 900 000-00-00",
                                         "created_at": when})
                yield {"id": fid, "link_id": lid, "regional_service_id": sid, "centre_id": cid, "department_id": did,
                       "employee_id": uid, "touchpoint_id": tp, "created_at": when, "local_date": day, "ces": ces,
                       "expectations": expectations, "recommend": recommend,
                       "comment": "Спасибо за помощь!" if rnd.random() < 0.05 else None,
                       "is_contact_requested": contact, "is_low": bool(reasons)}

        w.put("client_feedback", feedback_rows())
        w.put("client_aspect_scores", ({"id": i, **row} for i, row in
                                       zip(w.ids("client_aspect_scores", len(aspect_rows)), aspect_rows, strict=True)))
        w.put("follow_up_tasks", ({"id": i, **row} for i, row in
                                  zip(w.ids("follow_up_tasks", len(tasks)), tasks, strict=True)))
        w.put("contact_requests", ({"id": i, **row} for i, row in
                                   zip(w.ids("contact_requests", len(contacts)), contacts, strict=True)))
        self.low_tasks = len(tasks)

        # IQS: a manager reviews conversations of their centre's staff
        categories = db.session.execute(text("SELECT id, name, weight, is_critical FROM iqs_categories "
                                             "WHERE is_active ORDER BY sort_order, id")).all()
        n_iqs = self.n("iqs")
        assessments, items = [], []
        for aid in w.ids("iqs_assessments", n_iqs):
            uid = rnd.choice(self.employees)
            cid = self.user_centre[uid]
            day = self.local_date(self.moment(self.year_start))
            passed = [rnd.random() < (0.97 if c.is_critical else 0.85) for c in categories]
            critical = any(c.is_critical and not ok for c, ok in zip(categories, passed, strict=True))
            total = sum(c.weight for c in categories) or 1.0
            score = 0.0 if critical else 100.0 * sum(c.weight for c, ok in zip(categories, passed, strict=True)
                                                     if ok) / total
            assessments.append({"id": aid, "employee_id": uid, "reviewer_id": self.managers[cid],
                                "regional_service_id": self.centre_service[cid], "centre_id": cid,
                                "department_id": self.user_dept[uid], "touchpoint_id": None,
                                "conversation_date": day, "conversation_ref": "", "comment": "",
                                "score": round(score, 1), "is_critical_failed": critical,
                                "created_at": datetime.combine(day, dtime(16), self.tz).astimezone(UTC)})
            for c, ok in zip(categories, passed, strict=True):
                items.append({"assessment_id": aid, "category_id": c.id, "category_name": c.name, "weight": c.weight,
                              "is_critical": c.is_critical, "is_passed": ok})
            for scope in (("organisation", 0), ("service", self.centre_service[cid]), ("centre", cid),
                          ("department", self.user_dept[uid]), ("employee", uid)):
                scopes[scope].add(day)
        w.put("iqs_assessments", assessments)
        w.put("iqs_items", ({"id": i, **row} for i, row in zip(w.ids("iqs_items", len(items)), items, strict=True)))

        # operational reports: one per centre and month, the current month not yet uploaded
        months = self.months()
        reports = []
        for cid in self.centre_ids:
            size = len(self.staff_of[cid])
            for start in months[:-1]:
                end = period_of(MONTH, start).end
                channels = {code: max(0, int(rnd.gauss(share, share / 4)) * size)
                            for code, share in (("in_person", 40), ("call_centre", 25), ("portal", 15),
                                                ("trudvsem", 10), ("social", 4), ("email", 3))}
                total = sum(channels.values()) or 1
                resolved = int(total * rnd.uniform(0.80, 0.95))
                reports.append({"regional_service_id": self.centre_service[cid], "centre_id": cid,
                                "period_start": start, "period_end": end, "appeals_by_channel": channels,
                                "resolved": resolved, "resolved_first_contact": int(resolved * rnd.uniform(0.6, 0.85)),
                                "not_resolvable_first_contact": int(total * 0.05),
                                "escalated": int(total * rnd.uniform(0.02, 0.08)), "replies": int(total * 1.6),
                                "conversations": total, "ttfr_mean": rnd.uniform(20, 90), "ttfr_median":
                                rnd.uniform(15, 60), "ttfr_n": total // 3, "wait_mean": rnd.uniform(5, 25),
                                "wait_median": rnd.uniform(3, 15), "wait_n": channels["in_person"],
                                "services_total": int(total * 0.7), "services_on_time": int(total * 0.7 * 0.93),
                                "clients_active": size * 60, "clients_personal_support": size * 12,
                                "layout": "summary", "source_filename": f"ais-{start:%Y-%m}.xlsx",
                                "imported_at": datetime.combine(end + timedelta(days=3), dtime(10), self.tz)
                                .astimezone(UTC), "imported_by_id": self.hr[self.centre_service[cid]][0]})
                for scope in (("organisation", 0), ("service", self.centre_service[cid]), ("centre", cid)):
                    scopes[scope].update({start, end})
        w.put("operational_reports", ({"id": i, **row} for i, row in
                                      zip(w.ids("operational_reports", len(reports)), reports, strict=True)))

        # The snapshots data arrival leaves behind: one per scope and period with data. A live system computes
        # each right after the data arrives, so the history is written as computed (figures left empty: computing
        # ~2 million of them one by one is exactly what does not fit in a benchmark run, see federal_recompute.py).
        # Left stale, for federal_recompute.py to compute through `snapshots.refresh_stale()`: every centre's,
        # service's and the organisation's current month and week, and every period of the first centre (the
        # load test's dashboard), its departments and its service.
        current = {period_of(WEEK, self.today).start, period_of(MONTH, self.today).start}
        bench_centre = self.centre_ids[0]
        bench_scopes = {("centre", bench_centre), ("service", self.centre_service[bench_centre]),
                        *(("department", d) for d in self.departments[bench_centre].values())}
        computed_at = self.now - timedelta(hours=1)

        def snapshot_rows():
            for (kind, scope_id), days in scopes.items():
                periods = {period_of(k, d) for d in days for k in (WEEK, MONTH)}
                for p in sorted(periods):
                    if p.start > self.today:
                        continue
                    stale = (kind, scope_id) in bench_scopes or (
                        kind in ("organisation", "service", "centre") and p.start in current)
                    yield {"scope_kind": kind, "scope_id": scope_id, "period_kind": p.kind, "period_start": p.start,
                           "period_end": p.end, "data_version": 1, "computed_version": 0 if stale else 1,
                           "computed_at": None if stale else computed_at, "is_published": False, "weights": {},
                           "weights_label": "", "groups": {}, "indicators": {}, "figures": {}}

        rows = list(snapshot_rows())
        w.put("index_snapshots", ({"id": i, **row} for i, row in
                                  zip(w.ids("index_snapshots", len(rows)), rows, strict=True)))

    def months(self) -> list[date]:
        first = self.today.replace(day=1)
        out = []
        for back in range(11, -1, -1):
            y, m = first.year, first.month - back
            while m <= 0:
                y, m = y - 1, m + 12
            out.append(date(y, m, 1))
        return out

    # --- peer ratings (as the schema keeps them) --------------------------------------------------------------

    def peer_ratings(self) -> None:
        rnd, w = self.rnd, self.l
        aspects = db.session.execute(text("SELECT id, code FROM rating_aspects WHERE regional_service_id IS NULL "
                                          "AND is_active ORDER BY sort_order, id")).all()
        months = self.months()
        per_month = self.n("peer_ratings") // len(months)
        pairs: dict[tuple[int, int], datetime] = {}
        totals: dict[tuple[int, int], list[int]] = defaultdict(lambda: [0, 0])
        staff = [u for u in self.employees if len(self.staff_of[self.user_centre[u]]) > 1]
        sums_written = 0
        self.peer_events = 0
        for start in months:
            end = (start + timedelta(days=32)).replace(day=1) - timedelta(days=1)
            last = min(end, self.today)
            sums: dict[tuple[int, str], list[float]] = defaultdict(lambda: [0.0, 0.0, 0])
            seen: set[tuple[int, int]] = set()
            tries = 0
            while len(seen) < per_month and tries < 3 * per_month:
                tries += 1
                rater = rnd.choice(staff)
                rated = rnd.choice(self.staff_of[self.user_centre[rater]])
                if rated == rater or (rater, rated) in seen:  # one rating per pair in 30 days
                    continue
                seen.add((rater, rated))
                self.peer_events += 1
                pairs[(rater, rated)] = self.moment(start, last)
                lenient = 0.4 if rater % 3 == 0 else 0.0
                for aspect_id, code in aspects:
                    score = min(5, max(1, round(rnd.gauss(4.0 + lenient, 0.8))))
                    total = totals[(rated, aspect_id)]
                    total[0] += score
                    total[1] += 1
                    entry = sums[(rated, code)]
                    entry[0] += score
                    entry[1] += score - (4.0 + lenient)
                    entry[2] += 1
            rows = ({"rated_id": rated, "aspect_code": code, "month": start, "weight_sum": float(n),
                     "centred_sum": centred, "shrink_sum": float(n), "raw_sum": raw, "rating_count": n}
                    for (rated, code), (raw, centred, n) in sums.items())
            ids = iter(w.ids("competence_peer_sums", len(sums)))
            sums_written += w.put("competence_peer_sums", ({"id": next(ids), **row} for row in rows))
        w.put("peer_rating_pairs", ({"id": i, "rater_id": a, "rated_id": b, "last_rated_at": when}
                                    for i, ((a, b), when) in zip(w.ids("peer_rating_pairs", len(pairs)), pairs.items(),
                                                                 strict=True)))
        w.put("peer_rating_totals", ({"id": i, "rated_id": rated, "aspect_id": aspect, "score_sum": s, "score_count": n}
                                     for i, ((rated, aspect), (s, n)) in
                                     zip(w.ids("peer_rating_totals", len(totals)), totals.items(), strict=True)))

    # --- recognition: contests, votes, awards, diplomas, thanks, client votes ------------------------------------

    def recognition(self) -> None:
        rnd, w = self.rnd, self.l
        months = self.months()
        contests, votes, awards = [], [], []
        contest_ids = iter(w.ids("recognition_contests", len(self.centre_ids) * len(months)))
        diplomas = []
        for cid in self.centre_ids:
            members = self.staff_of[cid]
            sid = self.centre_service[cid]
            for start in months:
                period = f"{start:%Y-%m}"
                contest_id = next(contest_ids)
                is_open = start == months[-1]
                opened = datetime.combine(start, dtime(9), self.tz).astimezone(UTC)
                tally: dict[int, list] = {}
                turnout = 0.3 if is_open else 0.55
                favourites = rnd.sample(members, min(3, len(members)))
                if len(members) > 1:
                    for voter in members:
                        if rnd.random() > turnout:
                            continue
                        nominee = rnd.choice(favourites) if rnd.random() < 0.6 else rnd.choice(members)
                        if nominee == voter:
                            continue
                        when = self.moment(start, min(self.today, (start + timedelta(days=27))))
                        votes.append({"contest_id": contest_id, "voter_id": voter, "nominee_id": nominee,
                                      "reason": "", "created_at": when, "updated_at": when})
                        entry = tally.setdefault(nominee, [0, when])
                        entry[0] += 1
                        entry[1] = max(entry[1], when)
                results = None
                closed_at = None
                if not is_open:
                    closed_at = datetime.combine((start + timedelta(days=32)).replace(day=1), dtime(3),
                                                 self.tz).astimezone(UTC)
                    results = self.results(cid, period, tally, closed_at, len(members))
                    winner = results["winners"]["title"]
                    if winner:
                        for kind in ("title", "colleagues"):
                            awards.append({"contest_id": contest_id, "user_id": winner["user_id"], "centre_id": cid,
                                           "kind": kind, "title": AWARD_TITLES[kind], "period": period,
                                           "certificate_id": None, "created_at": closed_at})
                        diplomas.append(self.certificate(
                            self.kinds["employee_of_month"], "ДПЛ", winner["user_id"],
                            f"recognition:contest:{contest_id}:title", self.local_date(closed_at),
                            "Самый клиентоцентричный сотрудник месяца"))
                contests.append({"id": contest_id, "regional_service_id": sid, "centre_id": cid, "department_id": None,
                                 "scope_key": f"c{cid}", "period": period, "status": "open" if is_open else "closed",
                                 "opened_by_id": self.managers[cid], "opened_at": opened,
                                 "closed_by_id": None, "closed_at": closed_at, "results": results})
        w.put("recognition_contests", contests)
        w.put("recognition_colleague_votes", ({"id": i, **row} for i, row in
                                              zip(w.ids("recognition_colleague_votes", len(votes)), votes,
                                                  strict=True)))
        w.put("recognition_awards", ({"id": i, **row} for i, row in
                                     zip(w.ids("recognition_awards", len(awards)), awards, strict=True)))
        certificates = self.pending_certificates + diplomas
        w.put("certificates", ({"id": i, **row} for i, row in
                               zip(w.ids("certificates", len(certificates)), certificates, strict=True)))
        w.put("certificate_counters", ({"id": i, "prefix": k[0], "region_code": k[1], "year": k[2], "last_value": v}
                                       for i, (k, v) in zip(w.ids("certificate_counters", len(self.counters)),
                                                            self.counters.items(), strict=True)))
        thanks = []
        for _ in range(self.n("thanks")):
            giver = rnd.choice(self.employees)
            recipient = rnd.choice(self.staff_of[self.user_centre[giver]])
            if recipient != giver:
                thanks.append({"giver_id": giver, "recipient_id": recipient,
                               "regional_service_id": self.user_service[giver], "text": "Спасибо за помощь с клиентом!",
                               "is_from_manager": giver == self.managers[self.user_centre[giver]],
                               "created_at": self.moment(self.year_start)})
        w.put("recognition_thanks", ({"id": i, **row} for i, row in
                                     zip(w.ids("recognition_thanks", len(thanks)), thanks, strict=True)))
        client_votes = []
        front = [link for link in self.links if link["employee_id"]]
        for k in range(self.n("client_votes") if front else 0):
            link = rnd.choice(front)
            when = self.moment(self.year_start)
            uid = link["employee_id"]
            client_votes.append({"employee_id": uid, "centre_id": link["centre_id"],
                                 "department_id": self.user_dept[uid], "window_index": int(when.timestamp()) // 600,
                                 "device_hash": f"{k:064x}", "address_hash": None, "comment": "",
                                 "created_at": when})
        w.put("recognition_client_votes", ({"id": i, **row} for i, row in
                                           zip(w.ids("recognition_client_votes", len(client_votes)), client_votes,
                                               strict=True)))

    def results(self, cid: int, period: str, tally: dict[int, list], closed_at: datetime, members: int) -> dict:
        """The frozen snapshot of a closed contest, in the shape recognition.services.build_results stores."""
        from training.gamification.contests.services import RULE_VERSION, TIE_BREAK_RULE, TITLE_RULE
        from training.gamification.periods import period_label

        ordered = sorted(tally.items(), key=lambda kv: (-kv[1][0], kv[1][1]))
        total = sum(v[0] for _, v in ordered) or 1
        rows, rank, previous = [], 0, None
        for position, (uid, (count, last)) in enumerate(ordered, start=1):
            if count != previous:
                rank, previous = position, count
            rows.append({"position": position, "rank": rank, "user_id": uid, "name": self.user_name[uid],
                         "job_title": "", "department": "", "votes": count, "voters": count,
                         "share": round(count * 100 / total, 1), "last_vote_at": last.isoformat()})
        winner = {k: rows[0][k] for k in ("user_id", "name", "votes", "voters")} if rows else None
        centre_name = f"ЦЗН ({cid})"
        return {"rule_version": RULE_VERSION, "tie_break_rule": TIE_BREAK_RULE, "title_rule": TITLE_RULE,
                "scope": centre_name, "centre": centre_name, "department": None, "period": period,
                "period_label": period_label(period), "closed_at": closed_at.isoformat(), "eligible_voters": members,
                "colleague_voters": sum(v[0] for _, v in ordered), "client_votes": 0, "colleagues": rows,
                "clients": [], "winners": {"colleagues": winner, "clients": None, "title": winner},
                "tie_breaks": {"colleagues": None, "clients": None},
                "analysis": {"table": [], "both": [], "colleagues_only": [], "clients_only": [],
                             "summary": "Сравнение невозможно: в одном из направлений нет голосов."}}

    # --- engagement: quests, «Стресс месяца», library, committee -------------------------------------------------

    def engagement(self) -> None:
        rnd, w = self.rnd, self.l
        months = self.months()
        quests, teams, members, checkpoints, scores = [], [], [], [], []
        for sid in self.service_ids:
            centres = [c for c in self.centre_ids if self.centre_service[c] == sid][:3]
            for cid in centres:
                people = [u for u in self.staff_of[cid]]
                if len(people) < 6:
                    continue
                qid = w.ids("quests", 1)[0]
                held = self.today - timedelta(days=rnd.randint(20, 300))
                n_teams = min(4, len(people) // 3)
                team_ids = list(w.ids("quest_teams", n_teams))
                cp_ids = list(w.ids("quest_checkpoints", 3))
                rnd.shuffle(people)
                ranking = []
                for t, tid in enumerate(team_ids):
                    teams.append({"id": tid, "quest_id": qid, "name": f"Команда {t + 1}", "created_at": self.now})
                    squad = people[t::n_teams][:8]
                    members += [{"quest_id": qid, "team_id": tid, "user_id": u} for u in squad]
                    points = 0
                    for cp in cp_ids:
                        p = rnd.randint(0, 10)
                        points += p
                        scores.append({"quest_id": qid, "checkpoint_id": cp, "team_id": tid, "points": p,
                                       "comment": "", "instructor_id": self.managers[cid], "revision": 1,
                                       "created_at": self.now, "updated_at": self.now})
                    ranking.append({"team_id": tid, "name": f"Команда {t + 1}", "points": points, "member_ids": squad,
                                    "member_names": [self.user_name[u] for u in squad]})
                ranking.sort(key=lambda r: -r["points"])
                for position, row in enumerate(ranking, start=1):
                    row["rank"] = position
                checkpoints += [{"id": cp, "quest_id": qid, "number": k + 1, "title": f"Этап {k + 1}",
                                 "kind": "question", "task": "", "max_points": 10, "quiz_id": None}
                                for k, cp in enumerate(cp_ids)]
                closed = datetime.combine(held, dtime(18), self.tz).astimezone(UTC)
                quests.append({"id": qid, "regional_service_id": sid, "centre_id": cid, "title": "Квест «Путь клиента»",
                               "description": "", "format": "quest", "held_on": held, "status": "closed",
                               "organiser_id": self.hr[sid][0], "version": len(cp_ids) * n_teams,
                               "created_at": closed - timedelta(days=10), "started_at": closed - timedelta(hours=3),
                               "closed_at": closed, "final_ranking": ranking})
        w.put("quests", quests)
        w.put("quest_teams", teams)
        w.put("quest_team_members", ({"id": i, **row} for i, row in
                                     zip(w.ids("quest_team_members", len(members)), members, strict=True)))
        w.put("quest_checkpoints", checkpoints)
        w.put("quest_scores", ({"id": i, **row} for i, row in
                               zip(w.ids("quest_scores", len(scores)), scores, strict=True)))
        stress_months, items, measures = [], [], []
        for sid in self.service_ids:
            for start in months:
                mid = w.ids("stress_months", 1)[0]
                archived = start != months[-1]
                stress_months.append({"id": mid, "regional_service_id": sid, "month": f"{start:%Y-%m}",
                                      "vote_salt": None if archived else f"{rnd.getrandbits(128):032x}",
                                      "archived_at": datetime.combine((start + timedelta(days=35)).replace(day=1),
                                                                      dtime(10), self.tz).astimezone(UTC)
                                      if archived else None, "archived_by_id": self.hr[sid][0] if archived else None})
                for _ in range(3):
                    items.append({"id": f"{rnd.getrandbits(96):024x}", "month_id": mid, "centre_id": None,
                                  "text": "Очередь к терминалу по утрам", "source": "staff",
                                  "posted_on": start + timedelta(days=rnd.randint(0, 20)),
                                  "plus_count": rnd.randint(0, 30), "is_hidden": False})
                owner = rnd.choice([u for c in self.centre_ids[:1] for u in self.staff_of[c]]
                                   if sid == self.service_ids[0] else
                                   [self.managers[c] for c in self.centre_ids if self.centre_service[c] == sid])
                done = archived and rnd.random() < 0.7
                measures.append({"month_id": mid, "item_id": None, "text": "Второй терминал в холле", "owner_id": owner,
                                 "status": "done" if done else "planned", "due_on": None,
                                 "created_by_id": self.hr[sid][0], "created_at": self.now, "updated_at": self.now,
                                 "done_at": self.moment(start, min(self.today, start + timedelta(days=27)))
                                 if done else None})
        w.put("stress_months", stress_months)
        w.put("stress_items", items)
        w.put("stress_measures", ({"id": i, **row} for i, row in
                                  zip(w.ids("stress_measures", len(measures)), measures, strict=True)))
        library = []
        for _ in range(self.n("library")):
            author = rnd.choice(self.employees)
            when = self.moment(self.year_start)
            kind = "lifehack" if rnd.random() < 0.4 else "case"
            library.append({"regional_service_id": self.user_service[author], "centre_id": self.user_centre[author],
                            "author_id": author, "kind": kind, "title": "Как объяснить пособие за минуту",
                            "situation": "Клиент не понимает расчёт пособия.", "action": "Нарисовали на листке.",
                            "result": "Клиент понял и поблагодарил.", "client_group_id": None, "touchpoint_id": None,
                            "status": "published", "moderation_comment": "", "moderated_by_id": None,
                            "moderated_at": when, "published_at": when, "created_at": when, "updated_at": when,
                            "search_text": "как объяснить пособие за минуту"})
        w.put("library_cases", ({"id": i, **row} for i, row in
                                zip(w.ids("library_cases", len(library)), library, strict=True)))


def build(database_url: str, scale: float, seed: int, today: date) -> tuple[Loader, dict[str, float]]:
    from seeds import reference
    from seeds.course_loader import load_course

    app = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=database_url)
    phases: dict[str, float] = {}
    with app.app_context():
        started = time.perf_counter()
        db.create_all()
        reference.run()
        load_course()
        db.session.commit()
        phases["schema, reference data, course (seeds/course)"] = time.perf_counter() - started
        loader = Loader()
        gen = Generator(loader, scale, seed, today)
        for name, step in (("organisation and staff", gen.organisation), ("course", gen.course),
                           ("metrics", gen.metrics), ("peer ratings", gen.peer_ratings),
                           ("recognition and certificates", gen.recognition), ("engagement", gen.engagement)):
            started = time.perf_counter()
            step()
            db.session.rollback()  # end the ORM reads' transaction: an open SQLite snapshot stops WAL checkpoints
            phases[name] = time.perf_counter() - started
        started = time.perf_counter()
        loader.finish()
        phases["sequences + ANALYZE"] = time.perf_counter() - started
        phases["peer rating events (count)"] = gen.peer_events
        db.session.remove()
        db.engine.dispose()
    return loader, phases


def database_size(url: str) -> str:
    if url.startswith("sqlite"):
        path = Path(make_url(url).database)
        size = sum(p.stat().st_size for p in path.parent.glob(path.name + "*"))
    else:
        import psycopg

        plain = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
        with psycopg.connect(plain) as conn:
            size = conn.execute("SELECT pg_database_size(current_database())").fetchone()[0]
    return f"{size / 2**20:,.0f} MiB"


def target_url(args) -> str:
    """The database to fill: a SQLite file, or a (re)created PostgreSQL database next to the server URL."""
    if args.target:  # the URL load.py takes: sqlite:////path, or postgresql://…/name (created beside «postgres»)
        target = make_url(args.target)
        if target.get_backend_name() == "sqlite":
            args.sqlite = target.database
        else:
            args.database_url = target.set(database="postgres").render_as_string(hide_password=False)
            args.database = target.database
    if args.database_url:
        import psycopg

        base = make_url(args.database_url).set(drivername="postgresql")
        name = args.database or f"federal_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(base.render_as_string(hide_password=False), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
        return base.set(database=name).render_as_string(hide_password=False)
    path = Path(args.sqlite).resolve()
    path.parent.mkdir(parents=True, exist_ok=True)
    for old in path.parent.glob(path.name + "*"):
        old.unlink()
    return f"sqlite:///{path}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--sqlite", help="SQLite file to (re)create")
    where.add_argument("--database-url", help="PostgreSQL server URL; the database --database is (re)created")
    where.add_argument("--target", help="the database URL as load.py takes it (sqlite:////path or "
                                        "postgresql://…/name), (re)created")
    parser.add_argument("--database", default="federal_bench", help="PostgreSQL database name (dropped first)")
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the federal volumes (0.1: a tenth)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--today", type=date.fromisoformat, default=None, help="the data's today (YYYY-MM-DD)")
    args = parser.parse_args()
    from training.measures.periods import local_today

    url = target_url(args)
    today = args.today or local_today()
    started = time.perf_counter()
    loader, phases = build(url, args.scale, args.seed, today)
    elapsed = time.perf_counter() - started
    print(f"federal data set: scale {args.scale}, seed {args.seed}, today {today}, "
          f"{'PostgreSQL' if loader.is_pg else 'SQLite'}")
    print(f"  database: {make_url(url).render_as_string(hide_password=True)}")
    print(f"  {'table':<34} {'rows':>12} {'seconds':>9}")
    for table, count in sorted(loader.counts.items(), key=lambda kv: -kv[1]):
        print(f"  {table:<34} {count:>12,} {loader.seconds[table]:>9.1f}")
    print(f"  {'rows in all':<34} {sum(loader.counts.values()):>12,}")
    for name, value in phases.items():
        print(f"  phase {name:<40} {value:>10.1f}")
    print(f"  total {elapsed:.1f} s; database size {database_size(url)}")


if __name__ == "__main__":
    main()
