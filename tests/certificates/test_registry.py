"""HR's registry: scope, search and filters, exports, ZIP of PDFs, revocation and reissue, audit."""
import csv
import io
import zipfile
from datetime import timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from tests.certificates.helpers import enrol_completed, pdf_text
from tests.factories import make_user
from training.audit.models import AuditEntry
from training.certificates import services
from training.certificates.models import Certificate
from training.extensions import db


@pytest.fixture
def registry(world, org):
    """Two course certificates in our service (centres A and B), a diploma, and one in another service."""
    ours = services.issue_course_certificates(world.hr, world.cohort.enrolments)[0]
    diploma = services.issue_document("employee_of_month", world.learners[0], title="Сотрудник месяца",
                                      issued_by=world.hr, source_key="contest:1:winner")
    kazan = make_user(centre=org.other_centre, full_name="Галиева Алсу Ринатовна")
    theirs = services.issue_course_certificates(world.admin, enrol_completed(world.course, org.other_service,
                                                                               [kazan]).enrolments)[0]
    db.session.commit()
    return {"smirnova": ours[0], "kuznetsov": ours[1], "diploma": diploma, "kazan": theirs[0]}


def _rows(client, **args):
    response = client.get("/certificates/registry", query_string=args)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_hr_sees_their_service_only_and_admin_sees_all(client, login, world, registry):
    login(world.hr)
    text = _rows(client)
    assert registry["smirnova"].number in text and registry["diploma"].number in text
    assert registry["kazan"].number not in text
    assert client.get(f"/certificates/{registry['kazan'].id}").status_code == 404
    client.post("/auth/logout")
    login(world.admin)
    assert registry["kazan"].number in _rows(client)


def test_filters_by_centre_kind_status_date_and_search(client, login, world, registry, org):
    login(world.hr)
    by_centre = _rows(client, centre_id=org.centre_b.id)
    assert registry["kuznetsov"].number in by_centre and registry["smirnova"].number not in by_centre
    diplomas = _rows(client, kind="employee_of_month")
    assert registry["diploma"].number in diplomas and registry["smirnova"].number not in diplomas
    found = _rows(client, q="кузнецов")  # case-insensitive Cyrillic
    assert registry["kuznetsov"].number in found and registry["smirnova"].number not in found
    assert registry["smirnova"].number in _rows(client, q=registry["smirnova"].number[-6:])
    today = services.local_today()
    assert registry["smirnova"].number in _rows(client, date_from=today.isoformat(), date_to=today.isoformat())
    assert registry["smirnova"].number not in _rows(client, date_from=(today + timedelta(days=1)).isoformat())

    services.revoke(world.hr, registry["kuznetsov"], "Выдан по ошибке")
    registry["smirnova"].expires_on = today + timedelta(days=20)
    db.session.commit()
    revoked = _rows(client, status="revoked")
    assert registry["kuznetsov"].number in revoked and registry["smirnova"].number not in revoked
    expiring = _rows(client, status="expiring")
    assert registry["smirnova"].number in expiring and registry["diploma"].number not in expiring
    valid = _rows(client, status="valid")
    assert registry["kuznetsov"].number not in valid and registry["diploma"].number in valid


def test_htmx_filter_answers_with_the_rows_only(client, login, world, registry):
    login(world.hr)
    response = client.get("/certificates/registry?q=смирнова", headers={"HX-Request": "true"})
    text = response.get_data(as_text=True)
    assert "<html" not in text and registry["smirnova"].number in text
    assert "HX-Request" in response.headers["Vary"]


def test_exports_csv_and_xlsx_with_status_and_link(client, login, world, registry):
    registry["kuznetsov"].revoked_at = services.utcnow()
    registry["kuznetsov"].revocation_reason = "Ошибка в данных"
    db.session.commit()
    login(world.hr)
    response = client.get("/certificates/registry/export.csv")
    assert response.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["Номер", "Вид", "ФИО"]
    by_number = {row[0]: row for row in rows[1:]}
    assert set(by_number) == {registry["smirnova"].number, registry["kuznetsov"].number, registry["diploma"].number}
    assert by_number[registry["kuznetsov"].number][9] == "отозван"
    assert by_number[registry["kuznetsov"].number][11] == "Ошибка в данных"
    assert by_number[registry["smirnova"].number][13].endswith(registry["smirnova"].verification_code)

    workbook = load_workbook(io.BytesIO(client.get("/certificates/registry/export.xlsx?status=revoked").data))
    values = [[c.value for c in row] for row in workbook.active.iter_rows()]
    assert [v[0] for v in values[1:]] == [registry["kuznetsov"].number]


def test_zip_of_the_ticked_documents(client, login, world, registry):
    login(world.hr)
    response = client.post("/certificates/registry/pdfs.zip", data={
        "certificate_ids": [registry["smirnova"].id, registry["diploma"].id, registry["kazan"].id]})
    assert response.status_code == 200 and response.mimetype == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    names = sorted(archive.namelist())
    assert names == sorted([f"{registry['smirnova'].number}.pdf", f"{registry['diploma'].number}.pdf"])
    text = pdf_text(archive.read(f"{registry['smirnova'].number}.pdf"))
    assert "Смирнова Анна Сергеевна" in text


def test_zip_of_everything_the_filter_finds(client, login, world, registry, org):
    login(world.hr)
    response = client.get(f"/certificates/registry/pdfs.zip?centre_id={org.centre_b.id}")
    assert zipfile.ZipFile(io.BytesIO(response.data)).namelist() == [f"{registry['kuznetsov'].number}.pdf"]
    empty = client.get("/certificates/registry/pdfs.zip?q=никого-нет")
    assert empty.status_code == 400 and "Не выбрано ни одного документа" in empty.get_data(as_text=True)


def test_revocation_from_the_registry_is_audited_and_final(client, login, world, registry):
    certificate = registry["smirnova"]
    login(world.hr)
    response = client.post(f"/certificates/{certificate.id}/revoke", data={"reason": "Курс пройден не лично"})
    assert response.status_code == 303
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "certificate.revoke"))
    assert entry.actor_id == world.hr.id and entry.object_id == str(certificate.id)
    assert entry.after["reason"] == "Курс пройден не лично"
    again = client.post(f"/certificates/{certificate.id}/revoke", data={"reason": "Ещё раз отзываю"})
    assert again.status_code == 422 and "уже отозван" in again.get_data(as_text=True)
    detail = client.get(f"/certificates/{certificate.id}").get_data(as_text=True)
    assert "Курс пройден не лично" in detail and "Перевыпустить" not in detail
    assert db.session.get(Certificate, certificate.id) is not None  # records are never deleted


def test_reissue_after_a_name_change(client, login, world, registry):
    old = registry["smirnova"]
    holder = world.learners[0]
    holder.full_name = "Орлова Анна Сергеевна"
    db.session.commit()
    login(world.hr)
    page = client.get(f"/certificates/{old.id}/reissue").get_data(as_text=True)
    assert "Смирнова Анна Сергеевна" in page and "Орлова Анна Сергеевна" in page
    response = client.post(f"/certificates/{old.id}/reissue", data={"reason": "смена фамилии (брак)"})
    assert response.status_code == 303
    db.session.expire_all()
    old = db.session.get(Certificate, old.id)
    new = old.superseded_by
    assert new is not None and new.number != old.number and new.verification_code != old.verification_code
    assert new.holder_name == "Орлова Анна Сергеевна" and old.holder_name == "Смирнова Анна Сергеевна"
    assert new.expires_on == old.expires_on and new.completed_on == old.completed_on
    assert old.status() == "superseded" and new.status() == "valid"
    assert "заменён" in _rows(client, q="смирнова")
    text = pdf_text(client.get(f"/certificates/{new.id}/pdf").data)
    assert "Орлова Анна Сергеевна" in text and new.number in text
    actions = set(db.session.scalars(select(AuditEntry.action)))
    assert {"certificate.reissue", "certificate.supersede"} <= actions
    # the old one cannot be reissued again or revoked; the new one is the one in force
    assert client.post(f"/certificates/{old.id}/reissue", data={"reason": "ещё"}).status_code == 422
    assert client.post(f"/certificates/{old.id}/revoke", data={"reason": "Ошибочный"}).status_code == 422


def test_hr_of_another_service_cannot_revoke(client, login, world, registry):
    login(world.other_hr)
    assert client.post(f"/certificates/{registry['smirnova'].id}/revoke",
                       data={"reason": "Чужой документ"}).status_code == 404
    assert registry["smirnova"].status() == "valid"


def test_holder_sees_their_documents_and_a_share_link(client, login, world, registry):
    login(world.learners[0])
    mine = client.get("/certificates/").get_data(as_text=True)
    assert registry["smirnova"].number in mine and registry["diploma"].number in mine
    assert registry["kuznetsov"].number not in mine
    detail = client.get(f"/certificates/{registry['smirnova'].id}").get_data(as_text=True)
    assert f"http://localhost/certificates/verify/{registry['smirnova'].verification_code}" in detail
    assert f"http://localhost/certificates/ob/assertions/{registry['smirnova'].badge_code}" in detail
    assert "Отозвать" not in detail
    home = client.get("/").get_data(as_text=True)
    assert "Мои сертификаты и дипломы" in home and registry["smirnova"].number in home


def test_signatory_settings_are_audited_and_scoped(client, login, world, org):
    login(world.hr)
    page = client.get(f"/certificates/settings?service_id={org.other_service.id}").get_data(as_text=True)
    assert org.service.name in page and org.other_service.name not in page  # HR: their own service only
    bad = client.post("/certificates/settings", data={"signatory_name": "И. И. Иванов", "issuer_email": "нет"})
    assert bad.status_code == 422
    client.post("/certificates/settings", data={"signatory_name": "И. И. Иванов", "signatory_position": "Начальник"})
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "certificate.signatory"))
    assert entry.after["name"] == "И. И. Иванов"
