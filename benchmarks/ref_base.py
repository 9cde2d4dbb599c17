"""What the two reference apps of benchmarks/load.py share: the realistic ceilings for a page that does anything.

Hello world (benchmarks/hello_app.py) is the ceiling of the server: no session, no database, no template. A page
of ours cannot come near it, so load.py also measures, under the same gunicorn settings and against the same
database:

* ``ref_signed_in_app`` — a bare signed-in page: Flask-Login reads the signed session cookie and loads the user
  from the database (one primary-key query through Flask-SQLAlchemy's ORM session), and a one-line template
  names them;
* ``ref_top50_app`` — the same plus one indexed query, the 50 best scores of the user's region out of 50,000
  rows (``ORDER BY score DESC LIMIT 50`` on an index over (region, score)), rendered as a 50-row table.

Nothing else: no CSRF, no security headers, no compression, no rate limiter, no base template — what is left of
our stack when a page does the least it can. The table ``bench_ref_users`` lives in the benchmark database beside
the app's tables; :func:`prepare` creates and fills it (deterministic rows, then ANALYZE). SQLite connections get
the app's pragmas (WAL, busy timeout: ``training.db`` is imported for its declarative base).

    DATABASE_URL=… SECRET_KEY=… gunicorn -w 2 --threads 4 ref_signed_in_app:app   (--pythonpath benchmarks)"""
from __future__ import annotations

import os
import random

from flask import Flask
from flask_login import LoginManager, UserMixin, login_user
from flask_sqlalchemy import SQLAlchemy
from jinja2 import DictLoader
from sqlalchemy import Index, String, create_engine, func, insert, select, text
from sqlalchemy.orm import Mapped, mapped_column

from training.db import Base

ROWS = 50_000
REGIONS = 85
SURNAMES = ["Иванов", "Смирнов", "Кузнецов", "Попов", "Васильев", "Петров", "Соколов", "Михайлов", "Новиков"]
NAMES = ["Александр", "Сергей", "Дмитрий", "Андрей", "Алексей", "Елена", "Ольга", "Наталья", "Татьяна", "Ирина"]

db = SQLAlchemy(model_class=Base)


class RefUser(UserMixin, db.Model):
    __tablename__ = "bench_ref_users"
    __table_args__ = (Index("ix_bench_ref_users_region_id_score", "region_id", "score"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(120))
    full_name: Mapped[str] = mapped_column(String(120))
    region_id: Mapped[int]
    score: Mapped[float]


def database_url(url: str) -> str:
    """The app's driver choice (training.app.configure_database_url): psycopg 3 for PostgreSQL."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def make_app(templates: dict[str, str]) -> Flask:
    app = Flask(__name__)
    app.config.update(SECRET_KEY=os.environ["SECRET_KEY"],
                      SQLALCHEMY_DATABASE_URI=database_url(os.environ["DATABASE_URL"]),
                      SQLALCHEMY_ENGINE_OPTIONS={"pool_pre_ping": True})  # as training.config.Config
    db.init_app(app)
    login_manager = LoginManager(app)
    app.jinja_loader = DictLoader(templates)  # compiled once and cached, as the app's template files are

    @login_manager.user_loader
    def load_user(user_id: str) -> RefUser | None:
        return db.session.get(RefUser, int(user_id))

    @app.post("/sign-in/<int:user_id>")
    def sign_in(user_id: int):
        """How load.py gets the users' cookies (not measured): no password, the reference has no form."""
        login_user(db.get_or_404(RefUser, user_id))
        return "", 204

    return app


def prepare(url: str) -> None:
    """Create ``bench_ref_users`` with its index and fill it with ROWS deterministic rows, unless it has them."""
    engine = create_engine(database_url(url))
    try:
        db.metadata.create_all(engine, tables=[RefUser.__table__])
        with engine.begin() as conn:
            if conn.scalar(select(func.count()).select_from(RefUser.__table__)) == ROWS:
                return
            conn.execute(RefUser.__table__.delete())
            rnd = random.Random(13)  # noqa: S311 - benchmark rows, not secrets
            conn.execute(insert(RefUser.__table__), [
                {"id": i, "email": f"ref{i}@bench.szn.local", "region_id": i % REGIONS + 1,
                 "full_name": f"{rnd.choice(SURNAMES)} {rnd.choice(NAMES)}", "score": round(rnd.uniform(0, 100), 2)}
                for i in range(1, ROWS + 1)])
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("ANALYZE bench_ref_users"))
    finally:
        engine.dispose()
