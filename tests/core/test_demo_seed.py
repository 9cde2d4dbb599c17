"""`flask seed demo` builds a region a director can evaluate: every page of the story shows data, a second run
changes nothing, and the production configuration refuses it."""
from __future__ import annotations

import re
from datetime import date
from html import unescape

import pytest
from sqlalchemy import func, select

from seeds import demo, reference
from seeds.course_loader import load_course
from tests.support.app import app_with_tables
from training.accounts.models import User
from training.config import ProductionConfig
from training.extensions import db
from training.gamification.contests.models import Contest
from training.gamification.quests.models import Quest
from training.models import *  # noqa: F403  (every table counted by the idempotency check)
from wsgi import seed_cli

TODAY = date(2026, 12, 7)


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite3"
    with app_with_tables(SQLALCHEMY_DATABASE_URI=f"sqlite:///{path}", drop_tables=True) as app:
        reference.run()
        load_course()  # as `make run`: the course before the demo, so the demo cohort has it
        db.session.commit()
        result = app.test_cli_runner().invoke(seed_cli, ["demo", "--today", TODAY.isoformat()])
        assert result.exit_code == 0, result.output
        assert "manager@demo.szn.local" in result.output
        yield app


def _page(app, email: str, url: str) -> str:
    client = app.test_client()
    response = client.post("/auth/login", data={"email": email, "password": demo.DEMO_PASSWORD})
    assert response.status_code == 303, response.get_data(as_text=True)[:300]
    response = client.get(url, follow_redirects=True)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def _counts() -> dict[str, int]:
    return {table.name: db.session.scalar(select(func.count()).select_from(table))
            for table in db.metadata.sorted_tables}


def test_the_demo_is_marked_and_its_logins_sign_in(seeded):
    manager = db.session.scalar(select(User).where(User.email == "manager@demo.szn.local"))
    assert manager.centre.name.endswith("(демо)")
    html = _page(seeded, "manager@demo.szn.local", "/metrics/")
    assert "(демо)" in html


def _text(html: str) -> str:
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", re.sub(r"(?s)<(script|style|head).*?</\1>", "", html))))


def test_pulse_shows_the_index_and_three_months_of_client_figures(seeded):
    text = _text(_page(seeded, "manager@demo.szn.local", "/metrics/"))
    assert "Индекс пока не публикуется" not in text
    for month in ("сентябрь 2026", "октябрь 2026", "ноябрь 2026"):
        row = re.search(month + r" (\d+,\d) [+−-]?\d+ (\d+)", text)
        assert row, month  # the month's index and the number of answers behind it
        assert int(row.group(2)) >= 30


def test_pulse_shows_the_checklists_among_the_indicators(seeded):
    text = _text(_page(seeded, "manager@demo.szn.local", "/metrics/"))
    assert re.search(r"Региональный чек-лист: личный кабинет, онлайн-помощник \(доля «да»\) .*? 100,0 % 2 100,0 учтён",
                     text)
    assert re.search(r"Аудит помещения и сайта по чек-листу .*? \d+,\d % 1 \d+,\d учтён", text)


def test_comparison_lists_every_demo_centre_with_its_index(seeded):
    text = _text(_page(seeded, "hr@demo.szn.local", "/metrics/compare"))
    for centre in demo.CENTRES:
        assert re.search(re.escape(centre) + r" \d+,\d", text), centre


def test_ranking_shows_people_with_scores(seeded):
    text = _text(_page(seeded, "hr@demo.szn.local", "/metrics/competence/ranking"))
    places = re.findall(r"(\d+) ([А-ЯЁ][а-яё]+ [А-ЯЁ][а-яё]+ [А-ЯЁ][а-яё]+) ЦЗН [^·]+\(демо\) · [^0-9]+ (\d+,\d)", text)
    assert len(places) >= 10
    assert places[0][0] == "1"


def test_employee_sees_her_own_client_figures_and_competence(seeded):
    text = _text(_page(seeded, "employee@demo.szn.local", "/metrics/competence/me"))
    assert re.search(r"Общий балл \d+,\d из 100", text)
    assert re.search(r"Оценки клиентов \d,\d\d из 5 \d+", text)


def test_second_run_changes_nothing(seeded):
    before = _counts()
    result = seeded.test_cli_runner().invoke(seed_cli, ["demo", "--today", TODAY.isoformat()])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert _counts() == before


def test_production_configuration_refuses_the_demo(tmp_path, monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "p" * 48)
    monkeypatch.setenv("DATABASE_URL", "postgresql://unused/never")
    with app_with_tables(config=ProductionConfig(), SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'prod.sqlite3'}",
                         RATELIMIT_STORAGE_URI="memory://", RATELIMIT_SHARED_STORAGE_REQUIRED=False) as app:
        result = app.test_cli_runner().invoke(seed_cli, ["demo"])
        assert result.exit_code != 0
        assert "не загружаются в рабочую базу" in result.output
        with pytest.raises(demo.DemoRefused):
            demo.run()
        assert db.session.scalar(select(func.count()).select_from(User)) == 0


def test_contest_pages_show_a_closed_and_an_open_employee_of_the_month(seeded):
    text = _text(_page(seeded, "manager@demo.szn.local", "/recognition/contests"))
    assert "декабрь 2026 · ЦЗН г. Нижнего Новгорода (демо) идёт голосование" in text
    assert "ноябрь 2026 · ЦЗН г. Нижнего Новгорода (демо) Итоги подведены 1 декабря 2026" in text
    closed = db.session.scalar(select(Contest).where(Contest.period == "2026-11"))
    text = _text(_page(seeded, "employee@demo.szn.local", f"/recognition/contests/{closed.id}"))
    assert re.search(r"В глазах коллег [А-ЯЁ][а-яё]+ [А-ЯЁ][а-яё]+ [А-ЯЁ][а-яё]+ \(\d+ голос", text)
    assert re.search(r"Проголосовали коллеги (\d+) из \1 Голосов клиентов 12", text)


def test_stress_board_shows_posts_with_support_and_the_committees_measures(seeded):
    text = _text(_page(seeded, "employee@demo.szn.local", "/team/stress"))
    assert re.search(r"Клиент требовал выплату[^+]+\+14", text)  # the most supported post first, with its «+1»
    assert "Электронная очередь зависла утром" in text
    assert ("Памятка об изменениях выплат у каждого окна и в чате центра Ответственный: Руководов Игорь Павлович "
            "выполнена") in text


def test_the_thank_you_page_shows_the_committees_finished_measure_in_its_text_for_clients(seeded):
    from training.metrics.feedback.models import FeedbackLink

    centre = demo._demo_centres()[0]
    token = db.session.scalar(select(FeedbackLink.token).where(FeedbackLink.centre_id == centre.id,
                                                              FeedbackLink.is_active))
    text = _text(seeded.test_client().get(f"/f/thanks?t={token}").get_data(as_text=True))
    assert "Вы сказали — мы сделали" in text and "У каждого окна теперь лежит памятка" in text
    # the internal text, and the measure still under way, stay with staff
    assert "в чате центра" not in text and "администратор запишет вас" not in text


def test_quests_show_a_finished_and_a_running_one_with_points(seeded):
    text = _text(_page(seeded, "teacher@demo.szn.local", "/team/quests"))
    assert re.search(r"Брейн-ринг «Сложный посетитель» Брейн-ринг · [^·]+ · ЦЗН [^·]+ идёт", text)
    assert re.search(r"Квест «Путь клиента» Корпоративный квест · [^·]+ · ЦЗН [^·]+ завершён", text)
    finished = db.session.scalar(select(Quest).where(Quest.title == "Квест «Путь клиента»"))
    text = _text(_page(seeded, "employee@demo.szn.local", f"/team/quests/{finished.id}"))
    assert "Итоги (заморожены" in text
    places = re.findall(r"(\d) (Навигаторы|Эмпаты|Решалы) [^0-9]+ (\d+)", text)
    assert [place for place, *_ in places][:3] == ["1", "2", "3"]
    assert all(15 <= int(points) <= 30 for *_, points in places[:3])


def test_library_shows_published_cases_with_likes(seeded):
    text = _text(_page(seeded, "employee@demo.szn.local", "/team/library"))
    assert "Пенсионер и электронная очередь" in text
    assert re.search(r"Тихий час колл-центра Лайфхак · [А-ЯЁ][а-яё]+ [^♥]+ ♥ [1-9]", text)


def test_peer_ratings_are_shown_above_the_anonymity_threshold(seeded):
    text = _text(_page(seeded, "employee@demo.szn.local", "/team/ratings/me"))
    raters = int(re.search(r"Вас оценили (\d+) коллег", text).group(1))
    assert raters >= seeded.config.get("PEER_RATING_MIN_RATERS", 3)
    assert re.search(r"Вежливость \d[.,]\d \(\d+\) \d[.,]\d \(\d+\)", text)  # colleagues' and clients' averages
    text = _text(_page(seeded, "hr@demo.szn.local", "/metrics/competence/ranking"))
    assert re.search(r"коллеги [1-9]", text)


def test_certificates_issued_and_one_due_with_a_signatory(seeded):
    text = _text(_page(seeded, "hr@demo.szn.local", "/certificates/registry"))
    due = _text(_page(seeded, "hr@demo.szn.local", "/certificates/due"))
    issued = re.findall(r"СЗН-52-2026-\d+ [А-ЯЁ][а-яё]+ [А-ЯЁ][а-яё]+ [А-ЯЁ][а-яё]+ ЦЗН [^0-9]+\(демо\) Сертификат:", text)
    assert len(issued) == 3
    assert re.search(r"Ожидают сертификата: 1 Выбрать ФИО Группа Курс завершён [А-ЯЁ][а-яё]+ [А-ЯЁ][а-яё]+ "
                     r"[А-ЯЁ][а-яё]+ .* Демо-группа", due)
    assert 'value="Кадрова Н. В."' in _page(seeded, "hr@demo.szn.local", "/certificates/settings")


def test_materials_and_the_staff_enps_beside_the_clients_nps(seeded):
    text = _text(_page(seeded, "employee@demo.szn.local", "/materials/"))
    assert len(re.findall(r"версия \d+ от \d+ [а-я]+ \d{4}", text)) >= 3  # the course kit, loaded before the demo
    text = _text(_page(seeded, "manager@demo.szn.local", "/metrics/"))
    assert re.search(r"eNPS сотрудников [+−-]?\d+", text)


def test_quality_checks_feed_the_index(seeded):
    manager = db.session.scalar(select(User).where(User.email == "manager@demo.szn.local"))
    text = _text(_page(seeded, "manager@demo.szn.local", f"/metrics/pulse/centre/{manager.centre_id}?key=2026-11"))
    row = re.search(r"Внутренний показатель качества \(IQS\), среднее по проверкам Дружелюбное отношение · "
                    r"внутренняя оценка (\d+,\d) % (\d+) \d+,\d учтён", text)
    assert row and int(row.group(2)) >= 10  # enough checks in November for the index to count them


def test_the_demo_pulse_shows_csi_in_the_index_and_the_comparison(seeded):
    text = _text(_page(seeded, "manager@demo.szn.local", "/metrics/"))
    assert re.search(r"CSI — индекс удовлетворённости \d+,\d % n = \d+", text)
    assert re.search(r"Индекс удовлетворённости клиентов \(CSI\) .*? \d+,\d % \d+ \d+,\d учтён", text)
    compare = _text(_page(seeded, "hr@demo.szn.local", "/metrics/compare"))
    assert re.search(r"\d+,\d % \(\d+\)", compare)


def test_the_demo_has_answers_from_other_channels_and_a_mentions_register(seeded):
    text = _text(_page(seeded, "manager@demo.szn.local", "/metrics/"))
    assert re.search(r"По каналам Канал Ответов Низких NPS CSAT QR-код \d+ .*? по телефону \d+ .*? бумажная анкета 4 ",
                     text)
    hr_email = demo.DEMO_LOGINS[1][0]
    service = _text(_page(seeded, hr_email, "/metrics/"))
    assert re.search(r"Упоминаний за период \d+", service) and "Ручной реестр" in service
    assert "Сообщество «Наш район» во ВКонтакте" in _text(_page(seeded, hr_email, "/metrics/mentions"))
