"""Reference for benchmarks/load.py: the signed-in page plus one indexed query — the 50 best scores of the user's
region out of 50,000 rows — rendered as a 50-row table (see benchmarks/ref_base.py).

    DATABASE_URL=… SECRET_KEY=… gunicorn -w 2 --threads 4 --pythonpath .,benchmarks ref_top50_app:app"""
from flask import render_template
from flask_login import current_user, login_required
from ref_base import RefUser, db, make_app
from sqlalchemy import select

TABLE = """<table><thead><tr><th>№</th><th>Сотрудник</th><th>Почта</th><th>Балл</th></tr></thead><tbody>
{% for user in rows %}<tr><td>{{ loop.index }}</td><td>{{ user.full_name }}</td><td>{{ user.email }}</td>
<td>{{ "%.1f"|format(user.score) }}</td></tr>
{% endfor %}</tbody></table>"""

app = make_app({"page.html": TABLE})


@app.get("/")
@login_required
def page() -> str:
    rows = db.session.scalars(select(RefUser).where(RefUser.region_id == current_user.region_id)
                              .order_by(RefUser.score.desc()).limit(50)).all()
    return render_template("page.html", rows=rows)
