"""Engagement on phones: a quest with two instructors scoring while the leaderboard updates by itself; a peer
rating that respects the 30-day rule and the anonymity threshold; the main pages pass axe and fit 360 px."""
import pytest

from tests.factories import make_org, make_user
from tests.support.browser import axe_violations, has_horizontal_scroll, new_page, sign_in
from training.accounts.models import Role
from training.extensions import db
from training.gamification.committee import services as committee
from training.gamification.library import services as library
from training.gamification.quests import services as quests
from training.gamification.quests.models import QuestScore
from training.gamification.ratings import services as ratings
from training.gamification.ratings.models import PeerRatingPair
from training.gamification.stress import services as stress

pytestmark = pytest.mark.browser


def _second_phone(browser, live_server):
    context, page = new_page(browser, live_server, is_mobile=True, has_touch=True)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return context, page, errors


def _board_order(page) -> list[str]:
    return page.locator("#board tbody tr").evaluate_all("rows => rows.map(r => r.dataset.team + ':' + "
                                                        "r.querySelector('.place').textContent.trim())")


def test_a_quest_runs_with_two_instructors_scoring_and_the_leaderboard_updating(phone, browser, live_server, live_app):
    org = make_org()
    hr = make_user(Role.HR, service=org.service, full_name="Кадрова Наталья Викторовна")
    first = make_user(Role.TEACHER, department=org.back_a, full_name="Инструкторова Ирина Ивановна")
    second = make_user(Role.MANAGER, department=org.front_a, full_name="Руководов Игорь Павлович")
    viewer = make_user(department=org.front_a, full_name="Зрителева Зоя Захаровна")
    players = [make_user(department=org.front_a, full_name=f"Игроков{n} Иван Иванович") for n in range(2)]
    quest = quests.create_quest(hr, title="Квест «Путь клиента»")
    alpha = quests.save_team(hr, quest, None, name="Альфа", member_ids=[players[0].id])
    beta = quests.save_team(hr, quest, None, name="Бета", member_ids=[players[1].id])
    cp1 = quests.add_checkpoint(hr, quest, title="Встреча клиента", kind="exercise", task="Разыграйте встречу у входа",
                                max_points=10, quiz_id=None, instructor_ids=[first.id])
    cp2 = quests.add_checkpoint(hr, quest, title="Сложный вопрос", kind="question", task="Как объяснить отказ?",
                                max_points=10, quiz_id=None, instructor_ids=[second.id])
    quests.start_quest(hr, quest)
    db.session.commit()

    # the leaderboard, as on the hall's screen, polls by itself
    board_context, board, board_errors = _second_phone(browser, live_server)
    sign_in(board, viewer)
    board.goto(f"/team/quests/{quest.id}/board")
    assert _board_order(board) == ["Альфа:1=", "Бета:1="]  # 0:0 is a tie, shown as a tie
    assert not has_horizontal_scroll(board)

    sign_in(phone, first)
    phone.goto(f"/team/quests/{quest.id}")
    phone.get_by_role("link", name="1. Встреча клиента").click()
    phone.wait_for_url(f"**/points/{cp1.id}")
    assert phone.get_by_text("Разыграйте встречу у входа").count() == 1
    beta_card = phone.locator(f"#team-{beta.id}")
    beta_card.get_by_label("Баллы (0–10)").fill("7")
    beta_card.get_by_label("Комментарий").fill("Встретили с улыбкой")
    beta_card.get_by_role("button", name="Сохранить баллы").click()
    phone.locator(f"#team-{beta.id}").get_by_text("Баллы сохранены.").wait_for()
    assert not has_horizontal_scroll(phone)

    board.wait_for_function("() => document.querySelector('#board tbody tr').dataset.team === 'Бета'", timeout=8000)
    assert _board_order(board) == ["Бета:1", "Альфа:2"]

    second_context, second_phone, second_errors = _second_phone(browser, live_server)
    sign_in(second_phone, second)
    second_phone.goto(f"/team/quests/{quest.id}/points/{cp2.id}")
    alpha_card = second_phone.locator(f"#team-{alpha.id}")
    alpha_card.get_by_label("Баллы (0–10)").fill("7")
    alpha_card.get_by_role("button", name="Сохранить баллы").click()
    second_phone.locator(f"#team-{alpha.id}").get_by_text("Баллы сохранены.").wait_for()
    assert not has_horizontal_scroll(second_phone)

    board.wait_for_function("() => document.querySelector('#board .place').textContent.includes('=')", timeout=8000)
    assert sorted(_board_order(board)) == ["Альфа:1=", "Бета:1="]

    # the first instructor, whose page is now stale, corrects Бета: one score, one revision
    beta_card = phone.locator(f"#team-{beta.id}")
    beta_card.get_by_label("Баллы (0–10)").fill("9")
    beta_card.get_by_role("button", name="Исправить оценку").click()
    phone.locator(f"#team-{beta.id}").get_by_text("Исправления (1)").wait_for()
    board.wait_for_function("() => document.querySelector('#board tbody tr .points').textContent.trim() === '9'",
                            timeout=8000)
    assert _board_order(board) == ["Бета:1", "Альфа:2"]

    quests.close_quest(hr, db.session.get(type(quest), quest.id))
    db.session.commit()
    board.get_by_text("Итоги заморожены").wait_for(timeout=8000)
    assert board.locator("#board[hx-trigger]").count() == 0  # polling stops once frozen
    db.session.expire_all()
    assert db.session.scalar(db.select(db.func.count()).select_from(QuestScore)) == 2
    for context in (board_context, second_context):
        context.close()
    assert not board_errors and not second_errors


def test_a_peer_rating_respects_the_30_day_rule_and_the_anonymity_threshold(phone, browser, live_server, live_app):
    org = make_org()
    ratings.seed_default_aspects()
    db.session.commit()
    anna = make_user(department=org.front_a, full_name="Антонова Анна Андреевна")
    boris = make_user(department=org.front_a, full_name="Борисов Борис Борисович")
    vera = make_user(department=org.front_a, full_name="Волкова Вера Викторовна")
    gleb = make_user(department=org.back_a, full_name="Глебов Глеб Геннадьевич")

    sign_in(phone, anna)
    phone.goto("/team/ratings")
    assert phone.locator(".rating-name").inner_text() == boris.full_name  # own department first
    assert not has_horizontal_scroll(phone)
    for aspect in ratings.aspects_for(org.service.id):
        phone.get_by_role("group", name=aspect.name).get_by_text("4", exact=True).click()
    phone.get_by_role("button", name="Оценить").click()
    phone.get_by_text("Оценка сохранена анонимно.").wait_for()
    assert phone.locator(".rating-name").inner_text() == vera.full_name
    assert not has_horizontal_scroll(phone)

    # within 30 days Борисов does not come back: go through the whole deck
    phone.goto("/team/ratings")
    seen = []
    while phone.locator(".rating-name").count():
        seen.append(phone.locator(".rating-name").inner_text())
        phone.get_by_role("button", name="Пропустить").click()
        phone.wait_for_function("n => document.querySelectorAll('.rating-name').length === 0 || "
                                "document.querySelector('.rating-count').textContent.startsWith('Карточка ' + n)",
                                arg=len(seen) + 1)
    assert seen == [vera.full_name, gleb.full_name]
    assert phone.get_by_text("Вы просмотрели все карточки.").is_visible()

    # Борисов sees nothing until three different colleagues rated him, and never who rated
    boris_context, boris_phone, errors = _second_phone(browser, live_server)
    sign_in(boris_phone, boris)
    boris_phone.goto("/team/ratings/me")
    assert boris_phone.get_by_text("появятся, когда вас оценят не меньше 3").is_visible()
    assert boris_phone.locator("table strong").count() == 0
    for rater, value in ((vera, 5), (gleb, 3)):
        ratings.submit_rating(rater, boris, {a.id: value for a in ratings.aspects_for(org.service.id)})
    db.session.commit()
    boris_phone.reload()
    assert boris_phone.locator("table strong").all_inner_texts() == ["4,0"] * 5
    body = boris_phone.locator("main").inner_text()
    assert all(name not in body for name in (anna.full_name, vera.full_name, gleb.full_name))
    assert not has_horizontal_scroll(boris_phone)
    boris_context.close()
    assert not errors
    assert db.session.scalar(db.select(db.func.count()).select_from(PeerRatingPair)) == 3


def test_engagement_pages_fit_a_phone_and_pass_axe(browser, live_server, live_app):
    org = make_org()
    ratings.seed_default_aspects()
    library.seed_reference_lists()
    hr = make_user(Role.HR, service=org.service)
    member = make_user(Role.MANAGER, department=org.front_a)
    employee = make_user(department=org.front_a)
    make_user(department=org.front_a)
    committee.add_member(hr, org.service.id, member)
    quest = quests.create_quest(member, title="Квест")
    quests.save_team(member, quest, None, name="Альфа", member_ids=[employee.id])
    quests.save_team(member, quest, None, name="Бета", member_ids=[])
    checkpoint = quests.add_checkpoint(member, quest, title="Точка", kind="case", task="Кейс", max_points=5,
                                       quiz_id=None, instructor_ids=[member.id])
    quests.start_quest(member, quest)
    item = stress.post_item(org.service.id, text="Длинная очередь к окну номер три", centre_id=org.centre_a.id)
    stress.add_measure(member, item.month_row, text="Открыть второе окно", owner=employee, item=item, status="done",
                       public_text="Открыли второе окно приёма: очередь стала короче")  # its «Для клиентов» form
    case = library.submit_case(employee, kind="case", title="Кейс", situation="С", action="Д", result="Р",
                               client_group_id=None, touchpoint_id=None)
    db.session.commit()
    pages = {
        employee: ["/team/", "/team/ratings", "/team/ratings/me", "/team/quests", f"/team/quests/{quest.id}",
                   f"/team/quests/{quest.id}/board", "/team/stress", "/team/stress/months", "/team/library",
                   "/team/library/new", "/team/library/mine", "/team/committee"],
        member: [f"/team/quests/{quest.id}", f"/team/quests/{quest.id}/points/{checkpoint.id}", "/team/quests/new",
                 f"/team/stress/review/{stress.current_month()}", "/team/library/moderation",
                 f"/team/library/{case.id}"],
        hr: ["/team/ratings/aspects", "/team/committee"],
        None: [f"/team/stress/from-clients/{org.centre_a.id}"],
    }
    failures = []
    for who, paths in pages.items():
        context, page = new_page(browser, live_server, bypass_csp=True)
        if who is not None:
            sign_in(page, who)
        for path in paths:
            response = page.goto(path)
            assert response.status == 200, path
            if has_horizontal_scroll(page):
                failures.append(f"{path}: horizontal scroll at 360 px")
            failures += [f"{path}: {v}" for v in axe_violations(page)]
        context.close()
    assert not failures, "\n".join(failures)
