"""Issue 18, «Coverage the methodology asks for»: what the reviewer checked in the lessons, the course introduction,
the glossary and the literature, as a learner reads them after `flask seed course`."""
import re

import pytest
from sqlalchemy import select

from seeds.course_loader import COURSE_DIR, load_course
from tests.factories import make_cohort, make_user
from training.courses.lesson_extras import link_glossary
from training.courses.models import Course
from training.extensions import db
from training.quizzes.gift import parse_gift


@pytest.fixture
def course(app):
    load_course()
    db.session.commit()
    return db.session.scalar(select(Course))


def _headings(html: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", h) for h in re.findall(r"<h[23]>(.*?)</h[23]>", html, re.S)]


def _section(html: str, heading: str) -> str:
    match = re.search(rf"<h2>{re.escape(heading)}</h2>(.*?)(?=<h2>|\Z)", html, re.S)
    assert match, heading
    return match.group(1)


def test_chapter_4s_index_is_taught_in_block_3(course):
    html = course.blocks[2].lesson_html
    headings = _headings(html)
    for heading in ("Пять групп клиентских показателей", "Индекс клиентоцентричности центра",
                    "Как из показателей складывается индекс", "Веса, которые меняются со временем",
                    "Как читать «Пульс клиентоцентричности»"):
        assert heading in headings, heading
    index = _section(html, "Индекс клиентоцентричности центра")
    assert "объективные данные" in index and "опросы клиентов" in index  # objective data next to surveys
    worked = _section(html, "Как из показателей складывается индекс")
    assert "Шаг 1." in worked and "Шаг 3." in worked and "≈ <strong>77,7</strong>" in worked  # a worked example
    weights = _section(html, "Веса, которые меняются со временем")
    assert "с датой вступления в силу" in weights and "не задним числом" in weights


def test_block_9_describes_orphans_and_the_long_term_unemployed(course):
    headings = _headings(course.blocks[8].lesson_html)
    assert "Дети-сироты и оставшиеся без попечения родителей" in headings
    assert "Длительно неработающие" in headings


def test_block_1_tells_russian_and_foreign_practice(course):
    html = course.blocks[0].lesson_html
    russian = _section(html, "Практика российских регионов")
    foreign = _section(html, "Как это делают за рубежом")
    assert "Владимирская область" in russian and "Брянская область" in russian
    assert "Великобритания" in foreign and "Германия" in foreign


def test_the_introduction_names_stages_limit_certificate_quest_and_after(client, login, course, org):
    learner = make_user(department=org.front_a)
    make_cohort(course, org.service, learners=[learner])
    login(learner)
    about = client.get("/learn/about").get_data(as_text=True)
    for words in ("Три этапа каждого блока", "трёх календарных месяцев", "электронный сертификат",
                  "Ежеквартальный квест", "Что будет после курса"):
        assert words in about, words


def test_the_glossary_is_linked_from_the_lessons_and_the_literature_is_the_methodologys(course):
    slugs = {e["slug"] for e in course.glossary}
    linked = {s for b in course.blocks for s in re.findall(r'href="/learn/glossary#term-([a-z0-9-]+)"', b.lesson_html)}
    assert len(course.glossary) >= 40 and len(linked & slugs) >= 40
    measure = next(e for e in course.glossary if e["term"] == "Корректирующая мера")
    assert measure["slug"] in linked  # «корректирующие меры» in the text: a form the endings alone miss
    terms = " ".join(e["term"] for e in course.glossary)
    for term in ("CES", "CSI", "FCR", "Net FCR", "IQS", "TTFR", "RPC", "CJM", "eNPS", "Омниканальность",
                 "Проактивность", "Подталкивание", "Архитектура выбора", "SCAMPER", "Баддинг"):
        assert term in terms, term
    titles = [e["title"] for e in course.literature]
    for title in ("Nudge. Архитектура выбора", "Behavioral Science and Public Policy",
                  "Человек и ситуация: Уроки социальной психологии"):
        assert title in titles, title


def _bank() -> dict[str, object]:
    questions = {}
    for path in sorted((COURSE_DIR / "blocks").glob("*/questions.gift")):
        for question in parse_gift(path.read_bytes()).questions:
            questions[question.name.split()[0]] = question
    return questions


def test_the_reviewers_fixes_stay_fixed():
    """Issue 18's list of fixes, checked by content (codes changed when the banks were rewritten)."""
    bank = _bank()
    assert "третья ценность, «пример этичного поведения»" in bank["Б01-07"].general_feedback
    range_14 = bank["Б03-14"].numerical[0]  # «не более 5–6»: both 5 and 6 are right
    assert range_14.fraction == 1 and range_14.value - range_14.tolerance == 5 and \
        range_14.value + range_14.tolerance == 6
    pairs_08 = {p.question: p.answer for p in bank["Б06-08"].pairs}
    play_area = next(a for q, a in pairs_08.items() if "ребёнку негде подождать" in q)
    assert "болевую точку «быстрой победой»" in play_area
    assert "кто именно готов, выясняется только в разговоре" in bank["Б09-19"].numerical[0].feedback
    texts = [q.text for q in bank.values()]
    assert sum("250" in t and "28 %" in t for t in texts) == 1  # the 250 × 0,28 item once, not three times
    lessons = {p.parent.name: p.read_text(encoding="utf-8") for p in (COURSE_DIR / "blocks").glob("*/lesson.md")}
    assert "в SCAMPER, под буквой E («устранение»)" in lessons["07"]
    assert "Успехи недели" in lessons["13"] and "Удачи недели" not in lessons["13"]
    assert "за вычетом доли критиков" in lessons["14"] and "минус доле" not in lessons["14"]
    # one convention for weights: percentages (or points = share in % × severity), never a fraction like «вес 0,3»
    everything = "\n".join(lessons.values()) + "\n".join(texts)
    assert not re.search(r"вес\w*[^.\n]{0,40}\b0,\d", everything, re.I)


def test_a_glossary_entrys_forms_reach_what_the_endings_miss():
    entry = {"term": "Корректирующая мера", "slug": "mera", "definition": "…"}
    html = "<p>Команда запускает корректирующие меры.</p>"
    assert link_glossary(html, [entry], "/g") == html  # «мера» keeps its «а»: «меры» is not found
    linked = link_glossary(html, [{**entry, "forms": ["корректирующие меры"]}], "/g")
    assert linked == '<p>Команда запускает <a class="term" href="/g#term-mera">корректирующие меры</a>.</p>'
