"""Events: the catalogue, scheduling, seats and the waiting list, check-in, feedback, outcomes, reminders, .ics."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from seeds.reference import event_formats
from tests.factories import make_user
from training.accounts.models import Role
from training.db import utcnow
from training.errors import DomainError, NotAllowed
from training.extensions import db
from training.gamification.committee import services as committee
from training.gamification.events import ics
from training.gamification.events import services as events
from training.gamification.events.models import EventFormat, ParticipantStatus
from training.jobs import run_due
from training.notifications.models import Notification


def _format(code: str = "knowledge_cafe") -> EventFormat:
    return db.session.scalar(select(EventFormat).where(EventFormat.code == code))


def _event(organiser, org, *, capacity=None, starts_in=timedelta(days=2), **kw):
    return events.schedule_event(organiser, _format(), title="Кафе знаний: очередь", starts_at=utcnow() + starts_in,
                                 duration_minutes=75, place="Зал 2", centre_id=org.centre_a.id, capacity=capacity,
                                 **kw)


def test_every_format_of_the_catalogue_has_a_run_sheet_and_fireside_chat_keeps_its_timing(staff):
    formats = events.formats()
    assert len(formats) >= 20
    assert all(f.run_sheet and f.purpose and f.group_size and f.record_after for f in formats)
    fireside = _format("fireside_chat")
    assert [s["minutes"] for s in fireside.run_sheet if s["minutes"]] == [5, 5, 45, 5]
    assert "20 слайдов × 20 с" in _format("pecha_kucha").timing
    assert _format("open_day").open_to_clients


def test_seeding_again_adds_nothing_and_leaves_hr_edits_alone(staff):
    cafe = _format()
    events.update_format(staff["hr"], cafe, name="Кафе знаний (наш вариант)",
                         run_sheet=events.parse_run_sheet("10 | Вопрос\n50 | Столы"))
    db.session.commit()
    assert event_formats() == 0
    db.session.commit()
    db.session.refresh(cafe)
    assert cafe.name == "Кафе знаний (наш вариант)" and len(cafe.run_sheet) == 2


def test_an_employee_cannot_edit_a_format_and_a_bad_run_sheet_line_is_named(staff):
    with pytest.raises(NotAllowed):
        events.update_format(staff["anna"], _format(), name="x")
    with pytest.raises(DomainError, match="строка 2"):
        events.parse_run_sheet("10 | Вопрос\nдесять | Столы")


def test_who_may_organise_employees_only_when_hr_allows_and_committee_members_always(staff, org):
    anna, boris = staff["anna"], staff["boris"]
    assert not events.can_organise(anna)
    with pytest.raises(NotAllowed):
        _event(anna, org)
    committee.add_member(staff["hr"], org.service.id, boris)
    assert events.can_organise(boris)
    events.set_employees_may_organise(staff["hr"], org.service.id, True)
    assert events.can_organise(anna)
    assert _event(anna, org).organiser_id == anna.id


def test_scheduling_needs_a_place_or_a_link_and_a_future_start(staff, org):
    with pytest.raises(DomainError, match="место или ссылку"):
        events.schedule_event(staff["manager"], _format(), title="", starts_at=utcnow() + timedelta(days=1),
                              duration_minutes=60)
    with pytest.raises(DomainError, match="в будущем"):
        _event(staff["manager"], org, starts_in=-timedelta(hours=1))


def test_seats_then_the_waiting_list_and_the_first_waiting_is_promoted_and_told(staff, org):
    event = _event(staff["manager"], org, capacity=2)
    anna, boris, vera = staff["anna"], staff["boris"], staff["vera"]
    assert events.register(anna, event).status == ParticipantStatus.REGISTERED
    assert events.register(boris, event).status == ParticipantStatus.REGISTERED
    waiting = events.register(vera, event)
    assert waiting.status == ParticipantStatus.WAITLISTED and events.waitlist_position(event, waiting) == 1
    assert events.register(anna, event).status == ParticipantStatus.REGISTERED  # twice is once
    events.cancel_registration(anna, event)
    db.session.commit()
    db.session.refresh(waiting)
    assert waiting.status == ParticipantStatus.REGISTERED
    assert event.registered_count == 2
    assert db.session.scalar(select(Notification).where(Notification.user_id == vera.id,
                                                        Notification.kind == "event-seat")) is not None


def test_an_event_for_centre_a_is_not_open_to_centre_b(staff, org):
    event = _event(staff["manager"], org)
    with pytest.raises(DomainError, match="другого центра"):
        events.register(staff["dina"], event)
    assert not events.can_view(staff["dina"], event)


def test_check_in_with_the_current_code_once_and_not_with_an_old_one(staff, org):
    event = _event(staff["manager"], org, starts_in=timedelta(minutes=10))
    anna = staff["anna"]
    events.register(anna, event)
    now = utcnow()
    code, _ = events.checkin_code(event, now)
    old, _ = events.checkin_code(event, now - timedelta(minutes=5))
    with pytest.raises(DomainError, match="Код устарел"):
        events.check_in(anna, event, old, now=now)
    participant = events.check_in(anna, event, code.lower(), now=now)
    assert participant.attended_at is not None
    events.check_in(anna, event, code, now=now)  # a second scan changes nothing
    with pytest.raises(DomainError, match="не записаны"):
        events.check_in(staff["boris"], event, code, now=now)


def test_feedback_only_after_attending_and_once(staff, org):
    event = _event(staff["manager"], org, starts_in=timedelta(minutes=10))
    anna = staff["anna"]
    events.register(anna, event)
    with pytest.raises(DomainError, match="те, кто был"):
        events.give_feedback(anna, event, usefulness=5)
    events.mark_attendance(staff["manager"], event, events.participant_of(event, anna))
    events.give_feedback(anna, event, usefulness=4, takeaway="Спрашивать о цели визита")
    with pytest.raises(DomainError, match="уже оставили"):
        events.give_feedback(anna, event, usefulness=5)
    assert events.feedback_summary([event.id])["average"] == 4


def test_a_measure_needs_an_owner_and_a_due_date_and_the_owner_is_told(staff, org):
    event = _event(staff["manager"], org)
    with pytest.raises(DomainError, match="ответственный и срок"):
        events.add_outcome(staff["manager"], event, kind="measure", text="Табличка")
    events.add_outcome(staff["manager"], event, kind="measure", text="Табличка у входа", owner=staff["boris"],
                       due_on=date.today() + timedelta(days=14))
    events.add_outcome(staff["manager"], event, kind="idea", text="Навигация по цветам")
    with pytest.raises(NotAllowed):
        events.add_outcome(staff["anna"], event, kind="idea", text="Своя идея")
    assert [o.kind.value for o in event.outcomes] == ["measure", "idea"]
    assert db.session.scalar(select(Notification).where(Notification.user_id == staff["boris"].id,
                                                        Notification.kind == "event-outcome")) is not None


def test_a_reminder_a_day_ahead_once(staff, org):
    event = _event(staff["manager"], org, starts_in=timedelta(hours=20))
    events.register(staff["anna"], event)
    assert events.send_reminders() == 1
    assert events.send_reminders() == 0


def test_the_personal_feed_lists_my_events_and_a_changed_password_revokes_it(staff, org):
    event = _event(staff["manager"], org)
    anna = staff["anna"]
    events.register(anna, event)
    db.session.commit()
    token = ics.feed_token(anna)
    assert ics.user_for_token(token) == anna
    body = ics.calendar(ics.feed_events(anna, utcnow()), name="Мероприятия", host="szn.example",
                        url_of=lambda e: f"https://szn.example/team/events/{e.id}")
    assert "BEGIN:VEVENT" in body and "SUMMARY:Кафе знаний: очередь" in body and "\r\n" in body
    assert all(len(line.encode()) <= 75 for line in body.split("\r\n"))
    anna.session_version += 1
    assert ics.user_for_token(token) is None


def test_a_programme_sums_up_its_week(staff, org):
    manager = staff["manager"]
    programme = events.create_programme(manager, title="Неделя клиентоцентричности", starts_on=date.today(),
                                        ends_on=date.today() + timedelta(days=6))
    event = _event(manager, org, starts_in=timedelta(minutes=10), programme=programme,
                   speaker_ids=[staff["vera"].id])
    events.register(staff["anna"], event)
    events.mark_attendance(manager, event, events.participant_of(event, staff["anna"]))
    events.add_outcome(manager, event, kind="idea", text="Навигация по цветам")
    events.finish_event(manager, event, now=utcnow() + timedelta(minutes=20))
    db.session.refresh(programme)
    summary = events.programme_summary(programme)
    assert (summary["events"], summary["held"], summary["people"], summary["hosts"]) == (1, 1, 1, 1)
    assert [o.text for o in summary["outcomes"][events.OutcomeKind.IDEA]] == ["Навигация по цветам"]
    with pytest.raises(DomainError, match="двух недель"):
        events.create_programme(manager, title="Долго", starts_on=date.today(),
                                ends_on=date.today() + timedelta(days=20))


def test_hr_of_another_service_cannot_manage(staff, org):
    event = _event(staff["manager"], org)
    stranger = make_user(Role.HR, service=org.other_service)
    assert not events.can_manage(stranger, event) and not events.can_view(stranger, event)


def test_more_seats_seat_the_waiting_list_fewer_than_taken_are_refused_and_a_move_is_announced(staff, org):
    manager = staff["manager"]
    event = _event(manager, org, capacity=1)
    events.register(staff["anna"], event)
    waiting = events.register(staff["boris"], event)
    values = {"title": event.title, "duration_minutes": 75, "place": "Зал 2"}
    with pytest.raises(DomainError, match="Уже записано 1"):
        events.update_event(manager, event, starts_at=event.starts_at, capacity=0, **values)
    events.update_event(manager, event, starts_at=event.starts_at, capacity=2, **values)
    assert waiting.status == ParticipantStatus.REGISTERED and event.registered_count == 2
    assert not db.session.scalars(select(Notification).where(Notification.kind == "event-moved")).all()
    events.update_event(manager, event, starts_at=event.starts_at + timedelta(hours=1), capacity=2, **values)
    told = {n.user_id for n in db.session.scalars(select(Notification).where(Notification.kind == "event-moved"))}
    assert told == {staff["anna"].id, staff["boris"].id}
    with pytest.raises(NotAllowed):
        events.update_event(staff["anna"], event, starts_at=event.starts_at, capacity=2, **values)


def test_the_organiser_names_an_observer_and_a_late_speaker_who_then_gives_the_seat_back(staff, org):
    manager = staff["manager"]
    event = _event(manager, org, capacity=1)
    anna = events.register(staff["anna"], event)
    boris = events.register(staff["boris"], event)
    events.set_role(manager, event, anna, "observer")
    assert (anna.role.value, event.registered_count) == ("observer", 1)
    events.set_role(manager, event, anna, "speaker")
    assert boris.status == ParticipantStatus.REGISTERED and event.registered_count == 1
    with pytest.raises(DomainError, match="Свободных мест нет"):
        events.set_role(manager, event, anna, "participant")
    with pytest.raises(NotAllowed):
        events.set_role(staff["boris"], event, anna, "participant")


def test_the_reminder_job_runs_with_the_other_periodic_jobs(staff, org):
    event = _event(staff["manager"], org, starts_in=timedelta(hours=3))
    events.register(staff["anna"], event)
    db.session.commit()
    outcomes = dict(run_due())
    assert outcomes["events.reminders"] == "напоминаний: 1"
    assert db.session.scalar(select(Notification).where(Notification.user_id == staff["anna"].id,
                                                        Notification.kind == "event-reminder")) is not None


def test_an_overdue_measure_reminds_its_owner_once_and_a_done_one_never(staff, org):
    event = _event(staff["manager"], org)
    late = events.add_outcome(staff["manager"], event, kind="measure", text="Табличка у входа",
                              owner=staff["boris"], due_on=date.today() + timedelta(days=1))
    done = events.add_outcome(staff["manager"], event, kind="measure", text="Кулер с водой",
                              owner=staff["vera"], due_on=date.today() + timedelta(days=1))
    events.set_outcome_status(staff["vera"], done, "done")
    later = date.today() + timedelta(days=3)
    assert events.remind_overdue_measures(later) == 1
    assert events.remind_overdue_measures(later) == 0
    told = db.session.scalars(select(Notification.user_id).where(Notification.kind == "event-measure-overdue")).all()
    assert told == [late.owner_id]
