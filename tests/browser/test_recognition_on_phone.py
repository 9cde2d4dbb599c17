"""«Сотрудник месяца» on a phone: a colleague votes and changes the vote; a client votes from the QR link and a
second vote with the same code is refused."""
import pytest

from tests.factories import make_org, make_user
from tests.support.browser import axe_violations, has_horizontal_scroll, sign_in
from training.accounts.models import Role
from training.db import utcnow
from training.extensions import db
from training.gamification.contests import codes, services
from training.gamification.contests.models import ClientVote, ColleagueVote
from training.gamification.recognition import services as recognition

pytestmark = pytest.mark.browser


def test_colleague_votes_and_changes_the_vote_on_a_phone(phone, live_app):
    org = make_org()
    manager = make_user(Role.MANAGER, department=org.front_a, full_name="Руководова Ольга Петровна")
    anna = make_user(department=org.front_a, full_name="Антонова Анна Сергеевна")
    make_user(department=org.front_a, full_name="Борисов Борис Ильич")
    make_user(department=org.back_a, full_name="Волкова Вера Андреевна")
    contest = services.open_contest(manager, centre=org.centre_a)
    db.session.commit()

    sign_in(phone, anna)
    phone.goto("/recognition/")
    assert not has_horizontal_scroll(phone)
    phone.get_by_role("link", name="Голосовать").click()
    phone.wait_for_url(f"**/recognition/contests/{contest.id}")
    phone.get_by_label("Коллега").select_option(label="Борисов Борис Ильич · Фронт-офис")
    phone.get_by_label("За что (необязательно)").fill("Терпеливо объяснил, как подать заявление онлайн")
    phone.get_by_role("button", name="Проголосовать").click()
    phone.get_by_text("Голос учтён").wait_for()
    assert phone.get_by_text("Ваш голос: Борисов Борис Ильич").is_visible()
    assert not has_horizontal_scroll(phone)

    phone.get_by_label("Коллега").select_option(label="Волкова Вера Андреевна · Бэк-офис")
    phone.get_by_role("button", name="Изменить голос").click()
    phone.get_by_text("Голос изменён").wait_for()
    assert phone.get_by_text("Ваш голос: Волкова Вера Андреевна").is_visible()
    assert not has_horizontal_scroll(phone)

    db.session.expire_all()
    votes = db.session.scalars(db.select(ColleagueVote)).all()
    assert len(votes) == 1 and votes[0].nominee.full_name == "Волкова Вера Андреевна"


def test_client_votes_from_the_qr_link_and_the_same_code_is_refused_the_second_time(phone, live_app):
    org = make_org()
    employee = make_user(department=org.front_a, full_name="Специалистова Мария Ивановна")
    code = codes.client_code(employee.id, codes.window_index(utcnow()))
    link = f"/v/{employee.id}/{codes.sheet_signature(employee.id)}"

    phone.goto(f"{link}?k={code}")  # the QR on the window screen carries the code
    assert phone.get_by_role("heading", name="Вам помогла Мария?").is_visible()
    assert not has_horizontal_scroll(phone)
    phone.get_by_label("Отзыв (необязательно)").fill("Всё объяснили быстро и понятно")
    phone.get_by_role("button", name="Голосую").click()
    phone.wait_for_url("**/v/done")
    assert phone.get_by_role("heading", name="Спасибо! Ваш голос учтён.").is_visible()
    assert not has_horizontal_scroll(phone)

    phone.goto(link)  # the printed sheet's QR: the client types the code shown at the window
    phone.get_by_label("Код от специалиста").fill(code.lower())
    phone.get_by_role("button", name="Голосую").click()
    phone.get_by_text("С этого телефона уже отдан голос по этому коду").wait_for()
    assert not has_horizontal_scroll(phone)

    db.session.expire_all()
    votes = db.session.scalars(db.select(ClientVote)).all()
    assert len(votes) == 1 and votes[0].comment == "Всё объяснили быстро и понятно"


def test_recognition_pages_have_no_serious_accessibility_violations(phone, live_app):

    org = make_org()
    manager = make_user(Role.MANAGER, department=org.front_a, full_name="Руководова Ольга Петровна")
    anna = make_user(department=org.front_a, full_name="Антонова Анна Сергеевна", is_public_consent=True)
    boris = make_user(department=org.front_a, full_name="Борисов Борис Ильич")
    closed = services.open_contest(manager, centre=org.centre_a)
    services.cast_vote(boris, closed, anna)
    services.close_contest(manager, closed)
    recognition.give_thanks(boris, anna, "За помощь клиенту с пособием")
    db.session.commit()
    link = f"/v/{anna.id}/{codes.sheet_signature(anna.id)}"
    phone.goto(link)
    problems = [f"{link}: {v}" for v in axe_violations(phone)]
    sign_in(phone, anna)
    for path in ("/recognition/", f"/recognition/contests/{closed.id}", "/recognition/contests", "/recognition/thanks",
                 "/recognition/thanks/new", "/recognition/board", "/recognition/points", "/recognition/badges",
                 f"/recognition/people/{anna.id}", "/recognition/window"):
        phone.goto(path)
        assert not has_horizontal_scroll(phone), path
        problems += [f"{path}: {v}" for v in axe_violations(phone)]
    phone.context.clear_cookies()
    sign_in(phone, make_user(Role.HR, service=org.service))
    for path in ("/recognition/flags", "/recognition/contests/new", f"/recognition/contests/{closed.id}"):
        phone.goto(path)
        assert not has_horizontal_scroll(phone), path
        problems += [f"{path}: {v}" for v in axe_violations(phone)]
    assert not problems, "\n".join(problems)
