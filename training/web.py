"""Request helpers shared by every blueprint: page-or-fragment rendering, role checks, htmx redirects."""
from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar
from urllib.parse import quote, urlsplit

from flask import (
    abort,
    current_app,
    flash,
    has_request_context,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy.exc import IntegrityError
from werkzeug.routing import IntegerConverter

from training.errors import DomainError
from training.extensions import db, htmx

T = TypeVar("T")


def render_view(template: str, block: str | None = None, /, status: int = 200, **ctx: Any):
    """Render the whole page, or only ``block`` of it for an htmx request.

    Boosted and history-restore requests get the full page. ``Vary: HX-Request`` tells caches the two
    answers differ.
    """
    if block and htmx and not (htmx.boosted or htmx.history_restore_request):
        current_app.update_template_context(ctx)
        tmpl = current_app.jinja_env.get_template(template)
        body = "".join(tmpl.blocks[block](tmpl.new_context(ctx)))
    else:
        body = render_template(template, **ctx)
    response = make_response(body, status)
    response.vary.add("HX-Request")
    return response


# --- staff devices --------------------------------------------------------------------------------------------
# Every browser a staff member has signed in on keeps this cookie (signed, naming nobody) after logout, so the
# clients' public pages (the vote /v, the feedback /f) can refuse a staff member's own devices, not only a
# signed-in session.
STAFF_DEVICE_COOKIE = "szn_staff_device"
STAFF_DEVICE_DAYS = 400


def _staff_device_signer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="staff-device")


def is_staff_device() -> bool:
    """A signed-in staff member, or a browser a staff member has signed in on."""
    if current_user.is_authenticated:
        return True
    value = request.cookies.get(STAFF_DEVICE_COOKIE)
    if not value:
        return False
    try:
        return _staff_device_signer().loads(value) == "staff"
    except BadSignature:
        return False


def mark_staff_device(response) -> None:
    """Called for signed-in requests (security.register_security): the browser keeps the staff mark."""
    if request.cookies.get(STAFF_DEVICE_COOKIE):
        return
    response.set_cookie(STAFF_DEVICE_COOKIE, _staff_device_signer().dumps("staff"),
                        max_age=STAFF_DEVICE_DAYS * 24 * 3600, httponly=True, samesite="Lax",
                        secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")))


def redirect_to(endpoint_or_url: str, **values: Any):
    """After a successful POST: ``HX-Redirect`` for htmx, 303 otherwise."""
    url = url_for(endpoint_or_url, **values) if "/" not in endpoint_or_url else endpoint_or_url
    if htmx:
        response = make_response("", 204)
        response.headers["HX-Redirect"] = url
        return response
    return redirect(url, code=303)


def is_safe_next(target: str | None) -> bool:
    if not target:
        return False
    # Browsers read «\» as «/» and drop TAB/CR/LF inside URLs, so «/\evil.example» or «/\t/evil.example» would
    # leave the site: a path with a backslash or any control character is not a local path.
    if "\\" in target or any(ord(ch) < 32 or ord(ch) == 127 for ch in target):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc and target.startswith("/") and not target.startswith("//")


def role_required(*roles: str) -> Callable:
    """Allow signed-in users holding any of ``roles``; others get 403. Records the roles on the view
    so the authorization-matrix test can read what each endpoint demands."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        @login_required
        def wrapped(*args: Any, **kwargs: Any):
            if not current_user.has_role(*roles):
                abort(403)
            return view(*args, **kwargs)

        wrapped.required_roles = frozenset(roles)  # type: ignore[attr-defined]
        return wrapped

    return decorator


def public(view: Callable) -> Callable:
    """Mark a view as open to anonymous visitors (clients, verification). Purely declarative."""
    view.is_public = True  # type: ignore[attr-defined]
    return view


def page_args() -> tuple[int, int]:
    try:
        page = max(1, int(request.args.get("page", 1)))
    except ValueError:
        page = 1
    return page, current_app.config["ITEMS_PER_PAGE"]


def path_for(endpoint: str, **values: Any) -> str:
    """A site-relative URL that services can build outside a request (CLI, jobs, tests)."""
    if has_request_context():
        return url_for(endpoint, **values)
    with current_app.test_request_context():
        return url_for(endpoint, **values)


class BoundedIntegerConverter(IntegerConverter):
    """``<int:…>`` that matches only ids the database can hold (a 64-bit signed integer): a longer run of digits
    is a 404, not an OverflowError from the database driver."""

    def __init__(self, map, *args, **kwargs):  # noqa: A002  (werkzeug's signature)
        kwargs.setdefault("max", 2 ** 63 - 1)
        super().__init__(map, *args, **kwargs)


_TRANSLIT = dict(zip("абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
                     ["a", "b", "v", "g", "d", "e", "e", "zh", "z", "i", "y", "k", "l", "m", "n", "o", "p", "r", "s",
                      "t", "u", "f", "kh", "ts", "ch", "sh", "shch", "", "y", "", "e", "yu", "ya"], strict=True))


def ascii_file_name(name: str) -> str:
    """A file name for clients that read only ``filename=``: Cyrillic transliterated («СЗН-52-…» → «SZN-52-…»),
    anything else outside ASCII letters, digits, «.-_» replaced by «-»."""
    out = []
    for char in name:
        low = char.lower()
        if low in _TRANSLIT:
            latin = _TRANSLIT[low]
            out.append(latin.upper() if char != low else latin)
        elif char.isascii() and (char.isalnum() or char in ".-_"):
            out.append(char)
        else:
            out.append("-")
    return "".join(out) or "file"


def content_disposition(filename: str, *, inline: bool = False) -> str:
    """RFC 6266/5987: an ASCII name for old clients, the original (Russian) name for everyone else."""
    kind = "inline" if inline else "attachment"
    fallback = ascii_file_name(filename)
    if fallback == filename:
        return f'{kind}; filename="{filename}"'
    return f"{kind}; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='!#$&+-.^_`|~')}"


def download(data: bytes, mime: str, filename: str, *, inline: bool = False):
    """Bytes built by the app (an export, a PDF) as a file: an attachment, or ``inline`` to open in the browser."""
    response = make_response(data)
    response.headers["Content-Type"] = mime
    response.headers["Content-Disposition"] = content_disposition(filename, inline=inline)
    return response


def submit(form: Any, action: Callable[[], T], /, *, on_success: Callable[[T], Any], template: str | None = None,
           partial: str | None = None, page: Callable[[str | None, int], Any] | None = None,
           message: str | Callable[[T], Any] | None = None, context: Callable[[], dict[str, Any]] | None = None,
           on_error: Callable[[DomainError], str | None] | None = None, conflict: str | None = None,
           rule_status: bool = False, **ctx: Any):
    """Run a state-changing view: the one place that commits a request's writes.

    On a submitted request (``form`` valid, or any POST when ``form`` is None) it calls ``action`` (the
    service), commits once, flashes ``message`` (a string, or a function of the result) and answers
    ``on_success(result)`` (usually a redirect). When a rule refuses (:class:`~training.errors.DomainError`) it
    rolls back and renders ``template`` again (for htmx only its block ``partial``) with ``error`` — the rule's
    message, or ``on_error(exc)`` — and status 422. A refusal for lack of rights (403) and HTTP errors (404) go
    on to the error page. ``conflict`` is the message for an IntegrityError (a concurrent duplicate). A GET
    renders the template; an invalid form renders it with 422 (``rule_status``: a refusal answers with the rule's
    own status, e.g. 400 or 409, where a page promised it). A rejected import's ``problems`` go to the
    template too. ``ctx`` goes to the template as it is;
    ``context()`` is called only when the template is rendered (what only the page needs). A page drawn by a
    function of its own passes ``page(error, status)`` in place of ``template``."""
    error = None
    submitted = form.is_submitted() if form is not None else request.method == "POST"
    status = 422 if submitted else 200
    if submitted and (form is None or form.validate()):
        try:
            result = action()
            db.session.commit()
        except DomainError as exc:
            db.session.rollback()
            if exc.status_code == 403:
                raise
            error = on_error(exc) if on_error else exc.message
            if rule_status:
                status = exc.status_code
            # a rejected import's every problem with its line and column; none when the rule is not about lines
            ctx["problems"] = getattr(exc, "problems", [])
        except IntegrityError:
            db.session.rollback()
            if conflict is None:
                raise
            error = conflict
        else:
            _flash_success(message, result)
            return on_success(result)
    if page is not None:
        return page(error, status)
    if form is not None:
        ctx.setdefault("form", form)
    if context is not None:
        ctx.update(context())
    return render_view(template, partial, status=status, error=error, **ctx)


def _flash_success(message: Any, result: Any) -> None:
    """``message``: a string, or a function of the result giving a string or a ``(text, category)`` pair."""
    if callable(message):
        message = message(result)
    if message:
        flash(*((message, "success") if isinstance(message, str) else message))


def act(action: Callable[[], T], to: str, /, *, message: str | Callable[[T], str] | None = None,
        then: Callable[[T], Any] | None = None, **values: Any):
    """A button POST without a form: run ``action``, commit once, flash ``message`` (a string or a function of the
    result) and answer ``then(result)``, or go to ``to`` (an endpoint with ``values``, or a URL). When a rule
    refuses, roll back, flash its message and go to ``to``; a refusal for lack of rights (403) goes on to the
    error page."""
    try:
        result = action()
        db.session.commit()
    except DomainError as exc:
        db.session.rollback()
        if exc.status_code == 403:
            raise
        flash(exc.message, "error")
        return redirect_to(to, **values)
    _flash_success(message, result)
    return then(result) if then is not None else redirect_to(to, **values)


def public_url(endpoint: str, **values) -> str:
    """An absolute URL for paper and QR codes: PUBLIC_BASE_URL when set (behind a proxy), else this request's host."""
    base = current_app.config.get("PUBLIC_BASE_URL")
    if base:
        return base.rstrip("/") + url_for(endpoint, **values)
    return url_for(endpoint, _external=True, **values)


def visible_or_404(model, object_id: int, can_see: Callable[[Any], bool]):
    """The object, or 404 when it does not exist or lies outside the viewer's scope (it does not exist for them)."""
    obj = db.get_or_404(model, object_id)
    if not can_see(obj):
        abort(404)
    return obj


def int_or(value, default: int = 0) -> int:
    """A form or query value as an int, or ``default`` when it is not one."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return default
