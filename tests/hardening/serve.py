"""The app as a real server process for tests/hardening/test_two_processes.py:

    gunicorn -w 1 --threads 8 -b 127.0.0.1:<port> "tests.hardening.serve:create()"

with HARDENING_DATABASE_URL (and optionally HARDENING_MATERIALS_ROOT) in the environment. CSRF is off (as in the
test configuration); rate limits are off (these tests are about duplicates, not floods)."""
from __future__ import annotations

import os


def create():
    from training.app import create_app
    from training.config import TestingConfig

    overrides = {"SQLALCHEMY_DATABASE_URI": os.environ["HARDENING_DATABASE_URL"], "RATELIMIT_ENABLED": False,
                 "SQLALCHEMY_ENGINE_OPTIONS": {"pool_size": 10, "max_overflow": 5, "pool_pre_ping": True}}
    if os.environ.get("HARDENING_MATERIALS_ROOT"):
        overrides["MATERIALS_ROOT"] = os.environ["HARDENING_MATERIALS_ROOT"]
    return create_app(TestingConfig, **overrides)
