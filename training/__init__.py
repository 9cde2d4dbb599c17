"""Клиентоцентричность СЗН: the application factory."""
from __future__ import annotations

import os
from pathlib import Path

from flask import Flask
from jinja2 import StrictUndefined
from sqlalchemy import event
from sqlalchemy.engine import Engine

from training.config import Config, config_from_env, development_secret_key
from training.extensions import compress, csrf, db, htmx, limiter, login_manager, migrate

MIGRATIONS_DIR = str(Path(__file__).parent / "migrations")


def create_app(config: type[Config] | Config | None = None, **overrides) -> Flask:
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_object(config or config_from_env())
    app.config.update(overrides)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    configure_database_url(app)
    configure_secret_key(app)
    configure_extensions(app)
    configure_templates(app)
    from training.web import BoundedIntegerConverter

    app.url_map.converters["int"] = BoundedIntegerConverter  # before the blueprints add their rules
    register_blueprints(app)
    register_cli(app)
    from training.errors import register_error_handlers

    register_error_handlers(app)
    from training.security import register_security

    register_security(app)
    return app


def configure_database_url(app: Flask) -> None:
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{Path(app.instance_path) / 'training.sqlite3'}"
    uri: str = app.config["SQLALCHEMY_DATABASE_URI"]
    if uri.startswith("postgres://"):
        uri = "postgresql://" + uri[len("postgres://"):]
    if uri.startswith("postgresql://"):
        uri = "postgresql+psycopg://" + uri[len("postgresql://"):]
    app.config["SQLALCHEMY_DATABASE_URI"] = uri
    if uri.startswith("sqlite") and uri not in ("sqlite://", "sqlite:///:memory:"):
        options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
        options.setdefault("connect_args", {"timeout": 30})
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record) -> None:
    """Foreign keys on and WAL for every SQLite connection (the embedded default)."""
    import sqlite3

    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()


@event.listens_for(Engine, "savepoint")
def _sqlite_savepoint(connection, name) -> None:
    """pysqlite opens a transaction only before INSERT/UPDATE/DELETE, so a SAVEPOINT issued first would become
    the outermost transaction and its RELEASE would commit. Open the real transaction first, so a later
    rollback undoes what the savepoint did. (Reads before the first write stay outside a transaction and
    hold no snapshot, so a read-then-write request waits for the lock instead of failing.)"""
    if connection.dialect.name == "sqlite":
        dbapi_connection = connection.connection.dbapi_connection
        if not dbapi_connection.in_transaction:
            dbapi_connection.execute("BEGIN")


def configure_secret_key(app: Flask) -> None:
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = os.environ.get("SECRET_KEY") or development_secret_key(app.instance_path)


def _static_file_as_body(response):
    from flask import request

    if request.endpoint == "static" and response.status_code == 200 and response.direct_passthrough:
        response.direct_passthrough = False
        opened_file = response.response
        response.set_data(response.get_data())
        if hasattr(opened_file, "close"):
            opened_file.close()
    return response


def configure_extensions(app: Flask) -> None:
    db.init_app(app)
    migrate.init_app(app, db, directory=MIGRATIONS_DIR, render_as_batch=True, compare_type=True)
    csrf.init_app(app)
    htmx.init_app(app)
    limiter.init_app(app)
    compress.init_app(app)
    # after_request hooks run in reverse order: this one runs before Flask-Compress's and turns a static file
    # into an ordinary body, so htmx and the stylesheet go out gzipped too (53 + 28 KB → about 18 + 6 KB)
    app.after_request(_static_file_as_body)
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = "Войдите, чтобы открыть эту страницу."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
    import training.models  # noqa: F401  (every table registered on the metadata)


def configure_templates(app: Flask) -> None:
    if app.config.get("TEMPLATES_STRICT"):
        app.jinja_env.undefined = StrictUndefined
    from training import templating

    templating.register(app)


def register_blueprints(app: Flask) -> None:
    from training.accounts.routes import bp as accounts_bp
    from training.audit.routes import bp as audit_bp
    from training.certificates.routes import bp as certificates_bp
    from training.courses.routes import bp as courses_bp
    from training.gamification.committee.routes import bp as committee_bp
    from training.gamification.contests.routes import bp as contests_bp
    from training.gamification.library.routes import bp as library_bp
    from training.gamification.quests.routes import bp as quests_bp
    from training.gamification.ratings.routes import bp as ratings_bp
    from training.gamification.routes import bp as gamification_bp
    from training.gamification.stress.routes import bp as stress_bp
    from training.home.routes import bp as home_bp
    from training.materials.routes import bp as materials_bp
    from training.metrics.public import feedback_bp as client_feedback_bp
    from training.metrics.routes import bp as metrics_bp
    from training.notifications.routes import bp as notifications_bp
    from training.org.routes import bp as org_bp
    from training.quizzes.routes import bp as quizzes_bp
    from training.gamification.contests.client_routes import vote_bp as client_vote_bp
    from training.gamification.recognition.routes import bp as recognition_bp

    app.register_blueprint(home_bp)
    app.register_blueprint(accounts_bp, url_prefix="/auth")
    app.register_blueprint(org_bp, url_prefix="/org")
    app.register_blueprint(audit_bp, url_prefix="/audit")
    app.register_blueprint(materials_bp, url_prefix="/materials")
    app.register_blueprint(courses_bp, url_prefix="/learn")
    app.register_blueprint(quizzes_bp, url_prefix="/quizzes")
    app.register_blueprint(recognition_bp, url_prefix="/recognition")
    app.register_blueprint(contests_bp, url_prefix="/recognition")
    app.register_blueprint(gamification_bp, url_prefix="/team")
    for tool_bp in (ratings_bp, quests_bp, stress_bp, library_bp, committee_bp):
        app.register_blueprint(tool_bp, url_prefix="/team")
    app.register_blueprint(client_vote_bp, url_prefix="/v")
    app.register_blueprint(notifications_bp, url_prefix="/notifications")
    app.register_blueprint(metrics_bp, url_prefix="/metrics")
    app.register_blueprint(client_feedback_bp, url_prefix="/f")
    app.register_blueprint(certificates_bp, url_prefix="/certificates")


def register_cli(app: Flask) -> None:
    from training.accounts.cli import accounts_cli
    from training.certificates.cli import certificates_cli
    from training.backup import backup_command
    from training.courses.cli import course_cli
    from training.jobs import jobs_cli
    from training.metrics.cli import metrics_cli
    from training.quizzes.cli import quiz_cli

    app.cli.add_command(jobs_cli)
    app.cli.add_command(accounts_cli)
    app.cli.add_command(backup_command)
    app.cli.add_command(course_cli)
    app.cli.add_command(metrics_cli)
    app.cli.add_command(quiz_cli)
    app.cli.add_command(certificates_cli)
    import training.accounts.jobs  # noqa: F401  (registers the domain's periodic jobs)
    import training.metrics.jobs  # noqa: F401
    import training.gamification.contests.jobs  # noqa: F401
    import training.gamification.quests.jobs  # noqa: F401
    import training.gamification.stress.jobs  # noqa: F401
    import training.gamification.recognition.listeners  # noqa: F401  (connects the points listeners)
    import training.certificates.jobs  # noqa: F401
