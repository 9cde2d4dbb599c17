import json
import shutil

from sqlalchemy import func, select

from seeds.course_loader import COURSE_DIR, load_course
from tests.factories import make_cohort, make_user
from training.accounts.models import Role
from training.courses import services
from training.courses.models import Block, BlockProgress, CaseSubmission, Course, CourseModule, PracticalCase, Stage
from training.extensions import db


def count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_seed_loads_three_modules_fourteen_blocks_lessons_and_cases(app):
    load_course()
    db.session.commit()
    assert (count(Course), count(CourseModule), count(Block), count(PracticalCase)) == (1, 3, 14, 14)
    blocks = db.session.scalars(select(Block).order_by(Block.number)).all()
    assert [b.module.number for b in blocks] == [1] * 5 + [2] * 6 + [3] * 3
    for block in blocks:
        assert 800 <= block.word_count <= 2500, (block.number, block.word_count)
        assert block.reading_minutes <= 20
        assert 4 <= len(block.takeaways) <= 7
        assert block.lesson_html.startswith("<") and "<h1" not in block.lesson_html
        assert block.case.rubric and block.case.pass_points <= block.case.max_points


def test_reseeding_updates_texts_without_touching_progress(app, org):
    load_course()
    db.session.commit()
    course = db.session.scalar(select(Course))
    teacher = make_user(Role.TEACHER, department=org.back_a)
    learner = make_user(department=org.front_a)
    cohort = make_cohort(course, org.service, teachers=[teacher], learners=[learner])
    enrolment = cohort.enrolments[0]
    block = course.blocks[0]
    services.complete_stage(enrolment, block, Stage.LESSON)
    services.submit_case(enrolment, block, "Мой ответ " * 10)
    db.session.commit()
    block.lesson_markdown = "устаревший текст"
    db.session.commit()
    summary = load_course()
    db.session.commit()
    assert summary.lessons_changed == 1
    assert block.lesson_markdown != "устаревший текст" and block.id == course.blocks[0].id
    assert count(BlockProgress) == 1 and count(CaseSubmission) == 1
    assert services.block_state(learner, block).lesson_done
    assert load_course().lessons_changed == 0


def test_outline_json_lists_blocks_with_words_minutes_and_cases(app, runner):
    load_course()
    db.session.commit()
    result = runner.invoke(args=["course", "outline", "--json"])
    data = json.loads(result.output)
    blocks = [b for m in data["modules"] for b in m["blocks"]]
    assert len(data["modules"]) == 3 and len(blocks) == 14
    assert all(b["has_case"] and b["case_has_rubric"] and b["lesson_words"] >= 800 for b in blocks)
    assert blocks[4]["reading_minutes"] == db.session.scalar(select(Block.reading_minutes).where(Block.number == 5))
    # each block's bank comes from its GIFT file: at least 15 questions, at least four types across the bank
    assert all(sum(b["questions"].values()) >= 15 and b["quiz"] for b in blocks), [b["questions"] for b in blocks]
    assert sum(sum(b["questions"].values()) for b in blocks) >= 210
    types = {t for b in blocks for t in b["questions"]}
    assert {"multichoice", "truefalse", "matching", "shortanswer", "numerical"} <= types


def test_lesson_page_is_light(client, login, app, org):
    load_course()
    db.session.commit()
    login(make_user(Role.TEACHER, department=org.back_a))
    sizes = []
    gzip = {"Accept-Encoding": "gzip"}
    for number in range(1, 15):
        response = client.get(f"/learn/block/{number}", headers=gzip)
        assert response.status_code == 200 and response.headers["Content-Encoding"] == "gzip"
        total = len(response.data)  # bytes on the wire
        for asset in ("/static/css/app.css", "/static/js/htmx.min.js", "/static/js/app.js"):
            asset_response = client.get(asset, headers=gzip)
            total += len(asset_response.data)
            asset_response.close()
        sizes.append(total)
    assert max(sizes) < 100 * 1024, sizes
    # even uncompressed (a proxy that does not gzip), a lesson page stays light
    assert len(client.get("/learn/block/5").data) < 60 * 1024


def test_an_edited_lesson_reaches_the_learner_after_seeding(client, login, app, org, tmp_path):
    """The lesson is rendered from Markdown once per content version (when the course is loaded), not per page
    view: an author's edit shows after `flask seed course`, and not before."""
    source = tmp_path / "course"
    shutil.copytree(COURSE_DIR, source)
    load_course(source)
    db.session.commit()
    course = db.session.scalar(select(Course))
    learner = make_user(department=org.front_a)
    make_cohort(course, org.service, learners=[learner])
    login(learner)
    added = "Новый абзац автора: клиент видит, что его вопрос записан, и знает, когда получит ответ."
    assert added not in client.get("/learn/block/1").get_data(as_text=True)
    lesson = source / "blocks" / "01" / "lesson.md"
    lesson.write_text(lesson.read_text(encoding="utf-8") + f"\n\n{added}\n", encoding="utf-8")
    assert added not in client.get("/learn/block/1").get_data(as_text=True)  # rendered once, not per view
    assert load_course(source).lessons_changed == 1
    db.session.commit()
    assert f"<p>{added}</p>" in client.get("/learn/block/1").get_data(as_text=True)
