"""Configuration classes. Secrets come from the environment; production refuses to start without them."""
from __future__ import annotations

import os
import secrets
import shlex
import sys
from datetime import timedelta
from pathlib import Path


def _env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    return default if value is None else value.strip().lower() in {"1", "true", "yes", "on"}


class Config:
    APP_NAME = "Клиентоцентричность СЗН"
    SQLALCHEMY_DATABASE_URI: str | None = os.environ.get("DATABASE_URL")
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    PERMANENT_SESSION_LIFETIME = timedelta(hours=12)
    WTF_CSRF_TIME_LIMIT = None  # tokens live as long as the session; expiry mid-lesson loses answers
    MAX_CONTENT_LENGTH = 30 * 1024 * 1024  # materials accept files up to MATERIALS_MAX_BYTES (25 MB)
    # Flask-Limiter: memory by default; RATELIMIT_STORAGE_URI=redis://127.0.0.1:6379/0 for several workers
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    DEMO_DATA_ALLOWED = True  # `flask seed demo`; never in production
    RATELIMIT_HEADERS_ENABLED = True
    LOGIN_RATE_LIMIT_PER_ADDRESS = "20 per minute;200 per hour"  # every sign-in POST from one address
    # failed sign-ins of one account from one address (accounts/lockout.py): 5 free, then 1, 2, 4 … ≤ 60 minutes
    LOGIN_FREE_FAILURES = 5
    LOGIN_DELAY_SECONDS = 60
    LOGIN_DELAY_MAX_SECONDS = 3600
    # argon2id parameters (argon2-cffi defaults: t=3, m=64 MiB, p=4)
    PASSWORD_HASH_TIME_COST = 3
    PASSWORD_HASH_MEMORY_COST = 65536
    ONE_TIME_PASSWORD_DAYS = 14
    PASSWORD_MIN_LENGTH = 10
    COURSE_MAX_MONTHS = 3
    # «Корпоративный тиндер»: one rating per colleague per interval; averages shown from this many raters
    PEER_RATING_INTERVAL_DAYS = 30
    PEER_RATING_MIN_RATERS = 3
    STRESS_PUBLIC_RATE_LIMIT = "5 per hour;20 per day"  # clients' «Стресс месяца» posts, per address
    ITEMS_PER_PAGE = 50
    STAFF_IMPORT_MAX_ROWS = 20_000  # per file uploaded on /org/import; larger files: `flask org import` (no cap)
    MAIL_SERVER = os.environ.get("MAIL_SERVER")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "25"))
    MAIL_FROM = os.environ.get("MAIL_FROM", "no-reply@szn.local")
    PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL")  # used in links printed on paper (QR codes)
    TEMPLATES_STRICT = False
    # gzip pages (HTML, fragments, JSON) for phones on slow links; static files are WhiteNoise's (static_files.py)
    COMPRESS_ALGORITHM = ["gzip"]
    COMPRESS_LEVEL = 6
    COMPRESS_MIN_SIZE = 500
    COMPRESS_STREAMS = False
    # static files with hashed names and their brotli/gzip copies: built here (default: instance/static), from
    # STATIC_SOURCE_DIR (default: training/static)
    STATIC_BUILD_DIR = os.environ.get("STATIC_BUILD_DIR")
    STATIC_SOURCE_DIR: str | None = None
    # metrics: client feedback and follow-ups of low scores (docs/metrics.md, part 6)
    FEEDBACK_RATE_LIMIT_PER_ADDRESS = os.environ.get("FEEDBACK_RATE_LIMIT_PER_ADDRESS", "30 per 10 minutes;300 per day")
    FEEDBACK_RATE_LIMIT_PER_DEVICE = os.environ.get("FEEDBACK_RATE_LIMIT_PER_DEVICE", "3 per hour;10 per day")
    METRICS_FOLLOWUP_WORKING_DAYS = int(os.environ.get("METRICS_FOLLOWUP_WORKING_DAYS", "3"))
    METRICS_CONTACT_RETENTION_DAYS = int(os.environ.get("METRICS_CONTACT_RETENTION_DAYS", "30"))
    METRICS_HOLIDAYS: tuple[str, ...] = tuple(d for d in os.environ.get("METRICS_HOLIDAYS", "").split(",") if d)
    # surveys with a one-time link (docs/metrics.md §6.9): the survey after employment goes this many days after the
    # client's consent; a link is valid this many days; SMS leave through SMS_GATEWAY ("log": written to the log,
    # not sent; "package.module:factory" builds a real operator's gateway from the config)
    SURVEY_AFTER_DAYS = int(os.environ.get("SURVEY_AFTER_DAYS", "91"))
    SURVEY_LINK_DAYS = int(os.environ.get("SURVEY_LINK_DAYS", "14"))
    SMS_GATEWAY = os.environ.get("SMS_GATEWAY", "log")
    # background tasks (training/tasks.py): Redis in production (TASKS_QUEUE_URL or REDIS_URL), otherwise an SQLite
    # file next to the database; recomputes triggered by facts wait this long so that facts arriving meanwhile share
    # one run; the worker also runs `flask jobs run-due` every minute unless TASKS_RUN_DUE=0 (cron does it then)
    TASKS_QUEUE_URL = os.environ.get("TASKS_QUEUE_URL") or os.environ.get("REDIS_URL", "")
    TASKS_QUEUE_NAME = os.environ.get("TASKS_QUEUE_NAME", "training")
    TASKS_COALESCE_SECONDS = float(os.environ.get("TASKS_COALESCE_SECONDS", "2"))
    TASKS_RUN_DUE = _env_bool("TASKS_RUN_DUE", True)
    TASKS_IMMEDIATE = False


class DevelopmentConfig(Config):
    DEBUG = False
    TEMPLATES_STRICT = True


class TestingConfig(Config):
    TESTING = True
    SECRET_KEY = "testing-secret-key-not-for-production"  # noqa: S105  (tests only)
    SQLALCHEMY_DATABASE_URI = "sqlite://"
    WTF_CSRF_ENABLED = False
    RATELIMIT_ENABLED = True
    RATELIMIT_STORAGE_URI = "memory://"
    PASSWORD_HASH_TIME_COST = 1
    PASSWORD_HASH_MEMORY_COST = 1024
    TEMPLATES_STRICT = True
    SERVER_NAME = None
    # behaviour tests see the figures right after the request; the queue's own tests run a real worker
    TASKS_IMMEDIATE = True


class ProductionConfig(Config):
    # several workers counting rate limits in their own memory let N times the limit through: refuse to start
    RATELIMIT_SHARED_STORAGE_REQUIRED = True
    DEMO_DATA_ALLOWED = False  # `flask seed demo` refuses: demo logins with a published password
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    PREFERRED_URL_SCHEME = "https"

    def __init__(self) -> None:
        key = os.environ.get("SECRET_KEY", "")
        if len(key) < 32:
            raise RuntimeError(
                "SECRET_KEY is missing or shorter than 32 characters: set a long random SECRET_KEY "
                "(e.g. python -c 'import secrets; print(secrets.token_urlsafe(48))')."
            )
        if not os.environ.get("DATABASE_URL"):
            raise RuntimeError("DATABASE_URL is not set: production runs on PostgreSQL.")
        self.SECRET_KEY = key


def worker_count(argv: list[str] | None = None, environ: dict | None = None) -> int:
    """How many gunicorn workers serve this app, as far as the process can tell: ``-w``/``--workers`` on
    gunicorn's command line, GUNICORN_CMD_ARGS, or WEB_CONCURRENCY (gunicorn's default); 1 when unknown."""
    argv = sys.argv if argv is None else argv
    environ = os.environ if environ is None else environ
    args = list(argv[1:]) if argv and "gunicorn" in os.path.basename(argv[0]) else []
    args += shlex.split(environ.get("GUNICORN_CMD_ARGS", ""))
    count: int | None = None
    for index, arg in enumerate(args):
        value = None
        if arg in ("-w", "--workers") and index + 1 < len(args):
            value = args[index + 1]
        elif arg.startswith("--workers="):
            value = arg.split("=", 1)[1]
        elif arg.startswith("-w") and len(arg) > 2:
            value = arg[2:]
        if value is not None and value.isdecimal():
            count = int(value)
    if count is None and environ.get("WEB_CONCURRENCY", "").isdecimal():
        count = int(environ["WEB_CONCURRENCY"])
    return count or 1


def rate_limit_storage_warning(config, workers: int) -> str | None:
    """None when rate-limit counters are shared by every worker; otherwise what is wrong, for the log and
    /healthz. Raises RuntimeError for a production config with several workers on ``memory://``."""
    uri = str(config.get("RATELIMIT_STORAGE_URI") or "memory://")
    if config.get("TESTING") or not config.get("RATELIMIT_ENABLED", True) or not uri.startswith("memory://"):
        return None
    if workers > 1 and config.get("RATELIMIT_SHARED_STORAGE_REQUIRED"):
        raise RuntimeError(
            f"RATELIMIT_STORAGE_URI is memory:// with {workers} workers: each worker would count alone and let "
            f"{workers} times every limit through. Set RATELIMIT_STORAGE_URI=redis://… (shared by every worker)."
        )
    return (f"rate limits are counted in memory (memory://) by each of {workers} worker(s): counters are not "
            "shared between workers and reset on restart; set RATELIMIT_STORAGE_URI=redis://…")


def development_secret_key(instance_path: str) -> str:
    """Generate once and keep the development key in instance/, never in the repository."""
    path = Path(instance_path) / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


def config_from_env() -> type[Config] | Config:
    name = os.environ.get("TRAINING_CONFIG", "development").lower()
    if name == "production":
        return ProductionConfig()
    if name == "testing":
        return TestingConfig
    return DevelopmentConfig
