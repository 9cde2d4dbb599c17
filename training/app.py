"""The application factory: configuration → database URL → secret → extensions → templates → blueprints →
CLI → listeners → task queue → error handlers → security hooks → static files.

Every domain is imported here, at module level: this module is the top of the house (docs/ARCHITECTURE.md),
and the import contracts in pyproject.toml keep everything else below it."""
from __future__ import annotations

import os
from pathlib import Path

from flask import Flask
from jinja2 import StrictUndefined

import training.models  # noqa: F401  (every table registered on the metadata)
from training import static_files, tasks, templating
from training.accounts import jobs as accounts_jobs
from training.accounts import routes as accounts_routes
from training.accounts.cli import accounts_cli
from training.accounts.staff import routes as staff_routes
from training.accounts.staff.cli import org_cli
from training.admin import routes as admin_routes
from training.backup import backup_command
from training.certificates import jobs as certificates_jobs
from training.certificates import listeners as certificates_listeners
from training.certificates import routes as certificates_routes
from training.certificates.cli import certificates_cli
from training.competence import jobs as competence_jobs
from training.competence import listeners as competence_listeners
from training.competence import routes as competence_routes
from training.competence import tasks as competence_tasks
from training.competence.cli import metrics_cli
from training.config import Config, config_from_env, development_secret_key, rate_limit_storage_warning, worker_count
from training.courses import aftercare as courses_aftercare
from training.courses import aftercare_routes as courses_aftercare_routes  # noqa: F401  (views of the courses blueprint)
from training.courses import extras_routes as courses_extras_routes  # noqa: F401  (views of the courses blueprint)
from training.courses import listeners as courses_listeners
from training.courses import owner_routes as courses_owner_routes  # noqa: F401  (views of the courses blueprint)
from training.courses import routes as courses_routes
from training.courses.cli import course_cli
from training.errors import register_error_handlers
from training.extensions import compress, csrf, db, htmx, limiter, login_manager, migrate
from training.gamification import routes as gamification_routes
from training.gamification.committee import routes as committee_routes
from training.gamification.contests import client_routes as client_vote_routes
from training.gamification.contests import jobs as contests_jobs
from training.gamification.contests import routes as contests_routes
from training.gamification.events import jobs as events_jobs
from training.gamification.events import routes as events_routes
from training.gamification.ideas import routes as ideas_routes
from training.gamification.library import routes as library_routes
from training.gamification.onboarding import jobs as onboarding_jobs
from training.gamification.onboarding import routes as onboarding_routes
from training.gamification.pulse import jobs as pulse_jobs
from training.gamification.pulse import routes as pulse_routes
from training.gamification.quests import jobs as quests_jobs
from training.gamification.quests import listeners as quests_listeners
from training.gamification.quests import routes as quests_routes
from training.gamification.ratings import routes as ratings_routes
from training.gamification.recognition import listeners as recognition_listeners
from training.gamification.recognition import routes as recognition_routes
from training.gamification.rewards import routes as rewards_routes
from training.gamification.stress import jobs as stress_jobs
from training.gamification.stress import routes as stress_routes
from training.home import routes as home_routes
from training.jobs import jobs_cli
from training.materials import routes as materials_routes
from training.metrics.centre_index import listeners as centre_index_listeners
from training.metrics.centre_index import routes as centre_index_routes
from training.metrics.centre_index import tasks as centre_index_tasks
from training.metrics.dashboards import jobs as dashboards_jobs
from training.metrics.dashboards import routes as dashboards_routes
from training.metrics.feedback import channel_routes as feedback_channel_routes  # noqa: F401  (views of feedback)
from training.metrics.feedback import client_routes as client_feedback_routes
from training.metrics.feedback import jobs as feedback_jobs
from training.metrics.feedback import listeners as feedback_listeners
from training.metrics.feedback import routes as feedback_routes
from training.metrics.operations import comfort_routes as operations_comfort_routes  # noqa: F401  (views of the operations blueprint)
from training.metrics.operations import routes as operations_routes
from training.metrics.surveys import jobs as surveys_jobs
from training.metrics.surveys import routes as surveys_routes
from training.metrics.surveys import tasks as surveys_tasks
from training.notifications import routes as notifications_routes
from training.quizzes import bank_routes as quizzes_bank_routes  # noqa: F401  (views of the quizzes blueprint)
from training.quizzes import jobs as quizzes_jobs
from training.quizzes import listeners as quizzes_listeners
from training.quizzes import live_routes as quizzes_live_routes  # noqa: F401  (views of the quizzes blueprint)
from training.quizzes import routes as quizzes_routes
from training.quizzes.cli import quiz_cli
from training.security import register_security, security_headers
from training.web import BoundedIntegerConverter

MIGRATIONS_DIR = str(Path(__file__).parent / "migrations")

# (blueprint, url prefix): several tools share a prefix, so their URLs read as one area of the site
BLUEPRINTS = (
    (home_routes.bp, None),
    (accounts_routes.bp, "/auth"),
    (staff_routes.bp, "/org"),
    (admin_routes.bp, "/audit"),
    (materials_routes.bp, "/materials"),
    (courses_routes.bp, "/learn"),
    (quizzes_routes.bp, "/quizzes"),
    (certificates_routes.bp, "/certificates"),
    (notifications_routes.bp, "/notifications"),
    (recognition_routes.bp, "/recognition"),
    (contests_routes.bp, "/recognition"),
    (rewards_routes.bp, "/recognition"),
    (client_vote_routes.vote_bp, "/v"),
    (gamification_routes.bp, "/team"),
    (ratings_routes.bp, "/team"),
    (quests_routes.bp, "/team"),
    (stress_routes.bp, "/team"),
    (library_routes.bp, "/team"),
    (committee_routes.bp, "/team"),
    (events_routes.bp, "/team"),
    (pulse_routes.bp, "/team"),
    (onboarding_routes.bp, "/team"),
    (ideas_routes.bp, "/team"),
    (dashboards_routes.bp, "/metrics"),
    (feedback_routes.bp, "/metrics"),
    (operations_routes.bp, "/metrics"),
    (centre_index_routes.bp, "/metrics"),
    (competence_routes.bp, "/metrics"),
    (surveys_routes.bp, "/metrics"),
    (client_feedback_routes.feedback_bp, "/f"),
)
# Periodic work registers itself with @periodic_job when its module is imported; `flask jobs run-due` runs it
PERIODIC_JOBS = (accounts_jobs, courses_aftercare, certificates_jobs, quizzes_jobs, contests_jobs, quests_jobs,
                 stress_jobs, events_jobs, pulse_jobs, onboarding_jobs,
                 feedback_jobs, surveys_jobs, dashboards_jobs, competence_jobs)
COMMANDS = (jobs_cli, accounts_cli, backup_command, course_cli, metrics_cli, quiz_cli, certificates_cli,
            static_files.static_cli, org_cli)
# Background tasks register themselves with @tasks.task when their module is imported; the worker runs them
TASK_MODULES = (centre_index_tasks, competence_tasks, surveys_tasks)
# Each listening domain declares its receivers in its listeners.py; they are connected here, once
LISTENERS = (courses_listeners, quizzes_listeners, certificates_listeners, quests_listeners, recognition_listeners,
             feedback_listeners, centre_index_listeners, competence_listeners)


def create_app(config: type[Config] | Config | None = None, **overrides) -> Flask:
    app = Flask("training", instance_relative_config=True)
    app.config.from_object(config or config_from_env())
    app.config.update(overrides)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    configure_database_url(app)
    configure_secret_key(app)
    configure_rate_limit_storage(app)
    configure_extensions(app)
    configure_templates(app)
    app.url_map.converters["int"] = BoundedIntegerConverter  # before the blueprints add their rules
    for blueprint, url_prefix in BLUEPRINTS:
        app.register_blueprint(blueprint, url_prefix=url_prefix)
    for command in COMMANDS:
        app.cli.add_command(command)
    connect_listeners()
    tasks.init_app(app)  # the queue of TASK_MODULES' tasks; enqueues after the request's commit
    register_error_handlers(app)
    register_security(app)
    configure_static(app)
    return app


def connect_listeners() -> None:
    for module in LISTENERS:
        for signal, receiver in module.RECEIVERS:
            signal.connect(receiver, weak=False)  # blinker: connecting the same receiver again is a no-op


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


def configure_rate_limit_storage(app: Flask) -> None:
    """Production refuses several workers on memory:// rate limits; any other use of memory:// outside tests is
    logged loudly and reported by /healthz (RATELIMIT_STORAGE_WARNING)."""
    warning = rate_limit_storage_warning(app.config, worker_count())
    app.config["RATELIMIT_STORAGE_WARNING"] = warning
    if warning:
        app.logger.warning("WARNING: %s", warning)


def configure_secret_key(app: Flask) -> None:
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = os.environ.get("SECRET_KEY") or development_secret_key(app.instance_path)


def configure_extensions(app: Flask) -> None:
    db.init_app(app)
    migrate.init_app(app, db, directory=MIGRATIONS_DIR, render_as_batch=True, compare_type=True)
    csrf.init_app(app)
    htmx.init_app(app)
    limiter.init_app(app)
    compress.init_app(app)  # pages (HTML, fragments, JSON); static files never reach Flask (configure_static)
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = "Войдите, чтобы открыть эту страницу."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"


def configure_static(app: Flask) -> None:
    """Hashed names, precompressed copies and a year-long cache, served by WhiteNoise before Flask is reached."""
    static_files.init_app(app, security_headers=lambda: security_headers(app))


def configure_templates(app: Flask) -> None:
    if app.config.get("TEMPLATES_STRICT"):
        app.jinja_env.undefined = StrictUndefined
    templating.register(app)
