"""The weekly report reaches every staff member of a centre in a staff version: the centre's figures, no client's
personal data, no colleague's own score."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from tests.factories import make_user
from tests.metrics.helpers import answers, at, refresh, seed_reference
from training.accounts.models import Role
from training.extensions import db
from training.jobs import run_due
from training.measures.periods import WEEK, period_of
from training.metrics.centre_index import snapshots
from training.metrics.dashboards.presenters import fmt_figure
from training.metrics.feedback import services as feedback
from training.notifications.models import Notification

WEEK_OF = date(2026, 3, 9)  # Monday of 2026-W11
CLIENT_NAME, CLIENT_PHONE = "Клиентов Илларион", "+7 900 555-12-34"


def _world(org):
    seed_reference()
    first = make_user(department=org.front_a, full_name="Первова Алла Игоревна")
    second = make_user(department=org.front_a, full_name="Вторых Борис Олегович")
    day = date(2026, 3, 10)
    # the first specialist: NPS +50 (3 promoters, 1 detractor); the second −60 (1 promoter, 4 detractors with the
    # answer below); the centre as a whole −11: the staff version shows the centre's figure and neither person's
    answers(feedback.link_for(org.centre_a, None, first), day, 3, recommend=10, ces=5)
    answers(feedback.link_for(org.centre_a, None, first), day, 1, recommend=5)
    answers(feedback.link_for(org.centre_a, None, second), day, 3, recommend=0, ces=1)
    answers(feedback.link_for(org.centre_a, None, second), day, 1, recommend=9)
    feedback.submit_feedback(feedback.link_for(org.centre_a, None, second), recommend=1, now=at(day),
                             comment="Специалист нагрубил, перезвоните", contact_requested=True,
                             contact_name=CLIENT_NAME, contact_phone=CLIENT_PHONE)
    refresh()
    return first, second


def test_the_staff_version_holds_the_centres_week_and_nothing_about_a_person(app, client, login, org):
    first, second = _world(org)
    week = period_of(WEEK, WEEK_OF)
    centre = snapshots.snapshot(snapshots.CENTRE, org.centre_a.id, week)
    own = {person: snapshots.snapshot(snapshots.EMPLOYEE, person.id, week).figures["nps"] for person in (first, second)}
    shown = {fmt_figure("nps", f) for f in own.values()}
    assert len(shown) == 2 and fmt_figure("nps", centre.figures["nps"]) not in shown
    login(first)
    response = client.get(f"/metrics/reports/staff?week={week.key}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert fmt_figure("nps", centre.figures["nps"]) in page and "Ответов клиентов: <strong>9</strong>" in page
    for person, figure in own.items():
        assert f"<td>{fmt_figure('nps', figure)}</td>" not in page
        assert person.full_name not in page and person.full_name.split()[0] not in page
    for personal in (CLIENT_NAME, CLIENT_PHONE, "555-12-34", "нагрубил"):
        assert personal not in page


def test_the_staff_version_shows_what_the_committee_changed_without_its_owner(app, client, login, org):
    from training.db import utcnow
    from training.gamification.stress.models import MeasureStatus, StressMeasure, StressMonth

    owner = make_user(department=org.front_a, full_name="Ответственный Глеб Юрьевич")
    month = StressMonth(regional_service_id=org.service.id, month=f"{utcnow():%Y-%m}")
    db.session.add(StressMeasure(month_row=month, text="Юрьевич повесит табличку, хватит спорить с клиентами",
                                 public_text="Табличка с часами приёма у входа", owner_id=owner.id,
                                 created_by_id=owner.id, status=MeasureStatus.DONE, done_at=utcnow()))
    db.session.add(StressMeasure(month_row=month, text="Разобрали конфликт в бэк-офисе", owner_id=owner.id,
                                 created_by_id=owner.id, status=MeasureStatus.DONE, done_at=utcnow()))
    db.session.commit()
    login(make_user(department=org.front_a))
    page = client.get("/metrics/reports/staff").get_data(as_text=True)
    assert "Вы сказали — мы сделали" in page and "Табличка с часами приёма у входа" in page
    # staff see what clients see: neither the internal text nor a measure without a text for clients
    assert "Ответственный" not in page and "Юрьевич" not in page and "конфликт в бэк-офисе" not in page


def test_every_staff_member_of_the_centre_is_told_by_the_weekly_job(app, client, login, org):
    first, second = _world(org)
    manager = make_user(Role.MANAGER, department=org.front_a)
    other_centre = make_user(department=org.front_b)
    gone = make_user(department=org.front_a, is_active=False)
    run_due(date(2026, 3, 16))
    staff_notes = list(db.session.scalars(select(Notification).where(
        Notification.kind == "metrics.weekly_staff_report")))
    told = {n.user_id for n in staff_notes}
    assert {first.id, second.id, other_centre.id} <= told
    assert manager.id not in told and gone.id not in told  # the manager gets the full report instead
    note = next(n for n in staff_notes if n.user_id == other_centre.id)
    assert f"centre_id={org.centre_b.id}" in note.url and "2026-W11" in note.url
    run_due(date(2026, 3, 16))  # a rerun tells nobody twice
    assert len(list(db.session.scalars(select(Notification).where(
        Notification.kind == "metrics.weekly_staff_report")))) == len(staff_notes)
    login(other_centre)
    assert client.get(f"/metrics/reports/staff?centre_id={org.centre_a.id}").status_code == 404
    assert client.get(note.url).status_code == 200
