"""«Стресс месяца»: anonymous by construction, «+1» once per person, the committee's review and archive."""
from __future__ import annotations

import logging
from datetime import date

import pytest
from sqlalchemy import func, inspect, select

from tests.factories import PASSWORD, make_user
from training.audit.models import AuditEntry
from training.errors import DomainError, NotAllowed
from training.extensions import db
from training.gamification.committee import services as committee
from training.gamification.stress import services as stress
from training.gamification.stress.models import MeasureStatus, StressItem, StressMeasure, StressMonth, StressVote
from training.notifications.models import Notification
from training.signals import stress_measure_resolved


@pytest.fixture
def committee_of(staff, org):
    committee.add_member(staff["hr"], org.service.id, staff["manager"], is_chair=True)
    db.session.commit()
    return staff["manager"]


def _past_month(org, *texts: str) -> StressMonth:
    month = stress.previous_month(stress.current_month())
    row = stress.get_month(org.service.id, month)
    for n, text in enumerate(texts):
        db.session.add(StressItem(id=f"past{n}", month_id=row.id, text=text, source="staff",
                                  posted_on=date.today(), plus_count=n))
    db.session.commit()
    return row


def test_stress_tables_have_no_column_that_references_a_person(app):
    inspector = inspect(db.engine)
    for table in ("stress_items", "stress_votes"):
        assert all(fk["referred_table"] != "users" for fk in inspector.get_foreign_keys(table)), table
        columns = {c["name"] for c in inspector.get_columns(table)}
        assert not {c for c in columns if any(w in c for w in ("user", "author", "created_by", "ip", "_at"))}, columns
    item_columns = {c["name"] for c in inspector.get_columns("stress_items")}
    assert item_columns == {"id", "month_id", "centre_id", "text", "source", "posted_on", "plus_count", "is_hidden"}


def test_posting_cannot_be_traced_to_the_author_through_pages_logs_audit_or_notifications(
        app, staff, client, login, caplog, committee_of):
    anna = staff["anna"]
    login(anna)
    audits_before = db.session.scalar(select(func.count()).select_from(AuditEntry))
    notes_before = db.session.scalar(select(func.count()).select_from(Notification))
    caplog.set_level(logging.DEBUG)
    caplog.clear()
    response = client.post("/team/stress", data={"text": "Принтер в зале ожидания снова не работает",
                                                 "centre_id": anna.centre_id})
    assert response.status_code == 303
    item = db.session.scalar(select(StressItem))
    assert item.text.startswith("Принтер") and item.source == "staff" and len(item.id) >= 16
    logged = "\n".join(f"{r.name} {r.getMessage()} {r.args}" for r in caplog.records)
    for value in (anna.email, anna.full_name, anna.personnel_number, f"user {anna.id}", f"<User {anna.id}"):
        assert value not in logged
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == audits_before
    assert db.session.scalar(select(func.count()).select_from(Notification)) == notes_before
    # every page showing the item, to staff and to the committee, names no author
    pages = [client.get("/team/stress").get_data(as_text=True), client.get("/team/stress?order=new").get_data(as_text=True),
             client.get("/team/stress/months").get_data(as_text=True)]
    other = app.test_client()
    other.post("/auth/login", data={"email": committee_of.email, "password": PASSWORD})
    review = other.get(f"/team/stress/review/{stress.current_month()}").get_data(as_text=True)
    # the review page lists staff only as candidate owners of a measure; the items section names nobody
    pages.append(review[review.index("Записи по числу"):review.index("Корректирующие меры")])
    for page in pages[:1] + pages[3:]:
        assert "Принтер в зале" in page
    for page in pages:
        assert anna.full_name not in page
        assert anna.email not in page


def test_plus_one_counts_once_per_person_and_stores_no_user_id(app, staff, client, login):
    item = stress.post_item(staff["anna"].regional_service_id, text="Нет пандуса у входа", centre_id=None)
    db.session.commit()
    login(staff["boris"])
    for _ in range(2):
        response = client.post("/team/stress/plus", data={"item_id": item.id}, headers={"HX-Request": "true"})
        assert response.status_code == 200
    assert "вы поддержали" in response.get_data(as_text=True)
    assert stress.plus_one(staff["vera"], item) is True
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(StressItem, item.id).plus_count == 2
    hashes = db.session.scalars(select(StressVote.voter_hash)).all()
    assert len(hashes) == 2
    for user in (staff["boris"], staff["vera"]):
        assert str(user.id) not in hashes and user.email not in hashes
    # the hash depends on the month's secret salt: the same person hashes differently in another month
    other_month = StressMonth(regional_service_id=item.month_row.regional_service_id, month="2020-01",
                              vote_salt="another-salt")
    assert stress.voter_hash(other_month, staff["boris"]) != stress.voter_hash(item.month_row, staff["boris"])


def test_hidden_items_leave_the_board(app, staff, client, login, committee_of):
    item = stress.post_item(staff["anna"].regional_service_id, text="Оскорбительная запись", centre_id=None)
    db.session.commit()
    with pytest.raises(NotAllowed):
        stress.hide_item(staff["anna"], item)
    login(committee_of)
    assert client.post("/team/stress/hide", data={"item_id": item.id}).status_code == 303
    assert "Оскорбительная" not in client.get("/team/stress").get_data(as_text=True)


def test_clients_post_from_a_public_page_with_a_rate_limit(app, org):
    client = app.test_client()
    url = f"/team/stress/from-clients/{org.centre_a.id}"
    page = client.get(url)
    assert page.status_code == 200 and org.centre_a.name in page.get_data(as_text=True)
    assert client.post(url, data={"text": "Долго ждал в очереди к окну"}).status_code == 303
    assert client.post(url, data={"text": "Бот заполнил всё", "website": "http://spam"}).status_code == 303
    items = db.session.scalars(select(StressItem)).all()
    assert [(i.text, i.source, i.centre_id) for i in items] == [("Долго ждал в очереди к окну", "client", org.centre_a.id)]
    statuses = [client.post(url, data={"text": f"Сообщение номер {n}"}).status_code for n in range(5)]
    assert statuses[-1] == 429 and statuses[:3] == [303, 303, 303]


def test_committee_records_measures_and_owners_move_them_to_done(app, staff, client, login, committee_of, org):
    row = _past_month(org, "Нет воды в кулере", "Шумно в зале")
    item = db.session.get(StressItem, "past1")
    login(staff["anna"])
    assert client.get(f"/team/stress/review/{row.month}").status_code == 403
    resolved = []
    def listener(sender, **kw):
        return resolved.append(sender.id)
    stress_measure_resolved.connect(listener)
    try:
        other = app.test_client()
        other.post("/auth/login", data={"email": committee_of.email, "password": PASSWORD})
        review = other.get(f"/team/stress/review/{row.month}").get_data(as_text=True)
        assert review.index("Шумно в зале") < review.index("Нет воды")  # most supported first
        response = other.post(f"/team/stress/review/{row.month}/measures", data={
            "text": "Поставить шумопоглощающие панели", "item_id": item.id, "owner_id": staff["boris"].id,
            "status": "planned"})
        assert response.status_code == 303
        measure = db.session.scalar(select(StressMeasure))
        assert (measure.owner_id, measure.item_id, measure.status) == (staff["boris"].id, item.id, "planned")
        note = db.session.scalar(select(Notification).where(Notification.user_id == staff["boris"].id))
        assert "шумопоглощающие" in note.text
        owner = app.test_client()
        owner.post("/auth/login", data={"email": staff["boris"].email, "password": PASSWORD})
        assert "Поставить шумопоглощающие панели" in owner.get(note.url).get_data(as_text=True)
        assert owner.post(f"/team/stress/measures/{measure.id}", data={"status": "done"}).status_code == 303
        assert owner.post(f"/team/stress/measures/{measure.id}", data={"status": "done"}).status_code == 303
        assert client.post(f"/team/stress/measures/{measure.id}", data={"status": "planned"}).status_code == 403
    finally:
        stress_measure_resolved.disconnect(listener)
    assert resolved == [measure.id]
    db.session.expire_all()
    assert db.session.get(StressMeasure, measure.id).status == MeasureStatus.DONE


def test_the_committee_writes_what_clients_read_of_a_measure_and_its_owner_cannot(
        app, staff, client, login, committee_of, org):
    row = _past_month(org, "Петрова из окна 2 грубит")
    login(committee_of)
    review = client.get(f"/team/stress/review/{row.month}").get_data(as_text=True)
    assert "Для клиентов: что изменилось (необязательно)" in review and "не называйте людей" in review
    too_long = client.post(f"/team/stress/review/{row.month}/measures", data={
        "text": "Беседа с Петровой", "owner_id": staff["boris"].id, "status": "done", "public_text": "я" * 301})
    assert too_long.status_code == 422 and "не длиннее 300 символов" in too_long.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(StressMeasure)) == 0
    response = client.post(f"/team/stress/review/{row.month}/measures", data={
        "text": "Беседа с Петровой о тоне", "owner_id": staff["boris"].id, "status": "done",
        "public_text": "  Провели  занятие о вежливом приёме  "})
    assert response.status_code == 303
    measure = db.session.scalar(select(StressMeasure))
    assert measure.public_text == "Провели занятие о вежливом приёме"
    url = f"/team/stress/measures/{measure.id}/public"

    owner = app.test_client()
    owner.post("/auth/login", data={"email": staff["boris"].email, "password": PASSWORD})
    assert owner.post(url, data={"public_text": "Петрова больше не грубит"}).status_code == 403
    refused = client.post(url, data={"public_text": "ж" * 301})
    assert refused.status_code == 422 and "не длиннее 300 символов" in refused.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(StressMeasure, measure.id).public_text == "Провели занятие о вежливом приёме"

    stress.archive_month(committee_of, row)  # the text for clients may still be written after archiving
    db.session.commit()
    assert client.post(url, data={"public_text": "Расписание приёма теперь у входа"}).status_code == 303
    assert "Клиенты видят этот текст после отзыва" in client.get(f"/team/stress/review/{row.month}").get_data(
        as_text=True)
    assert client.post(url, data={"public_text": "  "}).status_code == 303
    db.session.expire_all()
    assert db.session.get(StressMeasure, measure.id).public_text is None
    assert "Клиенты эту меру не видят" in client.get(f"/team/stress/review/{row.month}").get_data(as_text=True)
    changes = db.session.scalars(select(AuditEntry.action).where(AuditEntry.object_id == str(measure.id))).all()
    assert changes.count("stress_measure.public_text") == 2


def test_archiving_makes_the_month_read_only_and_erases_the_vote_salt(app, staff, committee_of, org):
    with pytest.raises(DomainError, match="Текущий месяц"):
        stress.archive_month(committee_of, stress.get_month(org.service.id, stress.current_month()))
    row = _past_month(org, "Сломан терминал электронной очереди")
    item = db.session.get(StressItem, "past0")
    with pytest.raises(DomainError, match="текущем месяце"):
        stress.plus_one(staff["anna"], item)
    measure = stress.add_measure(committee_of, row, text="Заменить терминал", owner=staff["vera"], item=item)
    stress.archive_month(committee_of, row)
    db.session.commit()
    assert row.vote_salt is None and row.is_archived
    with pytest.raises(DomainError, match="архиве"):
        stress.voter_hash(row, staff["anna"])
    with pytest.raises(DomainError, match="архиве"):
        stress.add_measure(committee_of, row, text="Ещё одна", owner=staff["vera"])
    with pytest.raises(DomainError, match="архиве"):
        stress.hide_item(committee_of, item)
    with pytest.raises(DomainError, match="уже в архиве"):
        stress.archive_month(committee_of, row)
    db.session.rollback()
    stress.set_measure_status(staff["vera"], measure, MeasureStatus.IN_PROGRESS)  # measures stay trackable
    db.session.commit()
    assert stress.state(row, row.month) == "archived"


def test_committee_is_reminded_to_review_last_month(app, staff, committee_of, org):
    from training.gamification.stress.jobs import remind_stress_review

    row = _past_month(org, "Очередь в гардероб")
    year, month = (int(p) for p in stress.current_month().split("-"))
    assert remind_stress_review(date(year, month, 1)) == "напоминаний: 1"
    assert remind_stress_review(date(year, month, 1)) == "напоминаний: 0"
    note = db.session.scalar(select(Notification).where(Notification.user_id == committee_of.id))
    assert row.month in note.url


def test_staff_of_another_service_do_not_see_the_board(app, staff, org):
    stress.post_item(org.service.id, text="Внутренняя запись службы", centre_id=None)
    db.session.commit()
    outsider = make_user(service=org.other_service, centre=org.other_centre)
    client = app.test_client()
    client.post("/auth/login", data={"email": outsider.email, "password": PASSWORD})
    assert "Внутренняя запись" not in client.get("/team/stress").get_data(as_text=True)
