"""The Комитет клиентоцентричности: HR of the service appoints members; every change is audited."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.factories import PASSWORD, make_user
from training.accounts.models import Role
from training.audit.models import AuditEntry
from training.errors import DomainError, NotAllowed
from training.extensions import db
from training.gamification.committee import services as committee
from training.gamification.committee.models import CommitteeMember


def test_hr_appoints_and_removes_members_with_an_audit_trail(app, staff, client, login, org):
    login(staff["hr"])
    response = client.post("/team/committee", data={"user_id": staff["vera"].id, "is_chair": "y"})
    assert response.status_code == 303
    member = db.session.scalar(select(CommitteeMember))
    assert (member.user_id, member.is_chair, member.regional_service_id) == (staff["vera"].id, True, org.service.id)
    again = client.post("/team/committee", data={"user_id": staff["vera"].id})
    assert again.status_code == 422 and "уже в комитете" in again.get_data(as_text=True)
    page = app.test_client()
    page.post("/auth/login", data={"email": staff["anna"].email, "password": PASSWORD})
    listing = page.get("/team/committee").get_data(as_text=True)
    assert staff["vera"].full_name in listing and "председатель" in listing and "Исключить" not in listing
    assert client.post(f"/team/committee/{member.id}/remove").status_code == 303
    assert db.session.scalar(select(CommitteeMember)) is None
    actions = db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions == ["committee.add", "committee.remove"]


def test_only_hr_of_the_same_service_appoints(app, staff, org):
    outsider_hr = make_user(Role.HR, service=org.other_service)
    with pytest.raises(NotAllowed):
        committee.add_member(outsider_hr, org.service.id, staff["anna"])
    with pytest.raises(NotAllowed):
        committee.add_member(staff["manager"], org.service.id, staff["anna"])
    with pytest.raises(DomainError, match="не найден"):
        committee.add_member(staff["hr"], org.service.id, make_user(service=org.other_service))


def test_employees_cannot_post_to_the_committee(app, staff, client, login):
    login(staff["anna"])
    assert client.post("/team/committee", data={"user_id": staff["anna"].id}).status_code == 403
