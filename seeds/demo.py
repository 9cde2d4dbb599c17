"""Demo organisation: one region, its employment service, 3 centres and ~60 staff in every role.

For development and demonstrations only. The staff go through the real importer (training.org.importer),
so the demo also exercises it. Idempotent: matched by personnel number."""
from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta

from flask import current_app
from sqlalchemy import func, select

from training.accounts.models import Role, User
from training.accounts.passwords import hash_password
from training.accounts.services import set_public_consent
from training.accounts.staff.importer import TEMPLATE_HEADER, import_staff
from training.certificates import services as certificates
from training.competence import services as competence
from training.courses.models import Block, Cohort, Course, Enrolment, Stage
from training.courses.services import complete_stage, create_cohort, enrol
from training.extensions import db
from training.gamification.committee import services as committee
from training.gamification.contests import services as contests
from training.gamification.contests.models import Contest
from training.gamification.library import services as library
from training.gamification.library.models import LibraryCase
from training.gamification.periods import current_period
from training.gamification.pulse import services as pulse
from training.gamification.pulse.models import PulseRound, PulseSchedule, PulseSurvey
from training.gamification.quests import services as quests
from training.gamification.quests.models import Quest, QuestFormat
from training.gamification.ratings import services as ratings
from training.gamification.ratings.models import PeerRatingPair
from training.gamification.stress import services as stress
from training.gamification.stress.models import MeasureStatus, StressItem
from training.measures.periods import local_today
from training.metrics.centre_index import regional_checklist, snapshots
from training.metrics.centre_index.models import RegionalChecklistAnswer
from training.metrics.feedback import channels, mentions
from training.metrics.feedback import services as feedback
from training.metrics.feedback.aspects import CSI_PARAMETERS, aspects_for
from training.metrics.feedback.channel_models import PaperSheet
from training.metrics.feedback.models import ClientFeedback
from training.metrics.operations import comfort, iqs
from training.metrics.operations import services as operations
from training.metrics.operations.models import IqsAssessment, OperationalReport, ReportLayout
from training.org.models import Centre, Region, RegionalService
from training.tabular import csv_bytes
from training.templating import DISPLAY_TZ

DEMO_PASSWORD = "demo-szn-2026"  # noqa: S105  (published in the README: demo data only)
REGION_CODE, REGION_NAME = "52", "Нижегородская область"
#: «(демо)» in the service's and the centres' names tells every page that the figures are demo data
SERVICE = "Управление занятости населения Нижегородской области (демо)"
CENTRES = ["ЦЗН г. Нижнего Новгорода (демо)", "ЦЗН г. Дзержинска (демо)", "ЦЗН г. Арзамаса (демо)"]
FEEDBACK_DAYS = 91  # three months of client feedback and operational data behind the dashboards
REFUSED_IN_PRODUCTION = "Демо-данные не загружаются в рабочую базу (DEMO_DATA_ALLOWED выключен в рабочей конфигурации)."
DEPARTMENTS = [("Руководство", "руководство"), ("Фронт-офис", "фронт-офис"), ("Бэк-офис", "бэк-офис"),
               ("Колл-центр", "колл-центр")]
# (e-mail, personnel number, full name, position, centre index or None, department, roles)
DEMO_LOGINS = [
    ("admin@demo.szn.local", "D0001", "Администраторов Алексей Сергеевич", "Системный администратор", None, "",
     "администратор, сотрудник"),
    ("hr@demo.szn.local", "D0002", "Кадрова Наталья Викторовна", "Начальник отдела кадров", None, "",
     "кадровая служба, сотрудник"),
    ("manager@demo.szn.local", "D0003", "Руководов Игорь Павлович", "Директор ЦЗН", 0, "Руководство",
     "руководитель ЦЗН, сотрудник"),
    ("teacher@demo.szn.local", "D0004", "Учителева Ольга Николаевна", "Методист-преподаватель", 0, "Бэк-офис",
     "преподаватель, сотрудник"),
    ("employee@demo.szn.local", "D0005", "Сотрудникова Анна Игоревна", "Ведущий инспектор", 0, "Фронт-офис",
     "сотрудник"),
]
SURNAMES = ["Иванов", "Смирнов", "Кузнецов", "Попов", "Васильев", "Петров", "Соколов", "Михайлов", "Новиков",
            "Фёдоров", "Морозов", "Волков", "Алексеев", "Лебедев", "Семёнов", "Егоров", "Павлов", "Козлов",
            "Степанов", "Николаев", "Орлов", "Андреев", "Макаров", "Никитин", "Захаров"]
MALE = [("Александр", "Александрович"), ("Дмитрий", "Дмитриевич"), ("Сергей", "Сергеевич"), ("Андрей", "Андреевич"),
        ("Михаил", "Михайлович"), ("Павел", "Павлович"), ("Илья", "Ильич"), ("Никита", "Никитич")]
FEMALE = ["Елена", "Ольга", "Татьяна", "Наталья", "Ирина", "Светлана", "Мария", "Анна", "Юлия", "Екатерина"]
FEMALE_PATRONYMICS = ["Александровна", "Дмитриевна", "Сергеевна", "Андреевна", "Михайловна", "Павловна",
                      "Игоревна", "Викторовна"]
POSITIONS = {"Фронт-офис": ["Ведущий инспектор", "Инспектор", "Специалист по работе с работодателями"],
             "Бэк-офис": ["Главный специалист", "Ведущий специалист", "Аналитик"],
             "Колл-центр": ["Оператор колл-центра", "Старший оператор"],
             "Руководство": ["Заместитель директора"]}
#: the optional indicators the importer's template leaves empty (services on time, personal support), per month
OPERATIONS_EXTRA = {"Услуг оказано": 1500, "Из них в установленный срок": 1410, "Активных клиентов": 2200,
                    "Из них с персональным сопровождением": 1350}
STRESS_POSTS = [("Клиент требовал выплату, которую отменили в прошлом месяце, и кричал в зале.", 0),
                ("Электронная очередь зависла утром, люди ждали больше часа.", 0),
                ("Звонки на колл-центр идут без перерыва, некогда записать обращение.", 1),
                ("Одну и ту же справку просим приносить дважды: клиенты злятся.", 2),
                ("Не хватает переговорной для трудных разговоров.", 1)]
#: (internal text, status, text for clients): only a done measure with a text for clients reaches the thank-you page
STRESS_MEASURES = [("Памятка об изменениях выплат у каждого окна и в чате центра", MeasureStatus.DONE,
                    "У каждого окна теперь лежит памятка: какие выплаты изменились и с какого числа"),
                   ("Резервная запись на приём на бумаге, пока очередь не работает", MeasureStatus.IN_PROGRESS,
                    "Если электронная очередь не работает, администратор запишет вас на приём вручную"),
                   ("Автоответ колл-центра с частыми вопросами", MeasureStatus.PLANNED, None)]
QUEST_CHECKPOINTS = [("Встреча у входа", "question", "Как встретить клиента, который не знает, куда идти?"),
                     ("Разбор жалобы", "case", "Клиент недоволен отказом: проведите разговор по шагам."),
                     ("Понятный ответ", "exercise", "Перепишите письмо клиенту простым языком.")]
LIBRARY_CASES = [
    ("case", "Пенсионер и электронная очередь",
     "Пожилой клиент не смог взять талон в терминале и простоял у входа полчаса.",
     "Администратор зала стал встречать посетителей у терминала в часы пик и брать талон вместе с ними.",
     "Жалоб на терминал за месяц не было, ожидание у входа сократилось."),
    ("lifehack", "Список документов в сообщении",
     "Клиенты приходили без нужных справок и записывались повторно.",
     "После записи специалист отправляет короткое сообщение с перечнем документов и адресом кабинета.",
     "Повторных визитов из-за документов стало заметно меньше."),
    ("case", "Разговор после отказа в выплате",
     "Клиентка восприняла отказ как несправедливость и грозила жалобой.",
     "Специалист объяснил причину простыми словами, показал, что можно сделать, и записал на консультацию.",
     "Клиентка подала документы на другую меру поддержки и оставила хороший отзыв."),
    ("lifehack", "Тихий час колл-центра",
     "Операторы не успевали фиксировать обращения между звонками.",
     "Каждый час пять минут без входящих: операторы дописывают карточки обращений.",
     "Потерянных обращений не стало, время ответа почти не выросло."),
]
VOTE_REASONS = ["Всегда выручает коллег с трудными клиентами.", "Навела порядок в очереди на приём.",
                "Спокойно разбирает жалобы и объясняет понятно.", ""]
COMMENTS_GOOD = ["Всё объяснили спокойно и по делу.", "Записали на удобное время, ждать не пришлось.",
                 "Специалист сам перезвонил и напомнил про документы.", "Быстро подобрали вакансии."]
COMMENTS_LOW = ["Долго ждал в очереди.", "Пришлось приходить дважды из-за одной справки.",
                "По телефону не дозвониться."]


def _people() -> list[list[str]]:
    rnd = random.Random(2026)
    rows: list[list[str]] = []
    for email, number, name, position, centre_index, department, roles in DEMO_LOGINS:
        rows.append(_row(centre_index, department, number, name, position, email, date(2018, 3, 1), roles))
    number = 100
    for centre_index in range(len(CENTRES)):
        for i in range(19 if centre_index else 15):
            number += 1
            surname = rnd.choice(SURNAMES)
            if rnd.random() < 0.7:
                name = f"{surname}а {rnd.choice(FEMALE)} {rnd.choice(FEMALE_PATRONYMICS)}"
            else:
                first, patronymic = rnd.choice(MALE)
                name = f"{surname} {first} {patronymic}"
            department = "Руководство" if i == 0 else rnd.choice(["Фронт-офис", "Фронт-офис", "Бэк-офис", "Колл-центр"])
            roles = "руководитель ЦЗН, сотрудник" if (i == 0 and centre_index) else "сотрудник"
            if i == 1:
                roles = "преподаватель, сотрудник"
            position = "Директор ЦЗН" if roles.startswith("руководитель") else rnd.choice(POSITIONS[department])
            hired = date(rnd.randint(2008, 2025), rnd.randint(1, 12), rnd.randint(1, 28))
            rows.append(_row(centre_index, department, f"D{number:04d}", name, position,
                             f"staff{number}@demo.szn.local", hired, roles))
    return rows


def _row(centre_index, department, number, name, position, email, hired, roles) -> list[str]:
    kinds = dict(DEPARTMENTS)
    centre = CENTRES[centre_index] if centre_index is not None else ""
    return [REGION_CODE, REGION_NAME, SERVICE, centre, department, kinds.get(department, ""), number, name,
            position, email, hired.strftime("%d.%m.%Y"), roles]


class DemoRefused(RuntimeError):
    """The production configuration never loads demo data."""


def run(only_if_empty: bool = False, today: date | None = None) -> list[tuple[str, str]] | None:
    """Load the demo region (idempotent: a second run changes nothing). ``today`` fixes the dates (default: the
    local date), so a run is deterministic. Commits: the figures are recomputed from committed data at the end."""
    if not current_app.config.get("DEMO_DATA_ALLOWED", True):
        raise DemoRefused(REFUSED_IN_PRODUCTION)
    today = today or local_today()
    if only_if_empty and db.session.scalar(select(func.count()).select_from(User)):
        return None
    admin = db.session.scalar(select(User).where(User.email == DEMO_LOGINS[0][0]))
    if admin is None:
        # The importer needs an acting administrator: create the region, its service and the administrator
        # first; the file then matches the administrator by personnel number and changes nothing.
        region = db.session.scalar(select(Region).where(Region.code == REGION_CODE)) or Region(
            code=REGION_CODE, name=REGION_NAME)
        service = db.session.scalar(select(RegionalService).where(RegionalService.name == SERVICE)) or \
            RegionalService(name=SERVICE, region=region)
        db.session.add(service)
        db.session.flush()
        email, number, name, position, *_ = DEMO_LOGINS[0]
        admin = User(email=email, personnel_number=number, full_name=name, position=position,
                     regional_service_id=service.id, hire_date=date(2018, 3, 1))
        admin.set_roles({Role.ADMIN, Role.EMPLOYEE})
        db.session.add(admin)
        db.session.flush()
    import_staff(admin, "demo.csv", csv_bytes(TEMPLATE_HEADER, _people()))
    for email, *_ in DEMO_LOGINS:
        user = db.session.scalar(select(User).where(User.email == email))
        if user.must_change_password or user.password_hash is None:
            user.password_hash = hash_password(DEMO_PASSWORD)
            user.must_change_password = False
            user.one_time_password_expires_at = None
    db.session.flush()
    _demo_consents()
    _demo_signatory()
    _demo_cohort(admin, today)
    _demo_week(today)
    hr = db.session.scalar(select(User).where(User.email == DEMO_LOGINS[1][0]))
    _demo_feedback(today)
    _demo_operations(hr, today)
    _demo_contests(today)
    _demo_stress(hr)
    _demo_quests(today)
    _demo_peer_ratings(today)
    _demo_library()
    _demo_pulse(hr, today)
    _demo_iqs(hr, today)
    _demo_checklists(hr, today)
    _demo_channels(hr, today)
    db.session.commit()
    _recompute(today)
    return demo_logins_if_present()


def _demo_consents() -> None:
    """Most demo staff agree to be named on boards and results (a few do not, as in life); once per person."""
    for user in db.session.scalars(select(User).where(User.personnel_number.like("D%"),
                                                      User.consent_updated_at.is_(None))):
        if user.email in {e for e, *_ in DEMO_LOGINS} or random.Random(user.personnel_number).random() < 0.85:
            set_public_consent(user, True)


def _demo_centres() -> list[Centre]:
    return list(db.session.scalars(select(Centre).where(Centre.name.in_(CENTRES)).order_by(Centre.id)))


def _mark(rnd: random.Random, low: int, high: int, lift: int) -> int:
    return min(high, max(low, rnd.randint(low, high) + lift))


def _demo_feedback(today: date) -> None:
    """Three months of client answers to the specialists' QR links, each proved by the specialist's visit code
    (as a real client's): the follow-ups of low scores, the aspects and the index's inputs are filled by the
    services. Skipped when the demo centres already have feedback."""
    centres = _demo_centres()
    if not centres or db.session.scalar(select(ClientFeedback.id).where(
            ClientFeedback.centre_id.in_([c.id for c in centres])).limit(1)):
        return
    rnd = random.Random(14)
    csi_rnd = random.Random(24)  # CSI marks from their own stream: the other answers stay as they were
    aspect_codes = None
    for centre_no, centre in enumerate(centres):
        staff = list(db.session.scalars(select(User).where(User.centre_id == centre.id, User.is_active)
                                        .order_by(User.personnel_number)))
        front = [u for u in staff if u.position and ("инспектор" in u.position.lower()
                                                     or "оператор" in u.position.lower())][:5] or staff[:5]
        if aspect_codes is None:
            aspect_codes = [a.code for a in aspects_for(centre.regional_service_id)]
        links = [feedback.link_for(centre, employee=u) for u in front]
        mood = (0.0, -0.6, 0.5)[centre_no % 3]  # centres differ, so the comparison tells something
        for offset in range(FEEDBACK_DAYS, 0, -1):
            day = today - timedelta(days=offset)
            if day.weekday() >= 5:
                continue
            for n in range(rnd.randint(1, 3)):
                link = rnd.choice(links)
                at = datetime.combine(day, time(9 + 2 * n, rnd.randint(0, 59)), DISPLAY_TZ).astimezone(UTC)
                good = rnd.random() < 0.82 + mood * 0.1
                lift = 1 if good else -1
                code, _ = contests.current_code(link.employee, at)
                contests.use_code_for_feedback([link.employee_id], code, at)
                feedback.submit_feedback(
                    link, now=at, ces=_mark(rnd, 2, 5, lift),
                    expectations=_mark(rnd, 2, 5, lift) if good else rnd.randint(1, 3),
                    recommend=rnd.randint(7, 10) if good else rnd.randint(2, 7),
                    csat=_mark(rnd, 3, 5, lift) if good else 2,
                    specialist_satisfaction=_mark(rnd, 3, 5, lift) if good else rnd.randint(2, 4),
                    aspects={code_: _mark(rnd, 3, 5, lift) for code_ in aspect_codes},
                    csi_marks={p.code: _mark(csi_rnd, 3, 5, lift) for p in CSI_PARAMETERS},
                    comment=rnd.choice(COMMENTS_GOOD if good else COMMENTS_LOW) if rnd.random() < 0.3 else None)


def _demo_operations(actor: User | None, today: date) -> None:
    """Monthly operational reports (appeals by channel, first-contact resolution, waiting) of each demo centre for
    the three months before this one, through the importer (a file as HR would upload). Skipped when present."""
    if actor is None:
        return
    rnd = random.Random(52)
    first = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    periods = []
    for _ in range(3):
        periods.append((first, (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)))
        first = (first - timedelta(days=1)).replace(day=1)
    if today.day > 1:  # this month so far: the current month's index is published too
        periods.append((today.replace(day=1), today - timedelta(days=1)))
    for centre_no, centre in enumerate(_demo_centres()):
        for start, end in sorted(periods):
            share = ((end - start).days + 1) / 30
            if db.session.scalar(select(OperationalReport.id).where(OperationalReport.centre_id == centre.id,
                                                                    OperationalReport.period_start == start)):
                continue
            scale = 1.0 - 0.2 * centre_no + rnd.uniform(-0.05, 0.05)
            header, rows = operations.template_rows(ReportLayout.SUMMARY)
            values = {row[0]: row[1] for row in rows} | {title: value for title, value in OPERATIONS_EXTRA.items()}
            for title, value in values.items():
                if value != "" and isinstance(value, int):
                    values[title] = max(1, round(value * scale * share))
                elif value != "":
                    values[title] = f"{value * (2 - scale):.1f}".replace(".", ",")
            data = csv_bytes(header, [[title, values[title], ""] for title in values])
            operations.import_operational(actor, centre, start, end, "demo.csv", data, today=today)


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), DISPLAY_TZ).astimezone(UTC)


def _demo_contests(today: date) -> None:
    """«Сотрудник месяца» in the manager's centre: last month's contest closed (colleagues' votes and clients'
    votes by visit code, awards handed out), this month's open with the first votes. Skipped when present."""
    manager = db.session.scalar(select(User).where(User.email == DEMO_LOGINS[2][0]))
    if manager is None or manager.centre is None:
        return
    this_month = today.replace(day=1)
    last_month = (this_month - timedelta(days=1)).replace(day=1)
    rnd = random.Random(7)
    for first_day, close in ((last_month, True), (this_month, False)):
        period = current_period(_at(first_day, 12))
        if db.session.scalar(select(Contest.id).where(Contest.centre_id == manager.centre_id,
                                                      Contest.period == period)):
            continue
        contest = contests.open_contest(manager, centre=manager.centre, period=period, now=_at(first_day, 9))
        members = list(db.session.scalars(select(User).where(User.centre_id == manager.centre_id, User.is_active)
                                          .order_by(User.personnel_number)))
        favourites = [u for u in members if u.email == DEMO_LOGINS[4][0]] + members[5:8]
        last_day = (first_day + timedelta(days=32)).replace(day=1) - timedelta(days=1) if close else today
        days = max(1, (last_day - first_day).days)
        share = 1.0 if close else 0.5  # half the centre has voted so far this month
        for n, voter in enumerate(members):
            if rnd.random() > share:
                continue
            nominee = rnd.choice([u for u in favourites if u.id != voter.id])
            at = _at(first_day + timedelta(days=n % days), 10, n % 60)
            contests.cast_vote(voter, contest, nominee, rnd.choice(VOTE_REASONS), now=at)
        for n in range(12 if close else 4):  # clients vote by the visit code the specialist shows
            employee = favourites[n % len(favourites)]
            at = _at(first_day + timedelta(days=(2 * n) % days), 15, 30)
            code, _ = contests.current_code(employee, at)
            contests.cast_client_vote(employee, code=code, device_token=f"demo-client-{period}-{n}", address=None,
                                      now=at)
        if close:
            contests.close_contest(manager, contest, now=_at(this_month, 9))


def _demo_stress(hr: User | None) -> None:
    """«Стресс месяца»: the committee (the manager chairs, the teacher and HR sit in), this month's anonymous posts
    with «+1» from colleagues, and the committee's measures (one done, one under way, one planned)."""
    manager = db.session.scalar(select(User).where(User.email == DEMO_LOGINS[2][0]))
    if hr is None or manager is None or manager.regional_service_id is None:
        return
    service_id = manager.regional_service_id
    if not committee.members(service_id):
        committee.add_member(hr, service_id, manager, is_chair=True)
        for email in (DEMO_LOGINS[3][0], DEMO_LOGINS[1][0]):
            committee.add_member(hr, service_id, db.session.scalar(select(User).where(User.email == email)))
    month_row = stress.get_month(service_id, stress.current_month())
    if month_row.is_archived or db.session.scalar(select(StressItem.id).where(StressItem.month_id == month_row.id)):
        return
    staff = list(db.session.scalars(select(User).where(User.regional_service_id == service_id, User.is_active)
                                    .order_by(User.personnel_number)))
    rnd = random.Random(3)
    posted = []
    for n, (text, centre_no) in enumerate(STRESS_POSTS):
        centre = _demo_centres()[centre_no]
        item = stress.post_item(service_id, text=text, centre_id=centre.id)
        for voter in rnd.sample(staff, k=max(1, 14 - 2 * n)):
            stress.plus_one(voter, item)
        posted.append(item)
    owners = [manager, db.session.scalar(select(User).where(User.email == DEMO_LOGINS[3][0])), hr]
    for (text, status, public_text), item, owner in zip(STRESS_MEASURES, posted, owners, strict=False):
        stress.add_measure(manager, month_row, text=text, owner=owner, item=item, status=status,
                           public_text=public_text)


def _demo_quests(today: date) -> None:
    """A finished quest (last month, three teams scored at three checkpoints) and a running one (two checkpoints,
    the first scored), organised by the teacher for the first centre."""
    teacher = db.session.scalar(select(User).where(User.email == DEMO_LOGINS[3][0]))
    if teacher is None or db.session.scalar(select(Quest.id).where(Quest.organiser_id == teacher.id)):
        return
    centre_id = _demo_centres()[0].id
    staff = [u for u in db.session.scalars(select(User).where(User.centre_id == centre_id, User.is_active)
                                           .order_by(User.personnel_number)) if u.id != teacher.id]
    rnd = random.Random(21)
    for title, held_on, finished in (("Квест «Путь клиента»", today - timedelta(days=24), True),
                                     ("Брейн-ринг «Сложный посетитель»", today, False)):
        quest = quests.create_quest(teacher, title=title, held_on=held_on, centre_id=centre_id,
                                    description="Команды проходят точки контакта глазами клиента.",
                                    format=QuestFormat.QUEST if finished else QuestFormat.BRAIN_RING)
        teams = [quests.save_team(teacher, quest, None, name=name, member_ids=[u.id for u in staff[i::3]][:5])
                 for i, name in enumerate(("Навигаторы", "Эмпаты", "Решалы"))]
        points = [quests.add_checkpoint(teacher, quest, title=title_, kind=kind, task=task, max_points=10,
                                        quiz_id=None, instructor_ids=[teacher.id])
                  for title_, kind, task in QUEST_CHECKPOINTS[:3 if finished else 2]]
        quests.start_quest(teacher, quest)
        for checkpoint in points if finished else points[:1]:
            for team in teams:
                quests.record_score(teacher, checkpoint, team, points=rnd.randint(5, 10), comment="")
        if finished:
            quests.close_quest(teacher, quest)


def _demo_peer_ratings(today: date) -> None:
    """Colleagues of the first centre rate each other over the last weeks, so everyone there has more raters than
    the anonymity threshold (PEER_RATING_MIN_RATERS) and the competence scores have the colleagues' view."""
    centre = (_demo_centres() or [None])[0]
    if centre is None or db.session.scalar(select(PeerRatingPair.id).join(User, User.id == PeerRatingPair.rater_id)
                                           .where(User.centre_id == centre.id).limit(1)):
        return
    staff = list(db.session.scalars(select(User).where(User.centre_id == centre.id, User.is_active)
                                    .order_by(User.personnel_number)))
    rnd = random.Random(5)
    for n, rater in enumerate(staff):
        aspects = ratings.aspects_for(rater.regional_service_id)
        for k in range(1, 7):
            rated = staff[(n + k) % len(staff)]
            at = _at(today - timedelta(days=1 + (n + k) % 25), 13, k)
            ratings.submit_rating(rater, rated, {a.id: rnd.choice((3, 4, 4, 5, 5)) for a in aspects}, now=at)


def _demo_library() -> None:
    """The library of cases: colleagues' cases and life hacks, published by the committee, with likes."""
    manager = db.session.scalar(select(User).where(User.email == DEMO_LOGINS[2][0]))
    if manager is None or db.session.scalar(select(LibraryCase.id).where(
            LibraryCase.regional_service_id == manager.regional_service_id).limit(1)):
        return
    staff = list(db.session.scalars(select(User).where(User.regional_service_id == manager.regional_service_id,
                                                       User.centre_id.is_not(None), User.is_active,
                                                       User.id != manager.id).order_by(User.personnel_number)))
    groups, points = library.client_groups(), library.touchpoints()
    for n, (kind, title, situation, action, result) in enumerate(LIBRARY_CASES):
        case = library.submit_case(staff[(7 * n + 3) % len(staff)], kind=kind, title=title, situation=situation,
                                   action=action, result=result,
                                   client_group_id=groups[n % len(groups)].id if groups else None,
                                   touchpoint_id=points[n % len(points)].id if points else None)
        library.moderate(manager, case, publish=True)
        for reader in staff[n:n + 9 - 2 * n]:
            if reader.id != case.author_id:
                library.set_like(reader, case, True)


def _demo_pulse(hr: User | None, today: date) -> None:
    """A monthly pulse survey of the staff opened five days ago; most of the service has answered, so eNPS is
    shown beside the clients' NPS («довольные сотрудники — довольные клиенты»)."""
    if hr is None or db.session.scalar(select(PulseSurvey.id).where(
            PulseSurvey.regional_service_id == hr.regional_service_id).limit(1)):
        return
    bank = pulse.question_bank()[:4]
    survey = pulse.create_survey(hr, hr.regional_service_id, title="Как нам работается", schedule=PulseSchedule.MONTHLY,
                                 question_ids=[q.id for q in bank], days_open=14, today=today - timedelta(days=5))
    row = db.session.scalar(select(PulseRound).where(PulseRound.survey_id == survey.id))
    rnd = random.Random(11)
    for user in pulse.eligible_staff(survey):
        # the two service-level people (HR, the administrator) stay out: a group under five would hide a centre
        if user.centre_id is not None and rnd.random() < 0.75:
            pulse.submit_answer(user, row, enps=rnd.choice((5, 7, 8, 8, 9, 9, 10, 6, 10)),
                                scores={q.id: rnd.randint(3, 5) for q in bank}, today=today)


def _demo_iqs(hr: User | None, today: date) -> None:
    """Quality checks (IQS) of recorded conversations: HR listens to three conversations a week per demo centre over
    the three months, so the index's «Дружелюбное отношение» has its internal measure."""
    categories = iqs.active_categories()
    if hr is None or not categories or db.session.scalar(select(IqsAssessment.id).limit(1)):
        return
    rnd = random.Random(8)
    for centre in _demo_centres():
        staff = list(db.session.scalars(select(User).where(User.centre_id == centre.id, User.is_active,
                                                           User.id != hr.id).order_by(User.personnel_number)))
        for week in range(FEEDBACK_DAYS // 7):
            for n in range(3):
                employee = staff[(3 * week + n) % len(staff)]
                day = today - timedelta(days=FEEDBACK_DAYS - 7 * week - 2 * n)
                iqs.assess(hr, employee, marks={c.id: rnd.random() < 0.96 for c in categories},
                           conversation_date=day, conversation_ref=f"демо-{week + 1}-{n + 1}", today=today)


def _demo_checklists(hr: User | None, today: date) -> None:
    """The regional checklist of the last three months (the online assistant arrives in the latest one) and one
    comfort walk-through of each demo centre this quarter, so every indicator of the index has data."""
    if hr is None or hr.regional_service_id is None \
            or db.session.scalar(select(RegionalChecklistAnswer.id).limit(1)):
        return
    service = db.session.get(RegionalService, hr.regional_service_id)
    start = today.replace(day=1)
    for back in range(3):
        if back:
            start = (start - timedelta(days=1)).replace(day=1)
        answers = {item.code: (True, f"https://szn.example.ru/evidence/{item.code}")
                   for item in regional_checklist.ITEMS}
        if back:
            answers["online_assistant"] = (False, None)
        regional_checklist.save(hr, service, start, answers)
    items = comfort.active_items()
    if not items:
        return
    for number, centre in enumerate(_demo_centres()):
        if centre.regional_service_id == service.id:
            comfort.record_audit(hr, centre, marks={i.id: not (number and i.code == "parking") for i in items},
                                 visited_on=comfort.quarter_start(today), today=today)


def _demo_channels(hr: User | None, today: date) -> None:
    """Answers from the other channels (docs/metrics.md 6.7–6.8): in each demo centre a batch of paper forms and a
    few phone answers typed by an operator, and HR's register of media mentions of the last two months. Skipped
    when the demo centres already have paper sheets."""
    centres = [c for c in _demo_centres() if hr is not None and c.regional_service_id == hr.regional_service_id]
    if not centres or db.session.scalar(select(PaperSheet.id).where(
            PaperSheet.centre_id.in_([c.id for c in centres])).limit(1)):
        return
    rnd = random.Random(17)
    now = datetime.combine(today, time(12), DISPLAY_TZ).astimezone(UTC)
    for centre in centres:
        staff = list(db.session.scalars(select(User).where(User.centre_id == centre.id, User.is_active)
                                        .order_by(User.personnel_number)))
        if len(staff) < 2:
            continue
        operator, colleagues = staff[-1], staff[:-1]
        sheets = channels.issue_sheets(hr, centre, 6, now=now)
        lines = []
        for sheet in sheets[:4]:
            fourth = " ".join(str(rnd.randint(3, 5)) for _ in CSI_PARAMETERS) \
                if channels.sheet_module(sheet) == "csi" else str(rnd.randint(3, 5))
            lines.append(f"{sheet.code}; {rnd.randint(3, 5)}; {rnd.randint(2, 5)}; {rnd.randint(6, 10)}; {fourth}; "
                         + (rnd.choice(COMMENTS_GOOD) if rnd.random() < 0.5 else ""))
        channels.enter_batch(operator, centre, "\n".join(lines), answered_on=today - timedelta(days=3), now=now)
        for day_back in (2, 5, 9):
            channels.enter_answer(operator, centre, channel="phone", employee=rnd.choice(colleagues),
                                  answered_on=today - timedelta(days=day_back), recommend=rnd.randint(5, 10),
                                  ces=rnd.randint(2, 5), specialist_satisfaction=rnd.randint(3, 5), now=now)
    service = db.session.get(RegionalService, hr.regional_service_id)
    for day_back, source, tone, centre in (
            (4, "Городские новости", "positive", centres[0]), (11, "Сообщество «Наш район» во ВКонтакте",
                                                               "negative", centres[-1]),
            (20, "Телеграм-канал областной администрации", "neutral", None),
            (38, "Региональное радио", "positive", None)):
        mentions.add_mention(hr, service, mentioned_on=today - timedelta(days=day_back), source=source, tone=tone,
                             url="https://szn.example.ru/press", centre=centre, today=today)


def _recompute(today: date) -> None:
    """What `flask metrics recompute` does, synchronously: the index's snapshots, then competence scores and ranks."""
    snapshots.discover(today, full=True)
    db.session.commit()
    snapshots.refresh_stale()
    competence.recompute_batch(competence.recent_months(3, today))
    competence.refresh_stale()
    db.session.commit()


def _demo_signatory() -> None:
    """The person who signs the service's certificates (HR sets it once; kept when HR changed it)."""
    hr = db.session.scalar(select(User).where(User.email == DEMO_LOGINS[1][0]))
    if hr is None or certificates.signatory_row(hr.regional_service_id) is not None:
        return
    certificates.set_signatory(hr, hr.regional_service_id, name="Кадрова Н. В.", position="Начальник отдела кадров",
                               email=hr.email)


def _demo_cohort(admin: User, today: date) -> None:
    """A cohort of the first centre's staff with the demo teacher, when the course is loaded: four learners have
    finished (three hold certificates, one is due one), three are part-way, the rest behind schedule."""
    course = db.session.scalar(select(Course).order_by(Course.id))
    if course is None or db.session.scalar(select(Cohort.id).where(Cohort.name == "Демо-группа")):
        return
    teacher = db.session.scalar(select(User).where(User.email == DEMO_LOGINS[3][0]))
    cohort = create_cohort(admin, course, name="Демо-группа", start_date=today - timedelta(days=20),
                           teacher_ids=[teacher.id])
    learners = list(db.session.scalars(select(User).where(User.centre_id.is_not(None)).order_by(User.id).limit(20)))
    enrol(admin, cohort, [u for u in learners if u.id != teacher.id])
    blocks = list(db.session.scalars(select(Block).where(Block.course_id == course.id).order_by(Block.number)))
    enrolments = list(db.session.scalars(select(Enrolment).where(Enrolment.cohort_id == cohort.id)
                                         .order_by(Enrolment.id)))
    demo_employee = [e for e in enrolments if e.user.email == DEMO_LOGINS[4][0]]
    others = [e for e in enrolments if e not in demo_employee]
    finished, partway = others[:4], demo_employee + others[4:6]
    for enrolment in finished + partway:
        done = blocks if enrolment in finished else blocks[:3]
        for block in done:
            for stage in (Stage.LESSON, Stage.QUIZ, Stage.CASE):
                complete_stage(enrolment, block, stage)
    hr = db.session.scalar(select(User).where(User.email == DEMO_LOGINS[1][0]))
    if hr is not None and finished:
        certificates.issue_course_certificates(hr, finished[:3])


def _demo_week(today: date) -> None:
    """«Неделя клиентоцентричности» next week in the manager's centre: a knowledge cafe, a fireside chat with the
    centre's head and a pecha kucha, each from the catalogue (needs `flask seed reference` first)."""
    from training.gamification.events import services as events
    from training.gamification.events.models import EventFormat, EventProgramme
    from training.templating import DISPLAY_TZ

    title = "Неделя клиентоцентричности"
    manager = db.session.scalar(select(User).where(User.email == DEMO_LOGINS[2][0]))
    if manager is None or db.session.scalar(select(EventProgramme.id).where(EventProgramme.title == title)):
        return
    formats = {f.code: f for f in db.session.scalars(select(EventFormat))}
    if not {"knowledge_cafe", "fireside_chat", "pecha_kucha"} <= formats.keys():
        return
    monday = today + timedelta(days=7 - today.weekday())
    programme = events.create_programme(manager, title=title, starts_on=monday, ends_on=monday + timedelta(days=4),
                                        centre_id=manager.centre_id,
                                        description="Лекции, разговоры и короткие доклады о том, что мешает клиенту.")
    plan = [("knowledge_cafe", 0, time(9, 0), "Кафе знаний: почему клиент приходит второй раз", 15),
            ("fireside_chat", 2, time(16, 0), "Беседа у камина с руководителем центра", 40),
            ("pecha_kucha", 4, time(15, 0), "Печа-куча: наши лучшие изменения за год", None)]
    for code, day, at, name, capacity in plan:
        starts = datetime.combine(monday + timedelta(days=day), at, DISPLAY_TZ).astimezone(UTC)
        events.schedule_event(manager, formats[code], title=name, starts_at=starts,
                              duration_minutes=formats[code].duration_minutes, place="Зал совещаний",
                              centre_id=manager.centre_id, capacity=capacity, programme=programme)


def demo_logins_if_present() -> list[tuple[str, str]]:
    present = set(db.session.scalars(select(User.email).where(User.email.in_([e for e, *_ in DEMO_LOGINS]))))
    labels = ["администратор", "кадровая служба", "руководитель ЦЗН", "преподаватель", "сотрудник"]
    return [(label, email) for label, (email, *_) in zip(labels, DEMO_LOGINS, strict=True) if email in present]
