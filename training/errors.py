"""Domain errors and the HTTP error pages."""
from __future__ import annotations

from flask import Flask, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DataError, StatementError

from training.extensions import db, htmx


class DomainError(Exception):
    """A business rule refused the action; the message is shown to the user (in Russian)."""

    status_code = 400

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class NotAllowed(DomainError):
    status_code = 403


class Conflict(DomainError):
    status_code = 409


ERROR_TITLES = {
    400: "Неверный запрос",
    403: "Доступ запрещён",
    404: "Страница не найдена",
    405: "Метод не поддерживается",
    409: "Конфликт",
    413: "Файл слишком большой",
    422: "Данные не приняты",
    429: "Слишком много запросов",
    500: "Внутренняя ошибка",
}


def _render_error(status: int, message: str | None = None):
    title = ERROR_TITLES.get(status, "Ошибка")
    if htmx or request.accept_mimetypes.best == "application/json":
        if request.accept_mimetypes.best == "application/json" and not htmx:
            return {"error": title, "message": message}, status
        return render_template("errors/_error_fragment.html", title=title, message=message), status
    return render_template("errors/error.html", status=status, title=title, message=message), status


def register_error_handlers(app: Flask) -> None:
    def http_error(e):
        # werkzeug's English default descriptions are not shown; a view's own abort(403, "…") message is.
        message = e.description if e.description != type(e).description else None
        return _render_error(e.code, message)

    for status in (400, 403, 404, 405, 409, 413, 422, 429, 500):
        app.register_error_handler(status, http_error)

    @app.errorhandler(CSRFError)
    def csrf_error(e):
        return _render_error(400, "Срок действия формы истёк. Обновите страницу и повторите действие.")

    def refuse_and_roll_back(status: int, message: str):

        db.session.rollback()
        return _render_error(status, message)

    @app.errorhandler(OverflowError)
    def number_out_of_range(e):
        # SQLite's driver refuses integers beyond 64 bits (a forged id or number in a form)
        return refuse_and_roll_back(400, "Число вне допустимого диапазона.")

    @app.errorhandler(StatementError)
    def bound_value_out_of_range(e: StatementError):
        # a date or number from a form or a filter that the column type cannot convert (e.g. 0001-01-01 moved to
        # UTC); every other database error goes on as before
        if isinstance(e.orig, OverflowError):
            return number_out_of_range(e)
        raise e

    @app.errorhandler(DataError)
    def value_does_not_fit(e):
        # PostgreSQL refuses a value its column cannot hold (a number beyond the integer range, a string longer
        # than the column) that a form let through: the request is refused, nothing is written
        return refuse_and_roll_back(400, "Значение не помещается в поле: проверьте введённые данные.")

    @app.errorhandler(DomainError)
    def domain_error(e: DomainError):
        return refuse_and_roll_back(e.status_code, e.message)
