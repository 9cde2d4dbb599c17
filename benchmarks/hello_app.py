"""The ceiling for benchmarks/load.py: a bare Flask «hello world» served by the same gunicorn settings.

    gunicorn -w 2 --threads 4 benchmarks.hello_app:app"""
from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello() -> str:
    return "Hello, World!"
