"""The bugs the hostile-input and two-process tests found, each pinned by a plain example (the fuzzing is
deterministic, but its examples shift whenever the strategies change)."""
from __future__ import annotations

import io

import pytest
from sqlalchemy import select

from tests.hardening.world import PASSWORD, populate, snapshot, table_names
from tests.support.app import make_test_app
from training.extensions import db

HUGE = 10 ** 30


@pytest.mark.parametrize("url", ["/org/staff/{huge}", "/certificates/ob/issuers/{huge}",
                                 "/team/stress/from-clients/{big}", "/metrics/pulse/employee/{big}"])
def test_an_id_beyond_64_bits_is_not_found(world_app, url):
    """werkzeug's <int:…> matched any run of digits; the database driver then raised OverflowError (500)."""
    client = world_app.client("hr")
    response = client.get(url.format(huge=HUGE, big=2 ** 63))
    assert response.status_code == 404


def test_a_number_beyond_64_bits_in_a_form_is_refused_without_changes(world_app, world):
    client = world_app.client("employee")
    tables = table_names(world_app.path)
    before = snapshot(world_app.path, tables)
    response = client.post("/team/ratings", data={"rated_id": str(HUGE), "action": "rate", "aspect-1": "5"})
    assert response.status_code == 400
    assert "Число вне допустимого диапазона" in response.get_data(as_text=True)
    assert snapshot(world_app.path, tables) == before


def test_a_refused_sign_in_answers_an_htmx_request_with_the_form(world_app, world):
    """The login_form block used the field macro without importing it: 500 for an htmx request."""
    response = world_app.app.test_client().post("/auth/login", data={"email": world.emails["employee"],
                                                                     "password": "wrong-password-123"},
                                                headers={"HX-Request": "true"})
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert "<html" not in body and 'name="email"' in body


def test_an_empty_post_to_the_cohort_form_changes_nothing(world_app, world):
    """No form data: WTForms read the cohort, which has no teacher_ids, and update_cohort iterated None."""
    from training.courses.models import Cohort

    cohort_id = world.arguments["cohort_id"]
    with world_app.app.app_context():
        teachers = [t.id for t in db.session.get(Cohort, cohort_id).teachers]
    response = world_app.client("hr").post(f"/learn/cohorts/{cohort_id}/edit")
    # the form falls back to the cohort's own values: saving them is the answer, and nothing changes
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/learn/cohorts/{cohort_id}")
    with world_app.app.app_context():
        assert [t.id for t in db.session.get(Cohort, cohort_id).teachers] == teachers


def test_a_client_vote_link_with_a_non_ascii_signature_is_not_found(world_app, world):
    """hmac.compare_digest raised TypeError for str with non-ASCII characters."""
    response = world_app.app.test_client().post(f"/v/{world.arguments['employee_id']}/подпись",
                                                data={"code": "ABC123"})
    assert response.status_code == 404


def test_a_csv_with_an_endless_field_is_refused_with_its_line(world_app, world):
    """An unclosed quote makes the csv module read past its field limit: _csv.Error became a 500."""
    from training.accounts.staff.importer import TEMPLATE_HEADER

    data = (";".join(TEMPLATE_HEADER) + "\r\n" + '52;"' + "x" * 200_000 + "\r\n").encode()
    response = world_app.client("hr").post("/org/import", data={"file": (io.BytesIO(data), "staff.csv",
                                                                         "text/csv")})
    assert response.status_code == 422
    assert "кавычки" in response.get_data(as_text=True)


@pytest.mark.parametrize(("who", "url"), [("employee", "/materials/"), ("hr", "/org/staff")])
def test_a_search_for_a_very_long_word_answers(world_app, who, url):
    """SQLite refuses a LIKE pattern beyond 50 000 bytes («LIKE or GLOB pattern too complex»): 500."""
    response = world_app.client(who).get(url, query_string={"q": "щ" * 60_000})
    assert response.status_code == 200


# what each page answers: the registry refuses the date, the audit log ignores a date no entry can have
DATE_FILTER_ANSWERS = {"/certificates/registry": (400, "Число вне допустимого диапазона."),
                       "/audit/": (200, "Журнал изменений")}


@pytest.mark.parametrize(("who", "url"), [("hr", "/certificates/registry"), ("admin", "/audit/")])
@pytest.mark.parametrize("dates", [{"date_from": "0001-01-01"}, {"date_to": "9999-12-31"}])
def test_a_date_filter_at_the_ends_of_the_calendar_answers(world_app, who, url, dates):
    """0001-01-01 cannot be moved to UTC, 9999-12-31 has no next day: OverflowError/ValueError (500)."""
    response = world_app.client(who).get(url, query_string=dates)
    status, text = DATE_FILTER_ANSWERS[url]
    assert response.status_code == status
    assert text in response.get_data(as_text=True)


@pytest.mark.postgres
def test_a_value_postgresql_cannot_hold_is_refused_without_changes(pg_url):
    """A form without a range on an integer column: PostgreSQL's DataError (integer out of range) was a 500."""
    from training.metrics.operations.models import IqsCategory

    app = make_test_app(SQLALCHEMY_DATABASE_URI=pg_url)
    with app.app_context():
        db.create_all()
        world = populate()
        category = db.session.get(IqsCategory, world.arguments["category_id"])
        before = (category.sort_order, category.name)
        client = app.test_client()
        client.post("/auth/login", data={"email": world.emails["hr"], "password": PASSWORD})
        response = client.post(f"/metrics/iqs/categories/{category.id}",
                               data={"name": "Новое имя", "weight": "1", "sort_order": str(2 ** 40),
                                     "is_active": "y"})
        assert response.status_code == 400, response.status_code
        assert "Значение не помещается в поле" in response.get_data(as_text=True)
        db.session.expire_all()
        category = db.session.scalar(select(IqsCategory).where(IqsCategory.id == world.arguments["category_id"]))
        assert (category.sort_order, category.name) == before
        db.session.remove()
        db.engine.dispose()


def test_an_unknown_quiz_preset_is_refused(world_app, world):
    """The course's quiz settings belong to its owners and administrators (issue 15): an administrator sends an
    unknown preset."""
    response = world_app.client("admin").post(f"/quizzes/{world.arguments['quiz_id']}/settings",
                                               data={"apply_preset": "1", "preset": "no-such-preset"})
    assert response.status_code == 422
    assert "Выберите набор настроек из списка." in response.get_data(as_text=True)
