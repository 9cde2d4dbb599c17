"""On phones (360×740): an organiser schedules a «Кафе знаний» from the catalogue, colleagues register, check in
by the rotating QR code on the organiser's screen, give feedback, and the organiser records an idea that goes on to
the ideas board, gathers support and becomes the committee's project."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from seeds.reference import event_formats
from tests.factories import make_org, make_user
from tests.support.browser import axe_violations, has_horizontal_scroll, new_page, sign_in
from training.accounts.models import Role
from training.db import utcnow
from training.extensions import db
from training.gamification.committee import services as committee
from training.gamification.events.models import Event, EventOutcome, OutcomeKind
from training.gamification.ideas.models import Idea, IdeaStatus
from training.templating import DISPLAY_TZ

pytestmark = pytest.mark.browser


def _colleague_phone(browser, live_server, user):
    context, page = new_page(browser, live_server, is_mobile=True, has_touch=True)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    sign_in(page, user)
    return context, page, errors


def test_a_knowledge_cafe_from_the_catalogue_to_an_idea_and_a_committee_project(phone, browser, live_server, live_app):
    org = make_org()
    manager = make_user(Role.MANAGER, department=org.front_a, full_name="Руководов Игорь Павлович")
    anna = make_user(department=org.front_a, full_name="Антонова Анна Андреевна")
    boris = make_user(department=org.front_a, full_name="Борисов Борис Борисович")
    chair = make_user(Role.HR, department=org.front_a, full_name="Кадрова Вера Петровна")
    committee.add_member(chair, org.service.id, chair, is_chair=True)
    event_formats()
    db.session.commit()

    # the organiser picks the format in the catalogue and schedules it
    sign_in(phone, manager)
    phone.goto("/team/events")
    phone.get_by_role("link", name="Назначить").click()
    assert axe_violations(phone) == []  # the catalogue
    phone.get_by_role("link", name="Кафе знаний").click()
    assert phone.get_by_text("Сценарий").count() >= 1
    assert not has_horizontal_scroll(phone)
    assert axe_violations(phone) == []  # the format with its run sheet
    phone.get_by_role("link", name="Назначить").click()
    starts = (utcnow() + timedelta(minutes=20)).astimezone(DISPLAY_TZ)
    phone.get_by_label("Название").fill("Кафе знаний: очередь у окна")
    phone.get_by_label("Дата").fill(starts.strftime("%Y-%m-%d"))
    phone.get_by_label("Начало").fill(starts.strftime("%H:%M"))
    phone.get_by_label("Место").fill("Зал совещаний, 2 этаж")
    phone.get_by_label("Мест (пусто — без ограничения)").fill("12")
    assert not has_horizontal_scroll(phone)
    phone.get_by_role("button", name="Назначить").click()
    phone.get_by_text("Мероприятие назначено").wait_for()
    event = db.session.scalar(select(Event))
    assert (event.title, event.capacity, event.centre_id) == ("Кафе знаний: очередь у окна", 12, org.centre_a.id)

    # colleagues see it in their calendar and register
    phones = []
    for person in (anna, boris):
        context, page, errors = _colleague_phone(browser, live_server, person)
        page.goto("/team/events")
        page.get_by_role("link", name="Кафе знаний: очередь у окна").click()
        page.get_by_role("button", name="Записаться").click()
        page.get_by_text("Вы записаны.").first.wait_for()
        phones.append((context, page, errors))
    anna_page = phones[0][1]
    anna_page.goto(f"/team/events?view=week&week={starts.date().isoformat()}")
    assert anna_page.locator(".week-day").get_by_text("Кафе знаний: очередь у окна").count() == 1
    assert not has_horizontal_scroll(anna_page)
    assert axe_violations(anna_page) == []  # the week view

    # at the event: the organiser shows the QR code, Anna scans it (opens its link) and checks in
    phone.goto(f"/team/events/{event.id}")
    phone.get_by_role("link", name="QR для отметки").click()
    qr = phone.get_by_role("img", name="QR-код для отметки")
    qr.wait_for()
    code = phone.locator("[data-code]").get_attribute("data-code")
    assert not has_horizontal_scroll(phone)
    anna_page.goto(f"/team/events/{event.id}/checkin?k={code}")
    anna_page.get_by_role("button", name="Отметиться").click()
    anna_page.get_by_text("Вы отмечены").wait_for()
    phone.reload()
    assert phone.locator("#qr-panel strong").inner_text() == "1"

    # the event has begun: Anna answers the two questions
    db.session.execute(update(Event).where(Event.id == event.id)
                       .values(starts_at=utcnow() - timedelta(minutes=5), ends_at=utcnow() + timedelta(minutes=70)))
    db.session.commit()
    anna_page.goto(f"/team/events/{event.id}")
    anna_page.get_by_label("5", exact=True).check()
    anna_page.get_by_label("Что вы возьмёте в работу?").fill("Спрашивать о цели визита у входа")
    anna_page.get_by_role("button", name="Отправить отзыв").click()
    anna_page.get_by_text("Спасибо за отзыв!").wait_for()
    assert not has_horizontal_scroll(anna_page)

    # the organiser records an idea and closes the event
    phone.goto(f"/team/events/{event.id}")
    assert phone.get_by_text("средняя полезность 5,0 из 5").count() == 1
    phone.get_by_label("Идея").check()
    phone.get_by_label("Текст").fill("Табло с цветом очереди у входа")
    phone.get_by_role("button", name="Записать итог").click()
    phone.locator("#outcomes").get_by_text("Табло с цветом очереди у входа").wait_for()
    phone.get_by_label("Коротко: как прошло").fill("Три стола, девять идей")
    phone.get_by_role("button", name="Завершить и попросить отзывы").click()
    phone.get_by_text("Мероприятие проведено.").wait_for()
    assert not has_horizontal_scroll(phone)
    assert axe_violations(phone) == []
    outcome = db.session.scalar(select(EventOutcome))
    assert (outcome.kind, outcome.text) == (OutcomeKind.IDEA, "Табло с цветом очереди у входа")

    # the idea goes to the ideas board from the event's page, the form filled from the outcome
    phone.locator("#outcomes").get_by_role("link", name="Предложить в проекты").click()
    assert phone.get_by_label("Идея в одной фразе").input_value() == "Табло с цветом очереди у входа"
    assert phone.get_by_label("По идее с мероприятия").locator("option:checked").inner_text().startswith(
        "Кафе знаний: очередь у окна")
    assert not has_horizontal_scroll(phone)
    phone.get_by_role("button", name="Предложить").click()
    phone.get_by_text("Идея опубликована").wait_for()
    idea = db.session.scalar(select(Idea))
    assert (idea.event_outcome_id, idea.author_id) == (outcome.id, manager.id)

    # a colleague supports it
    anna_page.goto(f"/team/ideas/{idea.id}")
    anna_page.get_by_text("С мероприятия «Кафе знаний: очередь у окна»").wait_for()
    anna_page.get_by_role("button", name="Поддержать").click()
    anna_page.get_by_text("Вы поддержали идею.").wait_for()
    assert anna_page.locator(".support-count").inner_text() == "1"

    # the committee's chair accepts it into a project that Anna leads
    context, chair_page, chair_errors = _colleague_phone(browser, live_server, chair)
    phones.append((context, chair_page, chair_errors))
    chair_page.goto(f"/team/ideas/{idea.id}")
    chair_page.get_by_label("Решение комитета").select_option("accept")
    chair_page.get_by_label("Руководитель проекта: табельный номер или e-mail").fill(anna.email)
    chair_page.get_by_label("Комментарий").fill("Берём: табло закажем к марту")
    chair_page.get_by_role("button", name="Записать решение").click()
    chair_page.get_by_text("Идея принята в проект.").wait_for()
    chair_page.get_by_text("Руководитель: Антонова Анна Андреевна").wait_for()
    assert not has_horizontal_scroll(chair_page)
    assert axe_violations(chair_page) == []
    db.session.expire_all()
    idea = db.session.get(Idea, idea.id)
    assert (idea.status, idea.project.lead_id, idea.support_count) == (IdeaStatus.PROJECT, anna.id, 1)
    for context, _, errors in phones:
        context.close()
        assert not errors
