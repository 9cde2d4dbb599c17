from flask import current_app, flash, request, url_for
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required, login_user, logout_user

from training.accounts import bp, lockout, services
from training.accounts.forms import ChangePasswordForm, ConsentForm, NewPasswordForm, SignInForm
from training.errors import DomainError
from training.extensions import db, limiter
from training.forms import EmptyForm
from training.web import is_safe_next, redirect_to, render_view


def _login_limit_per_address() -> str:
    return current_app.config["LOGIN_RATE_LIMIT_PER_ADDRESS"]


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit_per_address, methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect_to("home.index")
    form = SignInForm()
    error = None
    if form.validate_on_submit():
        pair = lockout.Pair(form.email.data or "", get_remote_address() or "")
        wait = lockout.seconds_locked(pair)
        if wait:  # this account from this address waits; the same account elsewhere does not
            response = render_view("accounts/login.html", "login_form", status=429, form=form,
                                   error=lockout.wait_message(wait))
            response.headers["Retry-After"] = str(wait)
            return response
        try:
            user = services.authenticate(form.email.data, form.password.data)
        except DomainError as exc:
            lockout.record_failure(pair)
            error = exc.message
        else:
            lockout.record_success(pair)
            services.start_session(user, request.headers.get("User-Agent"))
            login_user(user, remember=form.remember.data)
            db.session.commit()
            if user.must_change_password:
                return redirect_to("accounts.first_password")
            target = request.args.get("next")
            return redirect_to(target if is_safe_next(target) else url_for("home.index"))
    status = 422 if (form.is_submitted() and (error or form.errors)) else 200
    return render_view("accounts/login.html", "login_form", status=status, form=form, error=error)


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
    error = None
    if form.validate_on_submit():
        try:
            services.change_password(current_user, None, form.new_password.data)
        except DomainError as exc:
            error = exc.message
        else:
            user = current_user._get_current_object()
            services.start_session(user, request.headers.get("User-Agent"))  # every other session ended
            db.session.commit()
            login_user(user)  # the session version changed
            flash("Пароль установлен. Добро пожаловать!", "success")
            return redirect_to("home.index")
    status = 422 if form.is_submitted() else 200
    return render_view("accounts/first_password.html", None, status=status, form=form, error=error)


@bp.route("/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    error = None
    if form.validate_on_submit():
        try:
            services.change_password(current_user, form.current_password.data, form.new_password.data)
        except DomainError as exc:
            error = exc.message
        else:
            user = current_user._get_current_object()
            services.start_session(user, request.headers.get("User-Agent"))  # every other session ended
            db.session.commit()
            login_user(user)
            flash("Пароль изменён. На других устройствах потребуется войти заново.", "success")
            return redirect_to("accounts.profile")
    status = 422 if form.is_submitted() else 200
    return render_view("accounts/change_password.html", None, status=status, form=form, error=error)


@bp.route("/profile", methods=["GET", "POST"])
@login_required
def profile():
    # formdata is explicit: an unticked box sends nothing, which WTForms would otherwise read as "no form".
    form = ConsentForm(formdata=request.form if request.method == "POST" else None, obj=current_user)
    if form.validate_on_submit():
        services.set_public_consent(current_user, form.is_public_consent.data)
        db.session.commit()
        flash("Настройки сохранены.", "success")
        return redirect_to("accounts.profile")
    return render_view("accounts/profile.html", None, form=form)


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
    try:
        services.end_other_session(current_user, session_id, current_user.session_token)
    except DomainError as exc:
        db.session.rollback()
        return _render_sessions(status=422, error=exc.message)
    db.session.commit()
    flash("Сеанс завершён: на том устройстве потребуется войти заново.", "success")
    return redirect_to("accounts.sessions")


@bp.post("/sessions/end-others")
@login_required
def end_other_sessions():
    ended = services.end_other_sessions(current_user, current_user.session_token)
    db.session.commit()
    flash(f"Завершено сеансов: {ended}. Это устройство остаётся в системе." if ended
          else "Других сеансов нет.", "success")
    return redirect_to("accounts.sessions")
