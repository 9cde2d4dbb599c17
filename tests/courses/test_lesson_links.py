"""Issue 18: links a lesson makes into the rest of the product lead somewhere a learner may go. Block 14 names all 33
engagement tools of section 5.4 and links each one to where it lives: a meeting format to its entry in the events
catalogue, a tool with pages of its own (contest, ratings, stress board, library, quests…) to those pages."""
import re
from urllib.parse import urlsplit

import pytest
import yaml
from sqlalchemy import select

from seeds import reference
from seeds.course_loader import COURSE_DIR, load_course
from tests.factories import make_cohort, make_user
from training.accounts.models import Role
from training.courses.models import Course
from training.extensions import db

FORMAT_CODES = {f["code"] for f in yaml.safe_load((COURSE_DIR.parent / "engagement" / "event_formats.yaml")
                                                  .read_text(encoding="utf-8"))}
TOOL_GROUPS = ("Признание и рейтинги", "Голос сотрудников и рабочая среда", "Знания и наставничество",
               "Обсуждение и поиск идей", "Игры и соревнования", "События и открытость")


@pytest.fixture
def course(app):
    reference.run()  # the events catalogue the lessons link to
    load_course()
    db.session.commit()
    return db.session.scalar(select(Course))


@pytest.fixture
def learner(course, org):
    learner = make_user(department=org.front_a, full_name="Ссылкина Мария Петровна")
    make_cohort(course, org.service, teachers=[make_user(Role.TEACHER, department=org.back_a)], learners=[learner])
    return learner


def _links(html: str) -> list[str]:
    return [h for h in re.findall(r'<a [^>]*href="([^"]+)"', html) if h.startswith("/")]


def _section(html: str, heading: str) -> str:
    match = re.search(rf"<h2>{re.escape(heading)}</h2>(.*?)(?=<h2>|\Z)", html, re.S)
    assert match, heading
    return match.group(1)


def test_block_14_links_each_of_the_33_engagement_tools(course):
    html = course.blocks[13].lesson_html
    tools = []
    for heading in TOOL_GROUPS:
        tools += re.findall(r'<li><a href="([^"]+)"[^>]*><strong>([^<]+)</strong></a>', _section(html, heading))
    assert len(tools) == 33, [name for _, name in tools]
    assert len({name for _, name in tools}) == 33
    in_catalogue = {urlsplit(href).fragment.removeprefix("format-") for href, _ in tools
                    if href.startswith("/team/events/formats#")}
    assert len(in_catalogue) == 18 and in_catalogue <= FORMAT_CODES
    assert "Восемнадцать встреч" in html and "Все 33 формата собраны" not in html  # says what the catalogue holds


def test_every_link_of_every_lesson_opens_for_a_learner_and_lands_on_its_anchor(client, login, course, learner):
    login(learner)
    pages: dict[str, str] = {}
    checked = 0
    for block in course.blocks:
        for href in _links(block.lesson_html):
            parts = urlsplit(href)
            if parts.path not in pages:
                response = client.get(parts.path)
                assert response.status_code == 200, (block.number, href, response.status_code)
                pages[parts.path] = response.get_data(as_text=True)
            if parts.fragment:
                assert f'id="{parts.fragment}"' in pages[parts.path], (block.number, href)
            checked += 1
    assert checked >= 33 + 14  # block 14's tools and at least a glossary link per block
    catalogue = pages["/team/events/formats"]
    assert 'id="format-knowledge_cafe"' in catalogue and "Кафе знаний" in catalogue
