"""The application as benchmarks/load.py serves it: ProductionConfig (SECRET_KEY and DATABASE_URL from the
environment), with two changes a load test on one machine needs, both stated in docs/PERFORMANCE.md:

* cookies without the Secure flag, because the benchmark talks plain HTTP to gunicorn (in production TLS ends
  at the proxy in front of it);
* rate limits raised far above the load: every request comes from 127.0.0.1 and the 32 users share a handful
  of accounts and devices. The limiter still runs (its cost is measured), it just never refuses; so its
  in-memory storage is allowed with two workers (RATELIMIT_SHARED_STORAGE_REQUIRED off; production refuses it).

    DATABASE_URL=… SECRET_KEY=… gunicorn -w 2 --threads 4 benchmarks.load_app:app"""
import os

from training.app import create_app
from training.config import ProductionConfig

UNLIMITED = "1000000 per minute"

app = create_app(ProductionConfig(), SQLALCHEMY_DATABASE_URI=os.environ["DATABASE_URL"], SESSION_COOKIE_SECURE=False,
                 REMEMBER_COOKIE_SECURE=False,
                 PREFERRED_URL_SCHEME="http", LOGIN_RATE_LIMIT_PER_ADDRESS=UNLIMITED,
                 LOGIN_FREE_FAILURES=1_000_000, FEEDBACK_RATE_LIMIT_PER_ADDRESS=UNLIMITED,
                 FEEDBACK_RATE_LIMIT_PER_DEVICE=UNLIMITED, CERTIFICATE_VERIFY_RATE_LIMIT=UNLIMITED,
                 RATELIMIT_SHARED_STORAGE_REQUIRED=False)
