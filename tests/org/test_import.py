import hashlib
import io
import sqlite3

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from tests.factories import make_org, make_user
from tests.support.app import make_test_app
from training.accounts.models import Role, User
from training.accounts.staff.importer import TEMPLATE_HEADER, import_staff
from training.audit.models import AuditEntry
from training.extensions import db
from training.org.models import Centre, Department
from training.tabular import ImportRejected, csv_bytes

SERVICE = "Управление занятости Нижегородской области"


def row(number="100", name="Иванова Мария Петровна", email="m.ivanova@szn.example.ru", centre="ЦЗН г. Дзержинска",
        department="Фронт-офис", position="Ведущий инспектор", hired="01.09.2019", roles="сотрудник",
        code="52", region="Нижегородская область", service=SERVICE, kind=""):
    return [code, region, service, centre, department, kind, number, name, position, email, hired, roles]


def staff_file(*rows) -> bytes:
    return csv_bytes(TEMPLATE_HEADER, rows)


@pytest.fixture
def admin(org):
    return make_user(Role.ADMIN, service=org.service)


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_import_creates_structure_and_staff_with_one_time_passwords(admin):
    data = staff_file(row(), row(number="101", name="Петров Олег Игоревич", email="o.petrov@szn.example.ru",
                                 centre="ЦЗН г. Кстово", department="Колл-центр", roles="руководитель ЦЗН, сотрудник"))
    result = import_staff(admin, "staff.csv", data)
    db.session.commit()
    assert len(result.created) == 2 and not result.updated
    petrov = db.session.scalar(select(User).where(User.personnel_number == "101"))
    assert petrov.roles == {Role.MANAGER, Role.EMPLOYEE}
    assert petrov.centre.name == "ЦЗН г. Кстово" and petrov.department.kind == "call_centre"
    assert petrov.must_change_password and petrov.one_time_password_expires_at is not None
    passwords = dict((u.email, p) for u, p in result.created)
    assert len(passwords["o.petrov@szn.example.ru"]) == 12


def test_reimporting_the_same_file_changes_nothing(admin):
    data = staff_file(row(), row(number="101", name="Петров Олег Игоревич", email="o.petrov@szn.example.ru"))
    import_staff(admin, "staff.csv", data)
    db.session.commit()
    audit_before = count(AuditEntry)
    hashes_before = set(db.session.scalars(select(User.password_hash)))
    result = import_staff(admin, "staff.csv", data)
    db.session.commit()
    assert not result.created and not result.updated and result.unchanged == 2
    assert count(AuditEntry) == audit_before  # nothing to record when nothing changed
    assert set(db.session.scalars(select(User.password_hash))) == hashes_before


def test_edited_file_updates_people_in_place_by_personnel_number(admin):
    import_staff(admin, "staff.csv", staff_file(row()))
    db.session.commit()
    user_id = db.session.scalar(select(User.id).where(User.personnel_number == "100"))
    edited = staff_file(row(name="Иванова-Смирнова Мария Петровна", position="Главный специалист",
                            department="Бэк-офис", email="m.smirnova@szn.example.ru", roles="сотрудник, преподаватель"))
    result = import_staff(admin, "staff.csv", edited)
    db.session.commit()
    assert len(result.updated) == 1 and not result.created
    assert count(User) == 2  # the admin and Мария, not a duplicate
    user = db.session.get(User, user_id)
    assert (user.full_name, user.position, user.department.name, user.email) == (
        "Иванова-Смирнова Мария Петровна", "Главный специалист", "Бэк-офис", "m.smirnova@szn.example.ru")
    assert user.roles == {Role.EMPLOYEE, Role.TEACHER}
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "user.import_update"))
    assert entry.before["position"] == "Ведущий инспектор" and entry.after["position"] == "Главный специалист"
    assert entry.actor_id == admin.id


def test_every_bad_row_is_reported_by_line_and_column_in_russian(admin):
    data = staff_file(
        row(),
        row(number="", email="bad-address"),
        row(number="102", name="ivanov ivan", email="i@szn.example.ru", hired="31.02.2020"),
        row(number="100", email="other@szn.example.ru", roles="начальник"),
    )
    with pytest.raises(ImportRejected) as error:
        import_staff(admin, "staff.csv", data)
    messages = [str(p) for p in error.value.problems]
    assert "Строка 3, столбец «Табельный номер (G)»: обязательное поле не заполнено." in messages
    assert "Строка 3, столбец «E-mail (J)»: «bad-address» — неверный адрес электронной почты." in messages
    assert any(m.startswith("Строка 4, столбец «ФИО (H)»") for m in messages)
    assert any(m.startswith("Строка 4, столбец «Дата приёма (K)»: «31.02.2020» — не дата") for m in messages)
    assert any(m.startswith("Строка 5, столбец «Табельный номер (G)»: табельный номер 100 уже встречается в строке 2")
               for m in messages)
    assert any(m.startswith("Строка 5, столбец «Роли (L)»: неизвестная роль «начальник»") for m in messages)
    assert count(User) == 1 and count(Centre) == 3


def test_an_email_without_a_dot_in_the_domain_is_refused_and_nobody_gets_it_as_a_log_in(admin):
    data = staff_file(row(), row(number="101", name="Петрова Анна Ивановна", email="name@example"))
    with pytest.raises(ImportRejected) as error:
        import_staff(admin, "staff.csv", data)
    assert [str(p) for p in error.value.problems] == [
        "Строка 3, столбец «E-mail (J)»: «name@example» — неверный адрес электронной почты: в домене нет точки "
        "(например, name@szn.example.ru)."]
    assert count(User) == 1


def test_file_with_one_bad_row_leaves_the_database_byte_for_byte_unchanged(tmp_path):
    path = tmp_path / "db.sqlite3"
    app = make_test_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{path}")
    with app.app_context():
        db.create_all()
        org = make_org()
        admin = make_user(Role.ADMIN, service=org.service)
        import_staff(admin, "staff.csv", staff_file(row()))
        db.session.commit()
        admin_email = admin.email
        db.session.remove()
        db.engine.dispose()
        client = app.test_client()
        client.post("/auth/login", data={"email": admin_email, "password": "correct-horse-battery-42"})
        db.session.remove()
        db.engine.dispose()
        before = _snapshot(path)
        good_and_bad = staff_file(row(position="Новая должность"),
                                  row(number="200", name="Новикова Анна Юрьевна", email="new@szn.example.ru"),
                                  row(number="201", name="Орлов Пётр Ильич", email="orlov@szn.example.ru",
                                      hired="завтра"))
        response = client.post("/org/import", data={"file": (io.BytesIO(good_and_bad), "staff.csv")},
                               content_type="multipart/form-data")
        page = response.get_data(as_text=True)
        assert response.status_code == 422
        assert "Ничего не изменено" in page and "Строка 4, столбец «Дата приёма (K)»" in page
        db.session.remove()
        db.engine.dispose()
        assert _snapshot(path) == before


def _snapshot(path) -> tuple[str, list[str]]:
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    dump = list(connection.iterdump())
    connection.close()
    return hashlib.sha256(path.read_bytes()).hexdigest(), dump


def test_xlsx_with_excel_dates_imports(admin):
    from datetime import datetime

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(TEMPLATE_HEADER)
    values = row(number=12345)
    values[10] = datetime(2019, 9, 1)
    values[6] = 12345  # a number cell, as Excel stores personnel numbers
    sheet.append(values)
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = import_staff(admin, "staff.xlsx", buffer.getvalue())
    user, _ = result.created[0]
    assert user.personnel_number == "12345" and user.hire_date.isoformat() == "2019-09-01"


def test_windows_1251_csv_with_commas_imports(admin):
    text = ",".join(TEMPLATE_HEADER) + "\r\n" + ",".join(row()) + "\r\n"
    result = import_staff(admin, "staff.csv", text.encode("cp1251"))
    assert result.created[0][0].full_name == "Иванова Мария Петровна"


def test_missing_columns_are_named(admin):
    data = "ФИО;E-mail\nИванова Мария Петровна;m@szn.example.ru\n".encode()
    with pytest.raises(ImportRejected) as error:
        import_staff(admin, "staff.csv", data)
    messages = [str(p) for p in error.value.problems]
    assert "Строка 1, столбец «Табельный номер»: нет такого столбца в заголовке. Скачайте шаблон и сверьте названия." \
        in messages


def test_hr_imports_only_into_own_service_and_cannot_grant_administrator(org):
    hr = make_user(Role.HR, service=org.service)
    data = staff_file(row(code="16", region="Республика Татарстан", service=org.other_service.name,
                          centre="ЦЗН г. Казани"),
                      row(number="101", name="Петров Олег Игоревич", email="o.petrov@szn.example.ru",
                          roles="администратор"))
    with pytest.raises(ImportRejected) as error:
        import_staff(hr, "staff.csv", data)
    messages = [str(p) for p in error.value.problems]
    assert "Строка 2, столбец «СЗН»: вы можете загружать сотрудников только своей СЗН." in messages
    assert "Строка 3, столбец «Роли»: роль «администратор» может назначить только администратор." in messages


def test_email_of_another_person_is_refused(admin, org):
    make_user(department=org.front_b, email="taken@szn.example.ru")
    with pytest.raises(ImportRejected) as error:
        import_staff(admin, "staff.csv", staff_file(row(email="taken@szn.example.ru")))
    assert "адрес taken@szn.example.ru уже принадлежит другому сотруднику" in str(error.value.problems[0])


def test_import_page_shows_one_time_passwords_once(client, org, login):
    hr = make_user(Role.HR, service=org.service)
    login(hr)
    response = client.post("/org/import", data={"file": (io.BytesIO(staff_file(row())), "staff.csv")},
                           content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Добавлено: <strong>1</strong>" in page and 'class="otp"' in page
    assert "Одноразовые пароли" not in client.get("/org/import").get_data(as_text=True)


def test_template_downloads_in_both_formats(client, org, login):
    login(make_user(Role.HR, service=org.service))
    csv_response = client.get("/org/import/template.csv")
    assert csv_response.get_data().decode("utf-8-sig").startswith("Код региона;Субъект РФ;СЗН;ЦЗН")
    xlsx = client.get("/org/import/template.xlsx")
    assert xlsx.get_data()[:2] == b"PK"
    from training.accounts.staff.importer import parse_staff_file

    assert len(parse_staff_file("t.xlsx", xlsx.get_data())) == 2  # the template itself is a valid file
    assert client.get("/org/import/template.pdf").status_code == 404


def test_department_kind_is_guessed_from_name(admin):
    result = import_staff(admin, "s.csv", staff_file(row(department="Отдел приёма граждан")))
    assert result.created[0][0].department.kind == "front_office"
    assert db.session.scalar(select(func.count()).select_from(Department)) == 4


# --- issue 15, finding 11: bounds ----------------------------------------------------------------------------

def _people(n: int, bad: bool = False) -> bytes:
    return staff_file(*(row(number=str(1000 + i), email=f"p{i}@szn.example.ru",
                            name="плохое имя" if bad else "Иванова Мария Петровна") for i in range(n)))


def test_a_file_above_the_row_cap_is_refused_at_once_and_changes_nothing(admin):
    before = count(User)
    with pytest.raises(ImportRejected) as refused:
        import_staff(admin, "staff.csv", _people(31), max_rows=30)
    problem = refused.value.problems[0]
    assert problem.line == 32 and "больше 30 строк" in problem.message and "flask org import" in problem.message
    assert count(User) == before


def test_an_xlsx_above_the_row_cap_is_refused(admin):
    workbook = Workbook()
    workbook.active.append(TEMPLATE_HEADER)
    for i in range(31):
        workbook.active.append(row(number=str(1000 + i), email=f"x{i}@szn.example.ru"))
    buffer = io.BytesIO()
    workbook.save(buffer)
    with pytest.raises(ImportRejected) as refused:
        import_staff(admin, "staff.xlsx", buffer.getvalue(), max_rows=30)
    assert "больше 30 строк" in refused.value.problems[0].message


def test_the_upload_page_refuses_a_file_above_the_configured_cap(tmp_path, org):
    app = make_test_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'db.sqlite3'}", STAFF_IMPORT_MAX_ROWS=30)
    with app.app_context():
        db.create_all()
        hr = make_user(Role.HR, service=make_org().service)
        client = app.test_client()
        client.post("/auth/login", data={"email": hr.email, "password": "correct-horse-battery-42"})
        response = client.post("/org/import", data={"file": (io.BytesIO(_people(31)), "staff.csv")},
                               content_type="multipart/form-data")
        assert response.status_code == 422
        assert "больше 30 строк" in response.get_data(as_text=True)
        db.session.remove()
        db.drop_all()


def test_an_error_page_lists_the_first_hundred_problems_and_counts_the_rest(client, login, admin):
    login(admin)
    response = client.post("/org/import", data={"file": (io.BytesIO(_people(250, bad=True)), "staff.csv")},
                           content_type="multipart/form-data")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "найдено ошибок — 250" in page and page.count("<li>Строка") == 100
    assert "и ещё 150 ошибок" in page


def test_flask_org_import_loads_a_file_above_the_cap(app, admin, tmp_path):
    path = tmp_path / "big.csv"
    path.write_bytes(_people(40))
    app.config["STAFF_IMPORT_MAX_ROWS"] = 30
    result = app.test_cli_runner().invoke(args=["org", "import", str(path), "--as", admin.email])
    assert result.exit_code == 0, result.output
    assert "Добавлено: 40" in result.output
    assert count(User) == 41 and (tmp_path / "big-passwords.csv").read_bytes().count(b"\r\n") == 41


def test_flask_org_import_refuses_someone_who_is_not_an_administrator(app, org, tmp_path):
    path = tmp_path / "big.csv"
    path.write_bytes(_people(2))
    employee = make_user(department=org.front_a)
    result = app.test_cli_runner().invoke(args=["org", "import", str(path), "--as", employee.email])
    assert result.exit_code != 0 and "нет активного администратора" in result.output
