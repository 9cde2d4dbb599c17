"""Peer Assist: an employee asks for help on a client problem, colleagues of other departments or centres offer
experience, the asker accepts offers and schedules the session as a Peer Assist event, and closing the request
credits every accepted helper once."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from seeds.reference import event_formats
from training.db import utcnow
from training.errors import DomainError
from training.extensions import db
from training.gamification.events.models import EventParticipant, ParticipantRole
from training.gamification.ideas import assist
from training.gamification.ideas.models import AssistOffer, AssistRequest, AssistStatus
from training.gamification.recognition import services as recognition


@pytest.fixture
def request_row(staff):
    row = assist.ask(staff["anna"], title="Клиент не может подтвердить стаж",
                     text="Работодатель ликвидирован, архив не отвечает, клиенту нужна выплата.")
    db.session.commit()
    return row


def test_only_colleagues_of_another_department_or_centre_offer(staff, request_row):
    with pytest.raises(DomainError, match="других отделов"):
        assist.offer(staff["boris"], request_row, "Я тоже сталкивался")  # the same front office
    with pytest.raises(DomainError, match="Свой запрос"):
        assist.offer(staff["anna"], request_row, "Сама справлюсь")
    assist.offer(staff["gleb"], request_row, "Делали запрос в соцфонд")  # back office of the same centre
    assist.offer(staff["dina"], request_row, "Помогла похожему клиенту в прошлом месяце")  # another centre
    assert [o.helper.full_name for o in request_row.offers] == [staff["gleb"].full_name, staff["dina"].full_name]


def test_a_second_offer_of_the_same_colleague_is_refused_and_leaves_one(staff, request_row, client, login):
    login(staff["dina"])
    assert client.post(f"/team/assist/{request_row.id}/offer", data={"text": "Расскажу, как мы делали"}
                       ).status_code == 303
    response = client.post(f"/team/assist/{request_row.id}/offer", data={"text": "Ещё раз"})
    assert response.status_code == 422 and "уже предложили" in response.text
    assert db.session.scalar(select(func.count()).select_from(AssistOffer)) == 1


def test_the_session_is_a_peer_assist_event_with_the_helpers_as_speakers(staff, request_row):
    event_formats()
    dina = assist.offer(staff["dina"], request_row, "Помогла похожему клиенту")
    assist.offer(staff["gleb"], request_row, "Знаю, куда писать")
    with pytest.raises(DomainError, match="примите"):
        assist.schedule(staff["anna"], request_row, starts_at=utcnow() + timedelta(days=1), duration_minutes=60,
                        place="Переговорная")
    assist.accept(staff["anna"], request_row, dina)
    event = assist.schedule(staff["anna"], request_row, starts_at=utcnow() + timedelta(days=1), duration_minutes=60,
                            place="Переговорная")  # an ordinary employee schedules this one event
    assert event.format.code == "peer_assist" and request_row.event_id == event.id
    assert request_row.status == AssistStatus.SCHEDULED
    speakers = db.session.scalars(select(EventParticipant.user_id).where(
        EventParticipant.event_id == event.id, EventParticipant.role == ParticipantRole.SPEAKER)).all()
    assert speakers == [staff["dina"].id]


def test_only_the_asker_accepts_and_closes(staff, request_row, client, login):
    offer = assist.offer(staff["dina"], request_row, "Помогла похожему клиенту")
    db.session.commit()
    login(staff["gleb"])
    response = client.post(f"/team/assist/{request_row.id}/accept", data={"offer_id": offer.id})
    assert response.status_code == 422
    assert client.post(f"/team/assist/{request_row.id}/close").status_code == 422
    db.session.expire_all()
    assert not db.session.get(AssistOffer, offer.id).accepted
    assert db.session.get(AssistRequest, request_row.id).status == AssistStatus.OPEN


def test_closing_credits_each_accepted_helper_once_per_request(staff, request_row):
    dina = assist.offer(staff["dina"], request_row, "Помогла похожему клиенту")
    assist.offer(staff["gleb"], request_row, "Знаю, куда писать")  # not accepted: not credited
    assist.accept(staff["anna"], request_row, dina)
    assert assist.close(staff["anna"], request_row) == 1
    with pytest.raises(DomainError, match="уже закрыт"):
        assist.close(staff["anna"], request_row)
    assert recognition.points_total(staff["dina"]) == assist.ASSIST_POINTS
    assert recognition.points_total(staff["gleb"]) == 0
    other = assist.ask(staff["anna"], title="Ещё случай", text="Клиент просит перенести приём на вечер.")
    assist.accept(staff["anna"], other, assist.offer(staff["dina"], other, "И здесь помогу"))
    assist.close(staff["anna"], other)
    assert recognition.points_total(staff["dina"]) == 2 * assist.ASSIST_POINTS  # once per request


def test_a_request_of_another_service_is_not_found(staff, request_row, client, login):
    from tests.factories import make_user

    login(make_user())
    assert client.get(f"/team/assist/{request_row.id}").status_code == 404
