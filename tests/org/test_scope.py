from tests.factories import make_user
from training.accounts.models import Role


def test_centre_manager_never_sees_another_centres_people(client, org, login):
    manager = make_user(Role.MANAGER, department=org.front_a)
    mine = make_user(department=org.back_a, full_name="Своя Елена Олеговна")
    other = make_user(department=org.front_b, full_name="Чужая Ирина Павловна")
    login(manager)
    page = client.get("/org/staff").get_data(as_text=True)
    assert "Своя Елена Олеговна" in page and "Чужая Ирина Павловна" not in page
    assert client.get(f"/org/staff/{mine.id}").status_code == 200
    assert client.get(f"/org/staff/{other.id}").status_code == 404
    # filtering by the other centre does not widen the scope
    page = client.get(f"/org/staff?centre_id={org.centre_b.id}").get_data(as_text=True)
    assert "Чужая Ирина Павловна" not in page
    # a manager reads but does not edit
    assert client.get(f"/org/staff/{mine.id}/edit").status_code == 403


def test_hr_sees_their_regional_service_only(client, org, login):
    hr = make_user(Role.HR, service=org.service)
    in_b = make_user(department=org.front_b, full_name="Своя Анна Петровна")
    elsewhere = make_user(centre=org.other_centre, full_name="Далёкая Мария Ильинична")
    login(hr)
    page = client.get("/org/staff").get_data(as_text=True)
    assert "Своя Анна Петровна" in page and "Далёкая Мария Ильинична" not in page
    assert client.get(f"/org/staff/{in_b.id}/edit").status_code == 200
    assert client.get(f"/org/staff/{elsewhere.id}").status_code == 404
    assert client.post(f"/org/staff/{elsewhere.id}/reset-password").status_code == 404


def test_hr_cannot_edit_an_administrator_or_grant_the_role(client, org, login):
    hr = make_user(Role.HR, service=org.service)
    admin = make_user(Role.ADMIN, service=org.service)
    employee = make_user(department=org.front_a)
    login(hr)
    assert client.get(f"/org/staff/{admin.id}/edit").status_code == 403
    response = client.post(f"/org/staff/{employee.id}/edit",
                           data={"position": "Инспектор", "roles": ["employee", "admin"], "is_active": "y",
                                 "department_id": org.front_a.id})
    assert response.status_code == 422
    assert Role.ADMIN not in employee.roles


def test_staff_search_filters_and_htmx_returns_only_the_rows(client, org, login):
    login(make_user(Role.HR, service=org.service))
    make_user(department=org.front_a, full_name="Искомая Дарья Львовна")
    make_user(department=org.front_a, full_name="Другая Нина Львовна")
    response = client.get("/org/staff?q=искомая", headers={"HX-Request": "true"})
    body = response.get_data(as_text=True)
    assert "<html" not in body and "Искомая Дарья Львовна" in body and "Другая Нина Львовна" not in body
    assert "HX-Request" in response.headers["Vary"]
    assert "<html" in client.get("/org/staff?q=искомая").get_data(as_text=True)


def test_hr_edit_is_audited_with_before_and_after(client, org, login):
    from sqlalchemy import select

    from training.audit.models import AuditEntry
    from training.extensions import db

    hr = make_user(Role.HR, service=org.service)
    person = make_user(department=org.front_a)
    login(hr)
    response = client.post(f"/org/staff/{person.id}/edit", data={
        "position": "Главный специалист", "roles": ["employee", "teacher"], "is_active": "y",
        "department_id": org.back_a.id})
    assert response.status_code == 303
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "user.update"))
    assert entry.actor_id == hr.id and entry.object_id == str(person.id)
    assert entry.before == {"position": "Ведущий инспектор", "department_id": org.front_a.id, "roles": ["employee"]}
    assert entry.after == {"position": "Главный специалист", "department_id": org.back_a.id,
                           "roles": ["employee", "teacher"]}


def test_reset_password_shows_a_one_time_password_and_audits_it(client, org, login):
    from sqlalchemy import select

    from training.audit.models import AuditEntry
    from training.extensions import db

    login(make_user(Role.HR, service=org.service))
    person = make_user(department=org.front_a)
    response = client.post(f"/org/staff/{person.id}/reset-password", headers={"HX-Request": "true"})
    body = response.get_data(as_text=True)
    assert "<html" not in body and 'class="otp"' in body
    assert db.session.scalar(select(AuditEntry.action).where(AuditEntry.object_id == str(person.id))) == \
        "user.password_reset"


def test_admin_browses_and_filters_the_audit_log(client, org, login):
    from training.accounts.services import reset_password
    from training.extensions import db

    admin = make_user(Role.ADMIN, service=org.service)
    hr = make_user(Role.HR, service=org.service)
    person = make_user(department=org.front_a, full_name="Журналова Алла Петровна")
    reset_password(hr, person)
    db.session.commit()
    login(admin)
    page = client.get("/audit/").get_data(as_text=True)
    assert "Выдан одноразовый пароль: Журналова Алла Петровна" in page
    filtered = client.get("/audit/?action=user.update").get_data(as_text=True)
    assert "Журналова Алла Петровна" not in filtered
    by_actor = client.get(f"/audit/?actor_id={hr.id}").get_data(as_text=True)
    assert "Журналова Алла Петровна" in by_actor
