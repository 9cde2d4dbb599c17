"""Reference for benchmarks/load.py: a bare signed-in page — Flask-Login loads the user from the database, a
one-line template names them (see benchmarks/ref_base.py).

    DATABASE_URL=… SECRET_KEY=… gunicorn -w 2 --threads 4 --pythonpath .,benchmarks ref_signed_in_app:app"""
from flask import render_template
from flask_login import login_required
from ref_base import make_app

app = make_app({"page.html": "<p>Здравствуйте, {{ current_user.full_name }}!</p>"})


@app.get("/")
@login_required
def page() -> str:
    return render_template("page.html")
