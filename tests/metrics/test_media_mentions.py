"""«Объём обсуждения», variant 1: HR's manual register of mentions in the media and social networks, counted by
period on the service's «Пульс» and labelled as a manual register."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests.factories import make_user
from training.accounts.models import Role
from training.errors import DomainError, NotAllowed
from training.extensions import db
from training.measures.periods import MONTH, local_today, period_of
from training.metrics.feedback import mentions
from training.metrics.feedback.channel_models import MediaMention


def _count() -> int:
    return db.session.scalar(select(func.count()).select_from(MediaMention))


def test_hr_records_mentions_and_the_service_pulse_counts_them_by_period(app, client, login, org):
    hr = make_user(Role.HR, service=org.service)
    login(hr)
    today = local_today()
    for day, source, tone in [(today, "Городские новости", "positive"), (today, "ВКонтакте: «Наш район»", "negative"),
                              (today - timedelta(days=70), "Телеграм-канал", "neutral")]:
        response = client.post("/metrics/mentions", data={
            "service_id": org.service.id, "mentioned_on": day.isoformat(), "source": source, "tone": tone,
            "url": "https://example.ru/news/1", "centre_id": org.centre_a.id, "note": ""})
        assert response.status_code == 303
    assert _count() == 3
    page = client.get("/metrics/mentions").get_data(as_text=True)
    assert "Городские новости" in page and "Ручной реестр" in page
    pulse = client.get(f"/metrics/pulse/service/{org.service.id}?period=month").get_data(as_text=True)
    assert "Объём обсуждения" in pulse and "Ручной реестр" in pulse
    assert 'mention-total">2<' in pulse  # the mention of 70 days ago is another month
    earlier = period_of(MONTH, today - timedelta(days=70))
    older = client.get(f"/metrics/pulse/service/{org.service.id}?period=month&key={earlier.key}")
    assert 'mention-total">1<' in older.get_data(as_text=True)


def test_a_service_without_a_register_is_shown_as_not_kept_rather_than_zero(app, client, login, org):
    hr = make_user(Role.HR, service=org.service)
    login(hr)
    pulse = client.get(f"/metrics/pulse/service/{org.service.id}").get_data(as_text=True)
    assert "Реестр упоминаний не ведётся" in pulse and "mention-total" not in pulse
    assert mentions.volume(org.service.id, period_of(MONTH, local_today())) is None


def test_volume_of_one_centre_and_of_the_service(app, org):
    hr = make_user(Role.HR, service=org.service)
    today = local_today()
    mentions.add_mention(hr, org.service, mentioned_on=today, source="Газета", tone="positive", centre=org.centre_a)
    mentions.add_mention(hr, org.service, mentioned_on=today, source="Газета", tone="negative")
    period = period_of(MONTH, today)
    assert mentions.volume(org.service.id, period).by_tone == {"positive": 1, "neutral": 0, "negative": 1}
    assert mentions.volume(org.service.id, period, centre_id=org.centre_a.id).total == 1
    assert mentions.volume(org.other_service.id, period) is None


@pytest.mark.parametrize("fields, message", [
    ({"mentioned_on": None}, "дату"),
    ({"source": "  "}, "источник"),
    ({"tone": "восторг"}, "тональность"),
    ({"url": "javascript:alert(1)"}, "http"),
    ({"mentioned_on": "future"}, "позже сегодняшней"),
])
def test_a_bad_mention_is_refused_with_a_russian_message(app, org, fields, message):
    hr = make_user(Role.HR, service=org.service)
    values = {"mentioned_on": local_today(), "source": "Газета", "tone": "neutral", "url": None, **fields}
    if values["mentioned_on"] == "future":
        values["mentioned_on"] = local_today() + timedelta(days=2)
    with pytest.raises(DomainError, match=message):
        mentions.add_mention(hr, org.service, **values)
    assert _count() == 0


def test_only_hr_of_the_service_keeps_its_register(app, client, login, org):
    stranger = make_user(Role.HR, service=org.other_service)
    manager = make_user(Role.MANAGER, department=org.front_a)
    with pytest.raises(NotAllowed):
        mentions.add_mention(stranger, org.service, mentioned_on=local_today(), source="Газета", tone="neutral")
    with pytest.raises(DomainError, match="другой службе"):
        mentions.add_mention(make_user(Role.HR, service=org.service), org.service, mentioned_on=local_today(),
                             source="Газета", tone="neutral", centre=org.other_centre)
    db.session.rollback()
    login(manager)
    assert client.get("/metrics/mentions").status_code == 403
    hr = make_user(Role.HR, service=org.service)
    mention = mentions.add_mention(hr, org.service, mentioned_on=local_today(), source="Газета", tone="neutral")
    db.session.commit()
    client.post("/auth/logout")
    login(stranger)
    assert client.post(f"/metrics/mentions/{mention.id}/delete").status_code == 404
    client.post("/auth/logout")
    login(hr)
    assert client.post(f"/metrics/mentions/{mention.id}/delete").status_code == 303
    assert _count() == 0
