"""Status and kind columns hold only their enum's values: the database itself refuses anything else, and the
migration that added the constraints refuses to run over rows it would have to reject."""
import pytest
from alembic import command
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from flask_migrate import upgrade
from sqlalchemy import func, inspect, select, text
from sqlalchemy.exc import IntegrityError

from tests import factories
from tests.support.app import make_test_app
from training.accounts.models import Role, UserRole
from training.extensions import db
from training.gamification.contests.models import ColleagueVote
from training.gamification.quests.models import QuestStatus
from training.org.models import Department, DepartmentKind

ENUM_MIGRATION = "f32d30840af9"


def _refused(statement: str, **params) -> bool:
    try:
        with db.session.begin_nested():
            db.session.execute(text(statement), params)
    except IntegrityError:
        return True
    return False


@pytest.mark.postgres
def test_the_migrated_database_refuses_a_status_or_kind_the_code_does_not_know(any_db_url):
    app = make_test_app(SQLALCHEMY_DATABASE_URI=any_db_url)
    with app.app_context():
        upgrade()
        org = factories.make_org()
        user = factories.make_user(Role.EMPLOYEE, department=org.front_a)
        quest_id = db.session.execute(text(
            "INSERT INTO quests (regional_service_id, title, description, format, status, organiser_id, version, "
            "created_at) VALUES (:service, 'Квест', '', 'quest', 'draft', :user, 0, CURRENT_TIMESTAMP) RETURNING id"),
            {"service": org.service.id, "user": user.id}).scalar_one()
        db.session.commit()

        assert _refused("INSERT INTO user_roles (user_id, role) VALUES (:user, 'superuser')", user=user.id)
        assert _refused("UPDATE departments SET kind = 'kiosk' WHERE id = :id", id=org.front_a.id)
        assert _refused("UPDATE quests SET status = 'paused' WHERE id = :id", id=quest_id)
        assert _refused("INSERT INTO index_snapshots (scope_kind, scope_id, period_kind, period_start, period_end, "
                        "data_version, computed_version, is_published, weights, weights_label, groups, indicators, "
                        "figures) VALUES ('planet', 0, 'week', '2026-11-30', '2026-12-06', 1, 0, false, '{}', '', "
                        "'{}', '{}', '{}')")
        # through the ORM too: the database is the guard, while a filter with an unknown value just finds nothing
        department = db.session.get(Department, org.front_a.id)
        department.kind = "kiosk"
        with pytest.raises(IntegrityError), db.session.begin_nested():
            db.session.flush()
        db.session.rollback()
        assert db.session.scalars(select(UserRole).where(UserRole.role == "superuser")).all() == []
        # the values the code writes are accepted, and come back as the enum's members
        assert not _refused("UPDATE quests SET status = 'running' WHERE id = :id", id=quest_id)
        assert db.session.scalar(text("SELECT status FROM quests WHERE id = :id"), {"id": quest_id}) == "running"
        assert db.session.get(Department, org.front_a.id).kind is DepartmentKind.FRONT_OFFICE
        assert QuestStatus.RUNNING.label == "идёт"
        db.session.remove()
        db.engine.dispose()


def _new_row(statement: str, **params) -> int:
    """Insert one row and return its id."""
    return db.session.execute(text(statement + " RETURNING id"), params).scalar_one()


def _check_constraints(table: str) -> set[str]:
    return {c["name"] for c in inspect(db.engine).get_check_constraints(table)}


@pytest.mark.postgres
def test_the_enum_migration_stops_on_unknown_values_and_changes_nothing(any_db_url):
    app = make_test_app(SQLALCHEMY_DATABASE_URI=any_db_url)
    with app.app_context():
        config = app.extensions["migrate"].migrate.get_config()
        previous = ScriptDirectory.from_config(config).get_revision(ENUM_MIGRATION).down_revision
        upgrade(revision=previous)
        # rows written in the schema of that revision (plain SQL: today's models may have columns it lacks)
        service_id = _new_row("INSERT INTO regional_services (region_id, name, created_at) VALUES "
                              "(:region, 'Управление занятости', CURRENT_TIMESTAMP)",
                              region=_new_row("INSERT INTO regions (code, name) VALUES ('52', 'Нижегородская область')"))
        centre_id = _new_row("INSERT INTO centres (regional_service_id, name, created_at) VALUES "
                             "(:service, 'ЦЗН г. Дзержинска', CURRENT_TIMESTAMP)", service=service_id)
        front_id, back_id = (_new_row("INSERT INTO departments (centre_id, name, kind, created_at) VALUES "
                                      "(:centre, :name, :kind, CURRENT_TIMESTAMP)", centre=centre_id, name=name, kind=kind)
                             for name, kind in (("Фронт-офис", "front_office"), ("Бэк-офис", "back_office")))
        user_id = _new_row(
            "INSERT INTO users (email, full_name, position, regional_service_id, centre_id, department_id, "
            "must_change_password, session_version, is_active, is_public_consent, created_at, updated_at, search_text) "
            "VALUES ('hr@szn.example.ru', 'Тестова Мария Ивановна', 'Специалист', :service, :centre, :front, "
            "false, 1, true, false, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 'тестова')",
            service=service_id, centre=centre_id, front=front_id)
        db.session.execute(text("INSERT INTO user_roles (user_id, role) VALUES (:user, 'hr')"), {"user": user_id})
        # a row that references a table the migration rebuilds, with ON DELETE CASCADE: it must survive the rebuild
        contest_id = _new_row("INSERT INTO recognition_contests (regional_service_id, centre_id, scope_key, period, "
                              "status, opened_at) VALUES (:service, :centre, 'c' || :centre, '2026-11', 'open', "
                              "CURRENT_TIMESTAMP)", service=service_id, centre=centre_id)
        db.session.execute(text(
            "INSERT INTO recognition_colleague_votes (contest_id, voter_id, nominee_id, reason, created_at, updated_at) "
            "VALUES (:contest, :user, :user, '', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"),
            {"contest": contest_id, "user": user_id})
        db.session.commit()
        db.session.execute(text("UPDATE departments SET kind = 'kiosk' WHERE id IN (:a, :b)"),
                           {"a": front_id, "b": back_id})
        db.session.execute(text("INSERT INTO user_roles (user_id, role) VALUES (:user, 'superuser')"), {"user": user_id})
        db.session.commit()
        db.session.remove()

        with pytest.raises(CommandError) as stopped:
            command.upgrade(config, "head")
        message = str(stopped.value)
        assert "departments.kind: «kiosk» (2)" in message
        assert "user_roles.role: «superuser» (1)" in message
        assert "допустимо: employee, teacher, manager, hr, admin" in message
        assert "база не изменена" in message

        # nothing changed: the same revision, the rows as they were, no constraint added
        assert db.session.scalar(text("SELECT version_num FROM alembic_version")) == previous
        kinds = db.session.execute(text("SELECT id, kind FROM departments WHERE centre_id = :c ORDER BY id"),
                                   {"c": centre_id}).all()
        assert [kind for _, kind in kinds] == ["kiosk", "kiosk"]
        assert "ck_departments_kind" not in _check_constraints("departments")
        assert "ck_user_roles_role" not in _check_constraints("user_roles")
        db.session.remove()

        # once the rows are put right, the upgrade goes through and keeps every row
        db.session.execute(text("UPDATE departments SET kind = 'other' WHERE kind = 'kiosk'"))
        db.session.execute(text("UPDATE user_roles SET role = 'admin' WHERE role = 'superuser'"))
        db.session.commit()
        db.session.remove()
        command.upgrade(config, "head")
        assert db.session.scalar(text("SELECT version_num FROM alembic_version")) != previous
        assert "ck_departments_kind" in _check_constraints("departments")
        departments = db.session.scalars(select(Department).order_by(Department.id)).all()
        assert [d.kind for d in departments if d.centre_id == centre_id] == [DepartmentKind.OTHER] * 2
        assert {link.role for link in db.session.scalars(select(UserRole).where(UserRole.user_id == user_id))} == {
            Role.HR, Role.ADMIN}
        assert db.session.scalar(select(func.count()).select_from(ColleagueVote)) == 1
        db.session.remove()
        db.engine.dispose()
