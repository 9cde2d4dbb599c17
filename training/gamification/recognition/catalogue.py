"""The badge catalogue and the point values (documented in docs/recognition.md)."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class BadgeSpec:
    code: str
    name: str
    description: str
    criteria: str
    is_title: bool = False
    is_manual: bool = False
    points: int = 0
    sort_order: int = 100
    hr_only: bool = False  # granted by hand by HR (or the administrator) only, never by a centre manager
    requires: str | None = None  # the code of a badge the person must already hold


BADGES: tuple[BadgeSpec, ...] = (
    BadgeSpec("employee_of_month", "Самый клиентоцентричный сотрудник месяца",
              "Звание победителя конкурса «Сотрудник месяца» и «переходящий кубок».",
              "Победа в конкурсе «Сотрудник месяца» (по правилу итогов, см. страницу конкурса).",
              is_title=True, sort_order=10),
    BadgeSpec("clients_choice", "Выбор клиентов",
              "Клиенты центра чаще всего голосовали за этого сотрудника.",
              "Победа в клиентском направлении конкурса «Сотрудник месяца».", sort_order=20),
    BadgeSpec("colleagues_choice", "Выбор коллег",
              "Коллеги назвали этого сотрудника самым клиентоцентричным.",
              "Победа в направлении «в глазах коллег» конкурса «Сотрудник месяца».", sort_order=30),
    BadgeSpec("master", "Мастер клиентоцентричности",
              "Статус за устойчиво высокий уровень клиентоцентричных компетенций.",
              "Присваивается руководителем или кадровой службой, в том числе по оценкам компетенций.",
              is_title=True, is_manual=True, points=100, sort_order=40),
    BadgeSpec("magister", "Магистр клиентоцентричности",
              "Высший статус: мастер, который учит других и представляет ЦЗН.",
              "Присваивается кадровой службой мастеру клиентоцентричности.",
              is_title=True, is_manual=True, points=200, sort_order=50, hr_only=True, requires="master"),
    BadgeSpec("mentor", "Наставник",
              "Помогает коллегам осваивать клиентоцентричный подход.",
              "Присваивается руководителем или кадровой службой, а также за каждого новичка, которого наставник "
              "сопроводил в адаптации.", is_manual=True, points=30, sort_order=60),
    BadgeSpec("change_agent", "Агент изменений",
              "Ведёт изменения клиентского опыта в своей службе занятости.",
              "Выдвигается комитетом клиентоцентричности или кадровой службой; присваивается за каждое выдвижение.",
              is_title=True, points=50, sort_order=62),
    BadgeSpec("most_improved", "Лучший рост",
              "Был(а) в конце рейтинга компетенций, но за месяц вырос(ла) больше всех в центре.",
              "Самый большой рост общего балла компетенций за месяц среди тех, кто был ниже середины рейтинга "
              "центра; присваивается каждый месяц.", points=20, sort_order=65),
    BadgeSpec("course_graduate", "Выпускник курса",
              "Прошёл курс «Формирование системы управления клиентским опытом».",
              "Все блоки курса пройдены.", sort_order=70),
    BadgeSpec("first_thanks", "Первое «Спасибо»", "Коллега впервые сказал спасибо.",
              "Получено первое «Спасибо».", sort_order=80),
    BadgeSpec("thankful", "Щедрый на благодарность", "Замечает хорошее в работе коллег.",
              "Отправлено 10 «Спасибо».", sort_order=90),
    BadgeSpec("library_author", "Автор библиотеки",
              "Поделился кейсом в «Библиотеке клиентоцентричности».",
              "Опубликован первый кейс автора.", sort_order=100),
    BadgeSpec("quest_winner", "Победитель квеста", "Команда заняла первое место в корпоративном квесте.",
              "Первое место в корпоративном квесте.", sort_order=110),
)

BADGES_BY_CODE = {spec.code: spec for spec in BADGES}

# Points for each fact (the ledger source in brackets keeps each fact from paying twice).
POINTS = {
    "quiz_passed": 10,          # quiz:<block id>
    "block_completed": 20,      # block:<enrolment id>:<block id>
    "course_completed": 100,    # course:<enrolment id>
    "case_accepted": 30,        # case:<enrolment id>:<block id>
    "thanks_received": 5,       # thanks:<giver id>:<YYYY-MM> — at most once a month from the same colleague
    "contest_voted": 2,         # contest:<id>:voted — colleagues who voted, credited at the close
    "contest_title": 100,       # contest:<id>:title
    "contest_track": 50,        # contest:<id>:colleagues / contest:<id>:clients
    "library_case_published": 25,  # library-case:<case id>
    "quest_ranks": (50, 30, 20),   # quest:<id> — 1st, 2nd, 3rd place; later places get quest_participation
    "quest_participation": 10,
    "peer_rating_given": 2,     # peer-rating:<rated id>:<YYYY-MM>
    "event_attended": 5,        # event:<event id>:attended — checked in or marked by the organiser
    "event_spoke": 15,          # event:<event id>:spoke — speaker or moderator of a held event
    "event_organised": 20,      # event:<event id>:organised — the organiser of a held event colleagues came to
}

THANKS_GIVEN_FOR_BADGE = 10
