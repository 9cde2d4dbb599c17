"""Expiry: a refresher every N years; the holder and HR are reminded ahead of it, once per threshold."""
from datetime import timedelta

from sqlalchemy import select

from training import jobs
from training.certificates import services
from training.extensions import db
from training.notifications.models import Notification


def _texts(user):
    return list(db.session.scalars(select(Notification.text).where(Notification.user_id == user.id,
                                                                    Notification.kind.like("certificates.expir%"))
                                   .order_by(Notification.id)))


def test_holder_and_hr_are_reminded_90_and_30_days_ahead(world):
    certificate, other = services.issue_course_certificates(world.hr, world.cohort.enrolments)[0]
    today = services.local_today()
    certificate.expires_on = today + timedelta(days=80)
    other.expires_on = today + timedelta(days=400)
    db.session.commit()
    holder, colleague = world.learners

    assert dict(jobs.run_due(today))["certificates.expiry-reminders"] == \
        "напоминаний владельцам: 1, сводок кадровой службе: 1"
    assert len(_texts(holder)) == 1 and certificate.number in _texts(holder)[0]
    assert _texts(colleague) == []
    assert len(_texts(world.hr)) == 1 and "Истекает срок действия документов: 1" in _texts(world.hr)[0]
    assert _texts(world.other_hr) == []

    # the next days: nothing new until the 30-day threshold
    jobs.run_due(today + timedelta(days=1))
    assert len(_texts(holder)) == 1
    jobs.run_due(today + timedelta(days=55))  # 25 days left
    assert len(_texts(holder)) == 2 and len(_texts(world.hr)) == 2


def test_revoked_replaced_and_everlasting_documents_are_not_reminded(world):
    first, second = services.issue_course_certificates(world.hr, world.cohort.enrolments)[0]
    diploma = services.issue_document("quest_winner", world.learners[0], title="Квест «Клиентский путь»",
                                      issued_by=world.hr, source_key="quest:3:winner")
    today = services.local_today()
    first.expires_on = second.expires_on = today + timedelta(days=10)
    services.revoke(world.hr, first, "Выдан по ошибке")
    services.reissue(world.hr, second)  # the new one keeps the expiry: it is reminded, the old one is not
    db.session.commit()
    assert diploma.expires_on is None
    holders, _ = services.send_expiry_reminders(today)
    assert holders == 1
    assert _texts(world.learners[0]) == []  # revoked, and a diploma without expiry
    assert len(_texts(world.learners[1])) == 1 and second.number not in _texts(world.learners[1])[0]


def test_expired_documents_show_as_expired_but_stay_in_the_registry(client, login, world):
    certificate = services.issue_course_certificates(world.hr, world.cohort.enrolments[:1])[0][0]
    certificate.expires_on = services.local_today() - timedelta(days=1)
    db.session.commit()
    login(world.hr)
    text = client.get("/certificates/registry?status=expired").get_data(as_text=True)
    assert certificate.number in text and "срок действия истёк" in text
