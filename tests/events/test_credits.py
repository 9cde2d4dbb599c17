"""Attending, speaking and organising: points once per source (recognition) and evidence for the proactive
competences (competence scores)."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from training.competence import services as competence
from training.db import utcnow
from training.extensions import db
from training.gamification.events import services as events
from training.gamification.events.models import EventFormat
from training.gamification.recognition.models import PointEntry
from training.measures.periods import local_today


def _points(user) -> dict[str, int]:
    return {e.source: e.amount for e in db.session.scalars(select(PointEntry).where(PointEntry.user_id == user.id))}


def _held_event(staff, org, *, attendees):
    manager = staff["manager"]
    fmt = db.session.scalar(select(EventFormat).where(EventFormat.code == "pecha_kucha"))
    event = events.schedule_event(manager, fmt, title="Печа-куча", starts_at=utcnow() + timedelta(minutes=5),
                                  duration_minutes=60, place="Зал", centre_id=org.centre_a.id,
                                  speaker_ids=[staff["vera"].id])
    for person in attendees:
        events.register(person, event)
        events.check_in(person, event, events.checkin_code(event)[0])
    events.finish_event(manager, event, now=utcnow() + timedelta(minutes=10))
    db.session.commit()
    return event


def test_attending_speaking_and_organising_each_pay_once(staff, org):
    anna = staff["anna"]
    event = _held_event(staff, org, attendees=[anna])
    assert _points(anna) == {f"event:{event.id}:attended": 5}
    assert _points(staff["vera"]) == {f"event:{event.id}:spoke": 15}
    assert _points(staff["manager"]) == {f"event:{event.id}:organised": 20}
    events.mark_attendance(staff["manager"], event, events.participant_of(event, anna))  # marked again: no new pay
    db.session.commit()
    assert _points(anna) == {f"event:{event.id}:attended": 5}


def test_an_event_nobody_came_to_does_not_credit_its_organiser(staff, org):
    _held_event(staff, org, attendees=[])
    assert _points(staff["manager"]) == {}


def test_events_are_evidence_for_development_knowledge_sharing_and_initiative(staff, org):
    anna, vera, manager = staff["anna"], staff["vera"], staff["manager"]
    _held_event(staff, org, attendees=[anna])
    results = competence.compute_month(competence.month_of(local_today()), [anna.id, vera.id, manager.id])
    assert results[anna.id]["breakdown"]["actions"] == {"events_attended": 1}
    assert results[vera.id]["breakdown"]["actions"] == {"events_hosted": 1}
    assert results[manager.id]["breakdown"]["actions"] == {"events_organised": 1}
    development = results[anna.id]["breakdown"]["competences"]["development"]["evidence"]["actions"]
    assert development["n"] == 1
