"""Public verification: what an employer or an inspector sees without signing in, and what they cannot do."""
import base64
from datetime import timedelta

import pytest
from sqlalchemy import event

from tests.certificates.helpers import make_learners
from tests.factories import make_org
from tests.support.app import make_test_app
from training.certificates import services
from training.extensions import db


@pytest.fixture
def certificate(world):
    certificate = services.issue_course_certificates(world.hr, world.cohort.enrolments[:1])[0][0]
    db.session.commit()
    return certificate


def _page(client, code):
    response = client.get(f"/certificates/verify/{code}")
    return response, response.get_data(as_text=True)


def test_valid_certificate_shows_only_what_was_completed_by_whom(client, world, certificate):
    response, text = _page(client, certificate.verification_code)
    assert response.status_code == 200
    assert "Документ действителен" in text and "Статус: <strong>действителен</strong>" in text
    for shown in ("Смирнова Анна Сергеевна", world.course.title, certificate.number,
                  "Управление занятости Нижегородской области",
                  services.ru_date(certificate.completed_on), services.ru_date(certificate.expires_on)):
        assert shown in text, shown
    holder = world.learners[0]
    for hidden in (holder.email, holder.personnel_number, holder.position, "ЦЗН г. Дзержинска", "Фронт-офис"):
        assert hidden not in text, hidden
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Referrer-Policy"] == "no-referrer"


def test_expired_certificate(client, certificate):
    certificate.expires_on = services.local_today() - timedelta(days=1)
    db.session.commit()
    _, text = _page(client, certificate.verification_code)
    assert "Срок действия истёк" in text and "срок действия истёк" in text


def test_revoked_certificate_shows_date_and_reason(client, login, world, certificate):
    login(world.hr)
    form = client.get(f"/certificates/{certificate.id}/revoke")
    assert "Причина отзыва" in form.get_data(as_text=True)
    refused = client.post(f"/certificates/{certificate.id}/revoke", data={"reason": ""})
    assert refused.status_code == 422
    client.post(f"/certificates/{certificate.id}/revoke", data={"reason": "Выдан по ошибке: курс не завершён"})
    client.post("/auth/logout")
    _, text = _page(client, certificate.verification_code)
    assert "Документ отозван" in text and "Статус: <strong>отозван</strong>" in text
    assert "Выдан по ошибке: курс не завершён" in text
    assert services.ru_date(services.local_today()) in text


def test_superseded_certificate_links_to_its_replacement(client, world, certificate):
    world.learners[0].full_name = "Смирнова-Орлова Анна Сергеевна"
    db.session.commit()
    new = services.reissue(world.hr, certificate)
    db.session.commit()
    _, text = _page(client, certificate.verification_code)
    assert "Документ заменён" in text and "заменён" in text
    assert f"/certificates/verify/{new.verification_code}" in text and new.number in text
    _, text = _page(client, new.verification_code)
    assert "Документ действителен" in text and "Смирнова-Орлова Анна Сергеевна" in text


def test_unknown_code_is_not_found(client, certificate):
    response, text = _page(client, "AAAAAAAAAAAAAAAAAAAAAA")
    assert response.status_code == 404
    assert "Документ не найден" in text
    assert certificate.holder_name not in text


def test_known_and_unknown_codes_take_the_same_path(client, certificate):
    """The same number of database statements for a real, a wrong and a malformed code: no timing oracle
    from early exits, extra queries or lazy loads."""
    statements = []

    def count(*args, **kwargs):
        statements.append(1)

    wrong = certificate.verification_code[:-1] + ("A" if certificate.verification_code[-1] != "A" else "B")
    counts = []
    event.listen(db.engine, "before_cursor_execute", count)
    try:
        for code in (certificate.verification_code, wrong, "x", certificate.number):
            statements.clear()
            client.get(f"/certificates/verify/{code}")
            counts.append(len(statements))
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert counts[0] == counts[1] == counts[2] == counts[3], counts


def _issue_titles(count):
    org = make_org()
    people = make_learners(count, org.centre_a)
    certificates = [services.issue_document("title", person, title="Мастер клиентоцентричности", issued_by=None,
                                            source_key=f"title:test:{n}") for n, person in enumerate(people)]
    db.session.commit()
    return [(c.id, c.number, c.verification_code, c.badge_code) for c in certificates]


def test_codes_are_random_and_unrelated_to_ids_and_numbers():
    """Two installations issuing the same documents in the same order get the same ids and numbers but
    different codes: nothing about a code can be derived from what is printed or counted."""
    runs = []
    for _ in range(2):
        app = make_test_app()
        with app.app_context():
            db.create_all()
            runs.append(_issue_titles(100))
            db.session.remove()
            db.drop_all()
    first, second = runs
    assert [(i, n) for i, n, _, _ in first] == [(i, n) for i, n, _, _ in second]
    codes = [c for run in runs for _, _, v, b in run for c in (v, b)]
    assert len(set(codes)) == len(codes)  # verification and badge codes all distinct, across both runs
    for _, number, verification, badge in first:
        for code in (verification, badge):
            assert len(base64.urlsafe_b64decode(code + "==")) * 8 >= 128  # the issue asks ≥ 64 bits
            assert number.rsplit("-", 1)[1] not in code


def test_verification_is_rate_limited(tmp_path):
    app = make_test_app(CERTIFICATE_VERIFY_RATE_LIMIT="5 per minute")
    with app.app_context():
        db.create_all()
        make_org()
        client = app.test_client()
        statuses = [client.get(f"/certificates/verify/guess{n:04d}guess{n:04d}xx").status_code for n in range(8)]
        assert statuses[:5] == [404] * 5
        assert statuses[5:] == [429] * 3
        assert "Слишком много запросов" in client.get("/certificates/verify/another").get_data(as_text=True)
        db.session.remove()
        db.drop_all()


def test_verification_needs_no_sign_in_and_shows_no_menu(client, certificate):
    response, text = _page(client, certificate.verification_code)
    assert response.status_code == 200
    assert 'class="bottom-nav"' not in text and "Выйти" not in text
