"""A populated world for the hardening tests, built once per run into an SQLite file and copied for each test.

The world is the authorization matrix's: an organisation, one user per role plus «the colleague», and every
object the domains' ``url_arguments(ctx)`` create (tests/<domain>/access.py). Building it costs seconds, copying
the file costs milliseconds, so every endpoint can start from the same fresh state."""
from __future__ import annotations

import itertools
import shutil
import sqlite3
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from flask import current_app, url_for

from tests import factories
from tests.core.access import PUBLIC, ROLES, SIGNED_IN
from tests.support.access_tables import ACCESS, MODULES
from tests.support.app import make_test_app
from training.accounts.models import Role
from training.extensions import db, limiter
from training.quizzes import services as quizzes
from training.quizzes.models import Quiz

PASSWORD = factories.PASSWORD
# distinct names, so a test can tell people apart in a page
NAMES = {Role.EMPLOYEE: "Сотрудникова Анна Сергеевна", Role.TEACHER: "Преподавателев Олег Игоревич",
         Role.MANAGER: "Руководителева Ирина Олеговна", Role.HR: "Кадрова Наталья Викторовна",
         Role.ADMIN: "Админов Павел Петрович"}


@dataclass
class World:
    path: Path  # the template database file
    arguments: dict[str, object]  # URL parameter → value, from every url_arguments(ctx)
    emails: dict[str, str]  # "employee", "teacher", …, "colleague" → e-mail
    user_ids: dict[str, int]
    names: dict[str, str]
    config: dict[str, object] = field(default_factory=dict)  # app settings url_arguments changed (MATERIALS_ROOT)

    def copy_to(self, target: Path) -> Path:
        shutil.copyfile(self.path, target)
        for suffix in ("-wal", "-shm"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)
        return target


def populate(extra=None) -> World:
    """Fill the current app's (empty, created) database with the world; returns what tests need to know.

    ``extra(ctx, arguments)`` may add more objects before the world is committed, and return URL arguments
    that replace the access tables' ones."""
    org = factories.make_org()
    colleague = factories.make_user(department=org.front_a, full_name="Коллегова Вера Павловна")
    users = {role: factories.make_user(role, department=org.front_a if role != Role.HR else None,
                                       service=org.service, full_name=NAMES[role])
             for role in ROLES}
    ctx = {"org": org, "colleague": colleague, "users": users}
    arguments: dict[str, object] = {}
    for module in MODULES:
        arguments.update(module.url_arguments(ctx))
    if extra is not None:
        arguments.update(extra(ctx, arguments) or {})
    db.session.commit()
    people = {role.value: user for role, user in users.items()} | {"colleague": colleague}
    return World(path=Path(), arguments=arguments, emails={k: u.email for k, u in people.items()},
                 user_ids={k: u.id for k, u in people.items()}, names={k: u.full_name for k, u in people.items()},
                 config={k: current_app.config[k] for k in ("MATERIALS_ROOT",) if k in current_app.config})


def build_world(directory: Path | None = None, extra=None) -> World:
    """Create the template SQLite database (``extra``: see :func:`populate`)."""
    directory = Path(directory or tempfile.mkdtemp(prefix="szn-hardening-"))
    path = directory / "world.sqlite3"
    app = make_test_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{path}")
    with app.app_context():
        db.create_all()
        world = populate(extra)
        world.path = path
        db.session.remove()
        db.engine.dispose()
    # fold the WAL into the main file so a plain copy is complete
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return world


def open_quiz_attempt(ctx, arguments) -> dict:
    """The colleague's quiz attempt of tests/quizzes/access.py is finished; an open one shows the answer form,
    so the walk learns the fields of quizzes.save and the fuzzing can post answers."""
    attempt = quizzes.start_attempt(db.session.get(Quiz, arguments["quiz_id"]), ctx["colleague"])
    return {"attempt_id": attempt.id}


class WorldApp:
    """An app on a private copy of the world; :meth:`reset` brings the database back to the world's state."""

    _numbers = itertools.count(1)

    def __init__(self, world: World, directory: Path, **overrides):
        self.world = world
        self.path = directory / f"copy-{next(self._numbers)}.sqlite3"
        world.copy_to(self.path)
        self.app = make_test_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{self.path}", **world.config, **overrides)

    def reset(self) -> None:
        with self.app.app_context():
            db.session.remove()
            db.engine.dispose()
            limiter.reset()
        self.world.copy_to(self.path)

    def client(self, who: str | None = None):
        client = self.app.test_client()
        sign_in(client, self.world, who)
        return client

    def close(self) -> None:
        with self.app.app_context():
            db.session.remove()
            db.engine.dispose()


# --- who uses which endpoint ----------------------------------------------------------------------------------

ROLE_ORDER = [Role.EMPLOYEE, Role.TEACHER, Role.MANAGER, Role.HR, Role.ADMIN]

# Endpoints open to every signed-in person whose objects in the world belong to «the colleague»
# (the quiz attempt of tests/quizzes/access.py is the colleague's).
COLLEAGUE_ENDPOINTS = {"quizzes.attempt", "quizzes.save", "quizzes.finish", "quizzes.submit", "quizzes.result"}


def actor_for(endpoint: str) -> str | None:
    """The least privileged person allowed to use ``endpoint`` (None: an anonymous visitor)."""
    rule = ACCESS[endpoint]
    if rule == PUBLIC:
        return None
    if endpoint in COLLEAGUE_ENDPOINTS:
        return "colleague"
    if rule == SIGNED_IN:
        return Role.EMPLOYEE.value
    return next(role.value for role in ROLE_ORDER if role in rule)


def sign_in(client, world: World, who: str | None) -> None:
    if who is None:
        return
    response = client.post("/auth/login", data={"email": world.emails[who], "password": PASSWORD})
    assert response.status_code == 303, (who, response.status_code)


def url_for_rule(app, rule, arguments: dict[str, object], **override) -> str:
    values = {name: override.get(name, arguments[name]) for name in rule.arguments}
    with app.test_request_context():
        return url_for(rule.endpoint, **values)


# --- the database, table by table ------------------------------------------------------------------------------

def table_names(path: Path) -> list[str]:
    with sqlite3.connect(path) as conn:
        return [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table' "
                                           "AND name NOT LIKE 'sqlite_%' ORDER BY name")]


def snapshot(path: Path, tables: list[str]) -> dict[str, tuple[int, int]]:
    """Row count and a hash of the content of every table (committed state, read beside the app)."""
    result = {}
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        for name in tables:
            rows = conn.execute(f'SELECT * FROM "{name}"').fetchall()  # noqa: S608 (names from sqlite_master)
            result[name] = (len(rows), hash(tuple(sorted(map(repr, rows)))))
    finally:
        conn.close()
    return result


def changed_tables(before: dict, after: dict) -> dict[str, str]:
    changes = {}
    for name in sorted(set(before) | set(after)):
        old, new = before.get(name), after.get(name)
        if old != new:
            if old and new and old[0] != new[0]:
                changes[name] = f"{old[0]} → {new[0]} rows"
            else:
                changes[name] = "content changed"
    return changes
