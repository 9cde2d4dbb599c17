"""The events pages as a person uses them: refusals with a Russian message and nothing written, the calendar's
htmx fragment, .ics files and the personal feed, check-in with a wrong code, who may schedule."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select, update

from seeds.reference import event_formats
from tests.factories import make_user
from tests.support.app import sign_in
from training.db import utcnow
from training.extensions import db
from training.gamification.events import ics
from training.gamification.events import services as events
from training.gamification.events.models import Event, EventFormat
from training.templating import DISPLAY_TZ


def _cafe() -> EventFormat:
    return db.session.scalar(select(EventFormat).where(EventFormat.code == "knowledge_cafe"))


def _form(**changes) -> dict:
    starts = (utcnow() + timedelta(days=3)).astimezone(DISPLAY_TZ)
    data = {"title": "Кафе знаний", "day": starts.strftime("%Y-%m-%d"), "time": "10:00", "duration_minutes": "75",
            "place": "Зал", "video_url": "", "centre_id": "0", "department_id": "0", "capacity": "",
            "programme_id": "0", "description": ""}
    data.update(changes)
    return data


def _event(staff, org, **kw) -> Event:
    event = events.schedule_event(staff["manager"], _cafe(), title="Кафе знаний", duration_minutes=75, place="Зал",
                                  starts_at=kw.pop("starts_at", utcnow() + timedelta(days=2)),
                                  centre_id=org.centre_a.id, **kw)
    db.session.commit()
    return event


def test_scheduling_without_a_place_or_link_is_refused_in_russian_and_writes_nothing(client, staff):
    sign_in(client, staff["manager"])
    response = client.post(f"/team/events/new?format={_cafe().id}", data=_form(place=""))
    assert response.status_code == 422
    assert "Укажите место или ссылку на видеовстречу." in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Event)) == 0


def test_a_date_years_away_is_refused(client, staff):
    sign_in(client, staff["manager"])
    response = client.post(f"/team/events/new?format={_cafe().id}", data=_form(day="0001-01-01"))
    assert response.status_code == 422 and "не дальше трёх лет" in response.get_data(as_text=True)


def test_the_manager_schedules_and_lands_on_the_event(client, staff, org):
    sign_in(client, staff["manager"])
    response = client.post(f"/team/events/new?format={_cafe().id}", data=_form(centre_id=str(org.centre_a.id),
                                                                               capacity="12"))
    assert response.status_code == 303
    event = db.session.scalar(select(Event))
    assert response.headers["Location"].endswith(f"/team/events/{event.id}")
    assert (event.capacity, event.centre_id, event.starts_at.astimezone(DISPLAY_TZ).hour) == (12, org.centre_a.id, 10)


def test_an_employee_schedules_only_when_hr_allows(client, staff, org):
    sign_in(client, staff["anna"])
    assert client.get(f"/team/events/new?format={_cafe().id}").status_code == 403
    events.set_employees_may_organise(staff["hr"], org.service.id, True)
    db.session.commit()
    assert client.get(f"/team/events/new?format={_cafe().id}").status_code == 200


def test_the_week_view_answers_htmx_with_the_calendar_only(client, staff, org):
    event = _event(staff, org)
    sign_in(client, staff["anna"])
    week = event.starts_at.astimezone(DISPLAY_TZ).date().isoformat()
    response = client.get(f"/team/events?view=week&week={week}", headers={"HX-Request": "true"})
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in body and 'id="calendar"' in body
    assert "Кафе знаний" in body and "HX-Request" in response.headers["Vary"]


def test_the_event_ics_and_the_personal_feed(client, staff, org):
    event = _event(staff, org)
    anna = staff["anna"]
    events.register(anna, event)
    db.session.commit()
    sign_in(client, anna)
    one = client.get(f"/team/events/{event.id}/event.ics")
    assert one.mimetype == "text/calendar" and "SUMMARY:Кафе знаний" in one.get_data(as_text=True)
    client.post("/auth/logout")
    feed = client.get(f"/team/events/feed/{ics.feed_token(anna)}.ics")
    assert feed.status_code == 200 and f"UID:event-{event.id}@" in feed.get_data(as_text=True)
    assert client.get(f"/team/events/feed/{anna.id}-wrong.ics").status_code == 404


def test_a_wrong_check_in_code_is_refused_with_a_message(client, staff, org):
    event = _event(staff, org, starts_at=utcnow() + timedelta(minutes=10))
    events.register(staff["anna"], event)
    db.session.commit()
    sign_in(client, staff["anna"])
    response = client.post(f"/team/events/{event.id}/checkin", data={"code": "ЖЖЖЖЖЖ"})
    assert response.status_code == 422 and "Код устарел или не подходит" in response.get_data(as_text=True)
    assert events.participant_of(event, staff["anna"]).attended_at is None


def test_hr_edits_a_format_in_the_catalogue(client, staff):
    cafe = _cafe()
    sign_in(client, staff["hr"])
    response = client.post(f"/team/events/formats/{cafe.id}/edit", data={
        "name": "Кафе знаний", "purpose": "Разговор за столами.", "group_size": "6–12", "duration_minutes": "60",
        "timing": "", "roles": "Модератор", "run_sheet": "10 | Вопрос\n40 | Столы\n10 | Итоги",
        "record_after": "Идеи", "is_active": "y"})
    assert response.status_code == 303
    page = client.get(f"/team/events/formats/{cafe.id}").get_data(as_text=True)
    assert "Разговор за столами." in page and "40 мин" in page
    bad = client.post(f"/team/events/formats/{cafe.id}/edit", data={
        "name": "Кафе знаний", "purpose": "x", "duration_minutes": "60", "run_sheet": "сорок | Столы",
        "is_active": "y"})
    assert bad.status_code == 422 and "строка 1" in bad.get_data(as_text=True)


def test_the_home_page_lists_my_next_events(client, staff, org):
    event = _event(staff, org, capacity=1)
    events.register(staff["anna"], event)
    events.register(staff["boris"], event)
    db.session.commit()
    sign_in(client, staff["boris"])
    home = client.get("/").get_data(as_text=True)
    assert 'hx-get="/team/events/mine"' in home  # the panel loads when the page scrolls to it
    panel = client.get("/team/events/mine", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "Мои мероприятия" in panel and "Кафе знаний" in panel and "в листе ожидания" in panel


def test_the_organiser_moves_the_event_and_the_page_shows_the_new_time(client, staff, org):
    event = _event(staff, org)
    sign_in(client, staff["manager"])
    assert client.get(f"/team/events/{event.id}/edit").status_code == 200
    starts = (utcnow() + timedelta(days=5)).astimezone(DISPLAY_TZ)
    response = client.post(f"/team/events/{event.id}/edit", data={
        "title": "Кафе знаний", "day": starts.strftime("%Y-%m-%d"), "time": "15:30", "duration_minutes": "60",
        "place": "Актовый зал", "video_url": "", "capacity": "", "description": ""})
    assert response.status_code == 303
    db.session.refresh(event)
    assert (event.place, event.starts_at.astimezone(DISPLAY_TZ).strftime("%H:%M")) == ("Актовый зал", "15:30")


def test_clients_see_the_centres_open_day_without_an_account_and_nothing_else(client, staff, org):
    fmt = db.session.scalar(select(EventFormat).where(EventFormat.code == "open_day"))
    events.schedule_event(staff["manager"], fmt, title="День открытых дверей", starts_at=utcnow() + timedelta(days=4),
                          duration_minutes=180, place="ЦЗН, 1 этаж", centre_id=org.centre_a.id, open_to_clients=True)
    _event(staff, org)  # a staff-only knowledge cafe
    db.session.commit()
    page = client.get(f"/team/events/open/{org.centre_a.id}").get_data(as_text=True)
    assert "День открытых дверей" in page and "ЦЗН, 1 этаж" in page
    assert "Кафе знаний" not in page and staff["manager"].full_name not in page
    assert "День открытых дверей" not in client.get(f"/team/events/open/{org.centre_b.id}").get_data(as_text=True)


def test_adding_to_a_programme_carries_it_from_the_catalogue_to_the_form(client, staff):
    programme = events.create_programme(staff["manager"], title="Неделя клиентоцентричности",
                                        starts_on=date.today(), ends_on=date.today() + timedelta(days=4))
    db.session.commit()
    sign_in(client, staff["manager"])
    week = client.get(f"/team/events/weeks/{programme.id}").get_data(as_text=True)
    assert f"/team/events/formats?programme={programme.id}" in week
    catalogue = client.get(f"/team/events/formats?programme={programme.id}").get_data(as_text=True)
    assert f"/team/events/formats/{_cafe().id}?programme={programme.id}" in catalogue
    form = client.get(f"/team/events/new?format={_cafe().id}&programme={programme.id}").get_data(as_text=True)
    assert f'<option selected value="{programme.id}">' in form or f'value="{programme.id}" selected' in form


def test_the_organiser_sees_the_run_sheet_against_the_event_clock(client, staff, org):
    starts = (utcnow() + timedelta(days=2)).astimezone(DISPLAY_TZ).replace(hour=10, minute=0, second=0, microsecond=0)
    event = _event(staff, org, starts_at=starts)
    sign_in(client, staff["manager"])
    page = client.get(f"/team/events/{event.id}").get_data(as_text=True)
    # Кафе знаний: 10 + 15 + 25 + 20 + 5 minutes from 10:00
    assert [f"<strong>{t}</strong>" in page for t in ("10:00", "10:10", "10:25", "10:50", "11:10")] == [True] * 5
    client.post("/auth/logout")
    sign_in(client, staff["anna"])
    assert "Сценарий по времени" not in client.get(f"/team/events/{event.id}").get_data(as_text=True)


def test_past_events_are_listed_newest_first_for_recording_outcomes(client, staff, org):
    old, older = _event(staff, org), _event(staff, org)
    for event, days in ((old, 2), (older, 9)):
        db.session.execute(update(Event).where(Event.id == event.id).values(
            title=f"Прошло {days} дн.", starts_at=utcnow() - timedelta(days=days),
            ends_at=utcnow() - timedelta(days=days) + timedelta(hours=1)))
    db.session.commit()
    sign_in(client, staff["manager"])
    page = client.get("/team/events?view=past").get_data(as_text=True)
    assert page.index("Прошло 2 дн.") < page.index("Прошло 9 дн.")
    assert "Прошло 2 дн." not in client.get("/team/events").get_data(as_text=True)


def test_the_organiser_downloads_the_attendance_sheet_and_a_colleague_cannot(client, staff, org):
    event = _event(staff, org, starts_at=utcnow() + timedelta(minutes=10))
    events.register(staff["anna"], event)
    events.mark_attendance(staff["manager"], event, events.participant_of(event, staff["anna"]))
    events.register(staff["boris"], event)
    db.session.commit()
    sign_in(client, staff["manager"])
    sheet = client.get(f"/team/events/{event.id}/attendance.csv")
    text = sheet.get_data().decode("utf-8-sig")
    assert sheet.mimetype == "text/csv" and "ФИО" in text.splitlines()[0]
    assert "Антонова Анна Андреевна" in text and "был(а)" in text and "отметил организатор" in text
    assert "Борисов Борис Борисович" in text
    client.post("/auth/logout")
    sign_in(client, staff["anna"])
    assert client.get(f"/team/events/{event.id}/attendance.csv").status_code == 403


def test_hr_adds_a_format_of_its_own_that_seeding_leaves_alone(client, staff):
    sign_in(client, staff["hr"])
    response = client.post("/team/events/formats/new", data={
        "name": "День семьи", "purpose": "Сотрудники приводят на работу близких.", "group_size": "до 40",
        "duration_minutes": "120", "timing": "", "roles": "Ведущий; экскурсоводы", "record_after": "Отзывы",
        "run_sheet": "20 | Встреча гостей\n60 | Экскурсия по центру\n40 | Чаепитие", "is_active": "y"})
    assert response.status_code == 303
    fmt = db.session.scalar(select(EventFormat).where(EventFormat.name == "День семьи"))
    assert [s["minutes"] for s in fmt.run_sheet] == [20, 60, 40]
    assert "День семьи" in client.get("/team/events/formats").get_data(as_text=True)
    assert event_formats() == 0 and db.session.get(EventFormat, fmt.id).name == "День семьи"
    client.post("/auth/logout")
    sign_in(client, staff["anna"])
    assert client.get("/team/events/formats/new").status_code == 403


def test_an_events_idea_fills_the_ideas_form_only_for_its_own_service(client, staff, org):
    event = _event(staff, org)
    outcome = events.add_outcome(staff["manager"], event, kind="idea", text="Навигация по цветам")
    db.session.commit()
    sign_in(client, staff["anna"])
    assert f"/team/ideas?outcome={outcome.id}" in client.get(f"/team/events/{event.id}").get_data(as_text=True)
    form = client.get(f"/team/ideas?outcome={outcome.id}").get_data(as_text=True)
    assert 'value="Навигация по цветам"' in form
    assert f'<option selected value="{outcome.id}">' in form
    stranger = make_user(centre=org.other_centre, full_name="Чужой Иван Иванович")
    db.session.commit()
    other = client.application.test_client()
    sign_in(other, stranger)
    form = other.get(f"/team/ideas?outcome={outcome.id}").get_data(as_text=True)
    assert "Навигация по цветам" not in form  # another service's event is neither named nor preselected
