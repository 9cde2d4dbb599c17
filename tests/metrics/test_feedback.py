"""Client feedback from a QR link: what is stored (and what is not), throttling, follow-up of low scores."""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import event, func, select, text

from tests.factories import make_org, make_user
from tests.metrics.helpers import at, seed_reference
from tests.support.app import make_test_app
from tests.support.visits import feedback_code, visit_code
from training.accounts.models import Role
from training.errors import DomainError
from training.extensions import db
from training.metrics.centre_index.models import IndexSnapshot
from training.metrics.feedback import services as feedback
from training.metrics.feedback.models import (
    ClientAspectScore,
    ClientFeedback,
    ContactRequest,
    FollowUpStatus,
    FollowUpTask,
    Touchpoint,
)
from training.notifications.models import Notification

CLIENT_IP = "203.0.113.77"
CLIENT_AGENT = "UniqueClientBrowser/9.9"


def _link(org, employee=None, touchpoint_code="reception"):
    seed_reference()
    touchpoint = db.session.scalar(select(Touchpoint).where(Touchpoint.code == touchpoint_code))
    link = feedback.link_for(org.centre_a, touchpoint, employee)
    db.session.commit()
    return link


def _post(client, token, data, ip=CLIENT_IP, device=None):
    """A served client's answer, with a fresh visit code unless ``data`` brings its own."""
    if device:
        client.set_cookie("fb_device", device)
    data = {"code": feedback_code(token), **data}
    return client.post(f"/f/{token}", data=data, environ_base={"REMOTE_ADDR": ip, "HTTP_USER_AGENT": CLIENT_AGENT})


def _all_database_text() -> str:
    chunks = []
    for table in db.metadata.sorted_tables:
        for row in db.session.execute(select(table)).all():
            chunks.append(repr(tuple(row)))
    return "\n".join(chunks)


def test_feedback_from_a_qr_link_stores_answers_but_nothing_personal(app, client, org):
    employee = make_user(department=org.front_a)
    link = _link(org, employee)
    page = client.get(f"/f/{link.token}")
    assert page.status_code == 200 and "Оцените нашу работу" in page.get_data(as_text=True)
    assert "fb_device" in page.headers.get("Set-Cookie", "")
    response = _post(client, link.token, {"ces": "4", "expectations": "3", "recommend": "9", "aspect-politeness": "5",
                                          "aspect-clarity": "4", "comment": "Всё объяснили"})
    assert response.status_code == 303 and "/f/thanks?t=" in response.headers["Location"]
    stored = db.session.scalar(select(ClientFeedback))
    assert (stored.ces, stored.expectations, stored.recommend, stored.comment) == (4, 3, 9, "Всё объяснили")
    assert stored.employee_id == employee.id and stored.department_id == org.front_a.id
    assert {(a.aspect_code, a.score) for a in stored.aspects} == {("politeness", 5), ("clarity", 4)}
    assert not stored.is_low and db.session.scalar(select(func.count()).select_from(FollowUpTask)) == 0
    assert db.session.scalar(select(func.count()).select_from(ContactRequest)) == 0
    everything = _all_database_text()
    assert CLIENT_IP not in everything and CLIENT_AGENT not in everything
    device = client.get_cookie("fb_device").value
    assert device not in everything


def test_contact_details_are_stored_only_when_asked_and_staff_can_delete_them(app, client, login, org):
    link = _link(org)
    _post(app.test_client(), link.token, {"recommend": "3", "contact_requested": "y", "contact_name": "Анна",
                               "contact_phone": "+7 900 123-45-67"})
    contact = db.session.scalar(select(ContactRequest))
    assert (contact.name, contact.phone) == ("Анна", "+7 900 123-45-67")
    task = db.session.scalar(select(FollowUpTask))
    manager = make_user(Role.MANAGER, department=org.front_a)
    login(manager)
    page = client.get(f"/metrics/follow-ups/{task.id}").get_data(as_text=True)
    assert "+7 900 123-45-67" in page
    assert client.post(f"/metrics/follow-ups/{task.id}/delete-contact").status_code == 303
    assert db.session.scalar(select(func.count()).select_from(ContactRequest)) == 0
    assert "+7 900 123-45-67" not in _all_database_text()


def test_contact_request_without_a_phone_is_refused_and_nothing_is_stored(app, client, org):
    link = _link(org)
    response = _post(client, link.token, {"recommend": "8", "contact_requested": "y", "contact_name": "Пётр"})
    assert response.status_code == 422 and "телефон" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(ClientFeedback)) == 0


def test_answers_off_the_scale_and_empty_forms_are_refused(app, client, org):
    link = _link(org)
    assert _post(client, link.token, {"recommend": "11"}).status_code == 422
    assert _post(client, link.token, {"aspect-unknown": "5"}).status_code == 422
    assert _post(client, link.token, {}).status_code == 422
    assert db.session.scalar(select(func.count()).select_from(ClientFeedback)) == 0
    assert client.get("/f/not-a-real-token").status_code == 404


def test_one_device_is_throttled_but_another_device_is_not(app, client, org):
    link = _link(org)
    for _ in range(3):
        assert _post(client, link.token, {"recommend": "9"}, device="A" * 22).status_code == 303
    blocked = _post(client, link.token, {"recommend": "9"}, device="A" * 22)
    assert blocked.status_code == 429
    assert "уже оставили несколько отзывов" in blocked.get_data(as_text=True)
    assert _post(client, link.token, {"recommend": "9"}, device="B" * 22).status_code == 303
    assert db.session.scalar(select(func.count()).select_from(ClientFeedback)) == 4


def test_one_address_is_throttled_whatever_cookies_it_sends():
    app = make_test_app(FEEDBACK_RATE_LIMIT_PER_ADDRESS="4 per minute")
    with app.app_context():
        db.create_all()
        org = make_org()
        link = _link(org)
        client = app.test_client()
        codes = [_post(client, link.token, {"recommend": "9"}, device=str(i) * 22 if i < 10 else "x" * 22).status_code
                 for i in range(6)]
        assert codes == [303, 303, 303, 303, 429, 429]
        other = app.test_client()
        assert _post(other, link.token, {"recommend": "9"}, ip="198.51.100.1").status_code == 303
        db.session.remove()
        db.drop_all()


@pytest.mark.parametrize("answers, reasons", [
    ({"recommend": 6}, ["recommend"]),
    ({"recommend": 7}, []),
    ({"expectations": 1}, ["expectations"]),
    ({"expectations": 2}, []),
    ({"ces": 2}, ["ces"]),
    ({"ces": 3}, []),
    ({"recommend": 0, "ces": 1, "expectations": 1}, ["recommend", "expectations", "ces"]),
])
def test_which_answers_count_as_low(app, org, answers, reasons):
    link = _link(org)
    stored = feedback.submit_feedback(link, **answers)
    db.session.commit()
    task = db.session.scalar(select(FollowUpTask).where(FollowUpTask.feedback_id == stored.id))
    assert (task.reasons if task else []) == reasons
    assert stored.is_low == bool(reasons)


def test_low_score_opens_a_task_for_the_centre_manager_due_in_three_working_days(app, org):
    manager = make_user(Role.MANAGER, department=org.front_a)
    other_manager = make_user(Role.MANAGER, department=org.front_b)
    link = _link(org)
    friday_evening = datetime(2026, 3, 6, 15, 30, tzinfo=UTC)  # 18:30 in Moscow, a Friday
    feedback.submit_feedback(link, recommend=2, now=friday_evening)
    db.session.commit()
    task = db.session.scalar(select(FollowUpTask))
    assert task.centre_id == org.centre_a.id and task.status == FollowUpStatus.OPEN
    assert task.due_at == datetime(2026, 3, 11, 15, 30, tzinfo=UTC)  # Wednesday, same time
    notified = {n.user_id for n in db.session.scalars(select(Notification))}
    assert manager.id in notified and other_manager.id not in notified


def test_a_centre_without_a_manager_sends_low_scores_to_hr(app, org):
    hr = make_user(Role.HR, service=org.service)
    link = _link(org)
    feedback.submit_feedback(link, ces=1)
    db.session.commit()
    assert db.session.scalar(select(Notification.user_id)) == hr.id


def test_follow_up_workflow_contact_apologise_resolve(app, client, login, org):
    manager = make_user(Role.MANAGER, department=org.front_a)
    link = _link(org)
    feedback.submit_feedback(link, recommend=1, contact_requested=True, contact_name="Олег", contact_phone="89001234567")
    db.session.commit()
    task = db.session.scalar(select(FollowUpTask))
    login(manager)
    listing = client.get("/metrics/follow-ups").get_data(as_text=True)
    assert f"Задача № {task.id}" in listing
    refused = client.post(f"/metrics/follow-ups/{task.id}", data={"contacted": "y", "close": "1"})
    assert refused.status_code == 422 and "опишите" in refused.get_data(as_text=True)
    no_apology = client.post(f"/metrics/follow-ups/{task.id}",
                             data={"contacted": "y", "resolution": "Записали на консультацию", "close": "1"})
    assert no_apology.status_code == 422 and "извиниться" in no_apology.get_data(as_text=True)
    progress = client.post(f"/metrics/follow-ups/{task.id}", data={"contacted": "y", "notes": "Дозвонились",
                                                                    "save": "1"})
    assert progress.status_code == 303
    db.session.expire_all()
    assert db.session.get(FollowUpTask, task.id).status == FollowUpStatus.IN_PROGRESS
    done = client.post(f"/metrics/follow-ups/{task.id}", data={
        "contacted": "y", "apologised": "y", "notes": "Дозвонились", "resolution": "Записали на консультацию вне очереди",
        "corrective_measure": "Второе окно в часы пик", "close": "1"})
    assert done.status_code == 303
    db.session.expire_all()
    task = db.session.get(FollowUpTask, task.id)
    assert task.status == FollowUpStatus.RESOLVED and task.resolved_by_id == manager.id
    assert task.contacted_at and task.apologised_at
    from training.audit.models import AuditEntry

    assert db.session.scalar(select(func.count()).select_from(AuditEntry)
                             .where(AuditEntry.action == "metrics.followup_closed")) == 1


def test_a_client_without_contacts_is_closed_as_contact_impossible(app, org):
    manager = make_user(Role.MANAGER, department=org.front_a)
    link = _link(org)
    feedback.submit_feedback(link, ces=1)
    task = db.session.scalar(select(FollowUpTask))
    feedback.record_progress(manager, task, contacted=False, contact_impossible=True, apologised=False,
                             resolution="Разобрали ситуацию с сотрудником окна", close=True)
    assert task.is_resolved and task.is_contact_impossible


def test_manager_of_another_centre_cannot_open_the_task(app, client, login, org):
    link = _link(org)
    feedback.submit_feedback(link, recommend=0)
    db.session.commit()
    task = db.session.scalar(select(FollowUpTask))
    login(make_user(Role.MANAGER, department=org.front_b))
    assert client.get(f"/metrics/follow-ups/{task.id}").status_code == 404
    with pytest.raises(DomainError):
        feedback.record_progress(make_user(Role.MANAGER, department=org.front_b), task, contacted=True,
                                 contact_impossible=False, apologised=True, resolution="x", close=True)


def test_overdue_tasks_are_flagged_and_notified_once(app, client, login, org):
    manager = make_user(Role.MANAGER, department=org.front_a)
    link = _link(org)
    feedback.submit_feedback(link, recommend=0, now=datetime.now(UTC) - timedelta(days=10))
    feedback.submit_feedback(link, recommend=0)  # fresh, not overdue
    db.session.commit()
    assert feedback.flag_overdue() == 1
    assert feedback.flag_overdue() == 0
    db.session.commit()
    kinds = [n.kind for n in db.session.scalars(select(Notification).where(Notification.user_id == manager.id))]
    assert kinds.count("metrics.followup_overdue") == 1
    login(manager)
    assert feedback.task_counts(manager) == {"open": 2, "overdue": 1}
    page = client.get("/metrics/follow-ups?state=overdue").get_data(as_text=True)
    assert "просрочена" in page and page.count("Задача №") == 1
    home = client.get("/").get_data(as_text=True)
    assert "просрочено: <strong>1</strong>" in home


def test_contacts_are_purged_after_the_retention_period(app, org):
    manager = make_user(Role.MANAGER, department=org.front_a)
    link = _link(org)
    feedback.submit_feedback(link, recommend=0, contact_requested=True, contact_name="И", contact_phone="+79001112233")
    task = db.session.scalar(select(FollowUpTask))
    feedback.record_progress(manager, task, contacted=True, contact_impossible=False, apologised=True,
                             resolution="Решено", close=True, now=datetime.now(UTC) - timedelta(days=40))
    db.session.commit()
    assert feedback.purge_contacts() == 1
    assert db.session.scalar(select(func.count()).select_from(ContactRequest)) == 0
    assert db.session.scalar(select(func.count()).select_from(ClientFeedback)) == 1


def test_clients_view_of_a_specialist_answers_the_signal(app, org):
    from training.signals import client_aspect_averages_requested

    employee = make_user(department=org.front_a)
    link = _link(org, employee)
    for mark in (5, 4, 3):
        feedback.submit_feedback(link, aspects={"politeness": mark, "empathy": 5})
    db.session.commit()
    answers = [a for _, a in client_aspect_averages_requested.send(employee) if a]
    assert answers == [{"politeness": (4.0, 3), "empathy": (5.0, 3)}]
    assert db.session.scalar(select(func.count()).select_from(ClientAspectScore)) == 6


def test_qr_sheet_pdf_for_centre_touchpoint_and_specialist(app, client, login, org):
    seed_reference()
    manager = make_user(Role.MANAGER, department=org.front_a)
    employee = make_user(department=org.front_a, is_public_consent=True, full_name="Видимова Ирина Петровна")
    login(manager)
    touchpoint = db.session.scalar(select(Touchpoint).where(Touchpoint.code == "call_centre"))
    response = client.post(f"/metrics/qr/{org.centre_a.id}.pdf?touchpoint={touchpoint.id}&employee={employee.id}")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    links = list(db.session.execute(text("SELECT touchpoint_id, employee_id FROM feedback_links")))
    assert sorted(links, key=str) == sorted([(touchpoint.id, None), (None, employee.id)], key=str)
    again = client.post(f"/metrics/qr/{org.centre_a.id}.pdf?touchpoint={touchpoint.id}")
    assert again.status_code == 200
    assert db.session.scalar(text("SELECT count(*) FROM feedback_links")) == 2  # the same link is reused
    assert client.post(f"/metrics/qr/{org.centre_b.id}.pdf").status_code == 404


def test_local_date_is_the_moscow_day(app, org):
    link = _link(org)
    late = datetime(2026, 3, 1, 22, 30, tzinfo=UTC)  # 01:30 on 2 March in Moscow
    stored = feedback.submit_feedback(link, recommend=9, now=late)
    assert stored.local_date == date(2026, 3, 2)
    assert at(date(2026, 3, 2)).date() == date(2026, 3, 2)


# --- issue 15, finding 3: proof of a visit, no staff ---------------------------------------------------------

def test_an_employee_cannot_rate_themselves_as_a_client(app, client, login, org):
    """Signed in, an employee stored three 5-star answers to their own link as client feedback."""
    employee = make_user(department=org.front_a)
    link = _link(org, employee)
    login(employee)
    code = visit_code(employee)
    response = client.post(f"/f/{link.token}", data={"code": code, "recommend": "10", "aspect-politeness": "5"})
    assert response.status_code == 403
    assert "Отзыв «как клиент» оставляют только клиенты" in response.get_data(as_text=True)
    client.post("/auth/logout")  # the same phone, signed out: still the employee's
    assert client.post(f"/f/{link.token}", data={"code": code, "recommend": "10"}).status_code == 403
    assert db.session.scalar(select(func.count()).select_from(ClientFeedback)) == 0


def test_feedback_needs_a_visit_code_and_one_code_gives_one_answer(app, org):
    employee = make_user(department=org.front_a)
    link = _link(org, employee)
    phone = app.test_client()
    missing = phone.post(f"/f/{link.token}", data={"recommend": "9"})
    assert missing.status_code == 422 and "Код не подходит" in missing.get_data(as_text=True)
    stranger = make_user(department=org.front_b)
    wrong = phone.post(f"/f/{link.token}", data={"code": visit_code(stranger), "recommend": "9"})
    assert wrong.status_code == 422
    code = visit_code(employee)
    assert phone.post(f"/f/{link.token}", data={"code": code, "recommend": "9"}).status_code == 303
    again = app.test_client().post(f"/f/{link.token}", data={"code": code, "recommend": "10"},
                                   environ_base={"REMOTE_ADDR": "198.51.100.8"})
    assert again.status_code == 422 and "Этот код уже использован" in again.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(ClientFeedback)) == 1


def test_a_centre_poster_takes_the_code_of_whoever_served_the_client(app, org):
    link = _link(org)  # no specialist on the poster
    served_by = make_user(department=org.front_a)
    response = app.test_client().post(f"/f/{link.token}", data={"code": visit_code(served_by), "recommend": "8"})
    assert response.status_code == 303


def test_the_window_qr_link_fills_the_code_in(app, org):
    employee = make_user(department=org.front_a)
    link = _link(org, employee)
    code = visit_code(employee)
    page = app.test_client().get(f"/f/{link.token}?k={code}").get_data(as_text=True)
    assert f'value="{code}"' in page


def test_a_specialists_first_answer_marks_the_ten_snapshots_stale_in_one_statement(app, org):
    employee = make_user(department=org.front_a)
    link = _link(org, employee)
    sent: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        sent.append(statement)

    for answer in (1, 2):
        sent.clear()
        event.listen(db.engine, "before_cursor_execute", record)
        try:
            feedback.submit_feedback(link, recommend=9)
        finally:
            event.remove(db.engine, "before_cursor_execute", record)
        db.session.commit()
        assert len([s for s in sent if "index_snapshots" in s]) == 1, sent
        db.session.expire_all()
        snapshots = db.session.scalars(select(IndexSnapshot)).all()
        # organisation, service, centre, department, specialist × week and month: created by the first answer
        assert len(snapshots) == 10
        assert {s.data_version for s in snapshots} == {answer} and all(s.is_stale for s in snapshots)
