from flask import current_app, flash, request, url_for
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required, login_user, logout_user

from training.accounts import bp, lockout, services
from training.accounts.forms import ChangePasswordForm, ConsentForm, NewPasswordForm, SignInForm
from training.errors import DomainError
from training.extensions import db, limiter
from training.forms import EmptyForm
from training.web import is_safe_next, redirect_to, render_view, submit


def _login_limit_per_address() -> str:
    return current_app.config["LOGIN_RATE_LIMIT_PER_ADDRESS"]


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit_per_address, methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect_to("home.index")
    form = SignInForm()
    pair = lockout.Pair(form.email.data or "", get_remote_address() or "")
    wait = lockout.seconds_locked(pair) if form.validate_on_submit() else 0
    if wait:  # this account from this address waits; the same account elsewhere does not
        response = render_view("accounts/login.html", "login_form", status=429, form=form,
                               error=lockout.wait_message(wait))
        response.headers["Retry-After"] = str(wait)
        return response

    def sign_in():
        user = services.authenticate(form.email.data, form.password.data)
        lockout.record_success(pair)
        services.start_session(user, request.headers.get("User-Agent"))
        return user

    def refused(exc: DomainError) -> str:
        lockout.record_failure(pair)  # kept outside the database: the rollback does not undo it
        return exc.message

    def signed_in(user):
        login_user(user, remember=form.remember.data)
        if user.must_change_password:
            return redirect_to("accounts.first_password")
        target = request.args.get("next")
        return redirect_to(target if is_safe_next(target) else url_for("home.index"))

    return submit(form, sign_in, on_success=signed_in, on_error=refused, template="accounts/login.html",
                  partial="login_form")


@bp.post("/logout")
@login_required
def logout():
    services.end_session(current_user, current_user.session_token)
    db.session.commit()
    logout_user()
    flash("Вы вышли из системы.", "info")
    return redirect_to("accounts.login")


@bp.route("/first-password", methods=["GET", "POST"])
@login_required
def first_password():
    """Imported staff sign in with a one-time password and must set their own before anything else."""
    if not current_user.must_change_password:
        return redirect_to("home.index")
    form = NewPasswordForm()
    return submit(form, lambda: _new_password(None, form.new_password.data),
                  message="Пароль установлен. Добро пожаловать!", on_success=_signed_in_again("home.index"),
                  template="accounts/first_password.html")


def _new_password(current: str | None, new: str):
    user = current_user._get_current_object()
    services.change_password(user, current, new)
    services.start_session(user, request.headers.get("User-Agent"))  # every other session ended
    return user


def _signed_in_again(endpoint: str):
    """After a password change this device stays signed in (the session version changed)."""
    def answer(user):
        login_user(user)
        return redirect_to(endpoint)
    return answer


@bp.route("/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    return submit(form, lambda: _new_password(form.current_password.data, form.new_password.data),
                  message="Пароль изменён. На других устройствах потребуется войти заново.",
                  on_success=_signed_in_again("accounts.profile"), template="accounts/change_password.html")


@bp.route("/profile", methods=["GET", "POST"])
@login_required
def profile():
    # formdata is explicit: an unticked box sends nothing, which WTForms would otherwise read as "no form".
    form = ConsentForm(formdata=request.form if request.method == "POST" else None, obj=current_user)
    return submit(form, lambda: services.set_public_consent(current_user, form.is_public_consent.data),
                  message="Настройки сохранены.", on_success=lambda _: redirect_to("accounts.profile"),
                  template="accounts/profile.html")


@bp.get("/sessions")
@login_required
def sessions():
    return _render_sessions()


def _render_sessions(status: int = 200, error: str | None = None):
    current = services.token_hash(current_user.session_token) if current_user.session_token else None
    return render_view("accounts/sessions.html", None, status=status, error=error, current=current,
                       sessions=services.active_sessions(current_user), form=EmptyForm())


@bp.post("/sessions/<int:session_id>/end")
@login_required
def end_session(session_id: int):
    return submit(None, lambda: services.end_other_session(current_user, session_id, current_user.session_token),
                  message="Сеанс завершён: на том устройстве потребуется войти заново.",
                  on_success=lambda _: redirect_to("accounts.sessions"),
                  page=lambda error, status: _render_sessions(status=status, error=error))


@bp.post("/sessions/end-others")
@login_required
def end_other_sessions():
    ended = services.end_other_sessions(current_user, current_user.session_token)
    db.session.commit()
    flash(f"Завершено сеансов: {ended}. Это устройство остаётся в системе." if ended
          else "Других сеансов нет.", "success")
    return redirect_to("accounts.sessions")
