"""The competence framework of section 5.4: two blocks (communicative, proactive), the competences, where
their evidence comes from and the constants of the scoring."""
from __future__ import annotations

from training.measures.scales import COMPETENCE_BLOCKS, DEFAULT_PRIOR_WEIGHT

BLOCK_TITLES = {"communicative": "Коммуникативные компетенции", "proactive": "Проактивное поведение"}


#: competence key → (block, Russian title), in the order of the blocks
COMPETENCES: dict[str, tuple[str, str]] = {key: (block, title) for block, members in COMPETENCE_BLOCKS.items()
                                           for key, title in members.items()}


EVIDENCE_TITLES = {
    "client": "Оценки клиентов",
    "peer": "Оценки коллег",
    "iqs": "Проверки качества (IQS)",
    "quiz": "Тесты и кейсы курса",
    "actions": "Проактивные действия",
}


#: months in the rolling window of a closing (the month itself and the two before)
WINDOW_MONTHS = 3


#: pseudo-observations of the centre's mean per kind of evidence (bayesian_average's m)
PRIOR_WEIGHTS = {"client": DEFAULT_PRIOR_WEIGHT, "peer": DEFAULT_PRIOR_WEIGHT, "iqs": 3.0, "quiz": 2.0}


#: anchor (scales.ANCHORS key) of each kind of evidence
EVIDENCE_ANCHORS = {"client": "client_aspect_rating", "peer": "peer_aspect_rating", "iqs": "iqs",
                    "quiz": "quiz_score", "actions": "proactive_actions"}


#: k of normalise_per_rater: 0 = plain mean-centring (a harsh and a lenient rater weigh exactly the same)
RATER_PRIOR_WEIGHT = 0.0


TOP_MARK, DAMPING_FACTOR = 5.0, 0.5


#: peer evidence counts only from this many ratings in the window (and the engagement domain's 3 raters)
PEER_MIN_RATINGS = 5


#: «Мастер»: at least this many client ratings in the window of each qualifying closing
MASTER_MIN_CLIENT = 10


MASTER_CODE = "master"


MASTER_TITLE = "Мастер клиентоцентричности"


#: aspect code (clients' and colleagues' rating aspects) → competences it is evidence for
ASPECT_COMPETENCES: dict[str, tuple[str, ...]] = {
    "politeness": ("politeness",),
    "empathy": ("empathy",),
    "clarity": ("clarity",),
    "listening": ("listening",),
    "objections": ("objections",),
    "conflicts": ("objections",),
    "service_knowledge": ("service_knowledge",),
    "knowledge": ("service_knowledge",),
    "competence": ("service_knowledge",),
    "helpfulness": ("initiative", "feedback"),
    "teamwork": ("teamwork", "knowledge_sharing"),
}


#: competence → numbers of the course blocks whose quiz and case are evidence for it (None: every block)
QUIZ_BLOCKS: dict[str, tuple[int, ...] | None] = {
    "politeness": (9, 12),
    "empathy": (2, 9, 10),
    "clarity": (9, 10),
    "listening": (9, 10),
    "objections": (6, 7, 11),
    "service_knowledge": (1, 3, 4, 5, 8),
    "development": None,
}


#: confirmed proactive actions: source → title; competence → sources counted for it
ACTION_TITLES = {
    "stress_measures": "Меры «Стресса месяца» выполнены (ответственный)",
    "library_lifehacks": "Лайфхаки опубликованы в библиотеке",
    "library_cases": "Кейсы опубликованы в библиотеке",
    "mentoring": "Знак «Наставник» (помощь коллегам, бадди)",
    "quests": "Корпоративные квесты и игры (участие)",
    "thanks": "«Спасибо» от разных коллег",
    "follow_ups": "Низкие оценки клиентов отработаны (задачи закрыты)",
    "blocks": "Блоки курса пройдены",
    "events_attended": "Мероприятия вовлечения (участие, отмечено на месте)",
    "events_hosted": "Выступления и модерация на мероприятиях",
    "events_organised": "Мероприятия проведены (организатор, пришли коллеги)",
}


ACTION_SOURCES: dict[str, tuple[str, ...]] = {
    "initiative": ("stress_measures", "library_lifehacks", "events_organised"),
    "knowledge_sharing": ("library_cases", "mentoring", "events_hosted"),
    "development": ("blocks", "events_attended"),
    "teamwork": ("quests", "thanks"),
    "feedback": ("follow_ups",),
}


SCORE_COLUMNS = ("overall", "communicative", "proactive", *(f"c_{key}" for key in COMPETENCES))
