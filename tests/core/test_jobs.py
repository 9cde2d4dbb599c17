from datetime import date

import pytest

from training import jobs


@pytest.fixture
def counting_job():
    calls = []

    @jobs.periodic_job("test.counter", "weekly", "counts its runs")
    def counter(today):
        calls.append(today)
        return f"run {len(calls)}"

    yield calls
    jobs.REGISTRY.pop("test.counter")


def test_run_due_twice_does_the_work_once_per_period(app, counting_job):
    first = dict(jobs.run_due(date(2026, 11, 23)))
    second = dict(jobs.run_due(date(2026, 11, 26)))  # same ISO week
    assert first["test.counter"] == "run 1"
    assert second["test.counter"] == "уже выполнено"
    assert counting_job == [date(2026, 11, 23)]
    third = dict(jobs.run_due(date(2026, 11, 30)))  # next week
    assert third["test.counter"] == "run 2"


def test_cli_entry_point_runs_due_jobs(app, runner, counting_job):
    result = runner.invoke(args=["jobs", "run-due", "--date", "2026-11-26"])
    assert "test.counter: run 1" in result.output
    result = runner.invoke(args=["jobs", "run-due", "--date", "2026-11-26"])
    assert "test.counter: уже выполнено" in result.output
    assert len(counting_job) == 1


def test_a_failing_job_is_retried_next_time(app):
    attempts = []

    @jobs.periodic_job("test.flaky", "daily")
    def flaky(today):
        attempts.append(today)
        if len(attempts) == 1:
            raise RuntimeError("boom")
        return "ok"

    try:
        assert dict(jobs.run_due(date(2026, 11, 26)))["test.flaky"] == "ошибка"
        assert dict(jobs.run_due(date(2026, 11, 26)))["test.flaky"] == "ok"
    finally:
        jobs.REGISTRY.pop("test.flaky")


def test_period_keys():
    assert jobs.period_key("daily", date(2026, 1, 5)) == "2026-01-05"
    assert jobs.period_key("weekly", date(2026, 1, 1)) == "2026-W01"
    assert jobs.period_key("monthly", date(2026, 11, 26)) == "2026-11"
    assert jobs.period_key("quarterly", date(2026, 11, 26)) == "2026-Q4"


def test_expired_one_time_passwords_are_erased_by_the_daily_job(app, org):
    from datetime import timedelta

    from tests.factories import make_user
    from training.accounts.services import issue_one_time_password
    from training.db import utcnow
    from training.extensions import db

    fresh, stale, settled = (make_user(department=org.front_a) for _ in range(3))
    issue_one_time_password(fresh)
    issue_one_time_password(stale)
    stale.one_time_password_expires_at = utcnow() - timedelta(days=1)
    db.session.commit()
    outcome = dict(jobs.run_due(date.today()))
    assert outcome["accounts.expire-one-time-passwords"] == "просроченных одноразовых паролей стёрто: 1"
    db.session.expire_all()
    assert stale.password_hash is None and fresh.password_hash and settled.password_hash


def test_create_admin_command_prints_a_one_time_password(app, runner):
    from training.accounts.services import find_by_email

    result = runner.invoke(args=["accounts", "create-admin", "Boss@Szn.Example.ru", "Главный Админ Админович"])
    assert "Одноразовый пароль:" in result.output
    user = find_by_email("boss@szn.example.ru")
    assert user.has_role("admin") and user.must_change_password


def test_every_period_runs_on_each_invocation_but_once_a_minute():
    from training.jobs import period_key

    first = period_key("every", date(2026, 11, 26))
    assert len(first) == 16 and first[10] == "T"
