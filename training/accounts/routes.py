from flask import current_app, flash, request, url_for
from flask_login import current_user, login_required, login_user, logout_user

from training.accounts import bp, services
from training.accounts.forms import ChangePasswordForm, ConsentForm, NewPasswordForm, SignInForm
from training.extensions import limiter
from training.web import is_safe_next, redirect_to, submit


def _account_key() -> str:
    return "account:" + request.form.get("email", "").strip().lower()


def _login_limit_per_address() -> str:
    return current_app.config["LOGIN_RATE_LIMIT_PER_ADDRESS"]


def _login_limit_per_account() -> str:
    return current_app.config["LOGIN_RATE_LIMIT_PER_ACCOUNT"]


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit_per_address, methods=["POST"])
@limiter.limit(_login_limit_per_account, key_func=_account_key, methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect_to("home.index")
    form = SignInForm()

    def signed_in(user):
        login_user(user, remember=form.remember.data)
        if user.must_change_password:
            return redirect_to("accounts.first_password")
        target = request.args.get("next")
        return redirect_to(target if is_safe_next(target) else url_for("home.index"))

    return submit(form, lambda: services.authenticate(form.email.data, form.password.data), on_success=signed_in,
                  template="accounts/login.html", partial="login_form")


@bp.post("/logout")
@login_required
def logout():
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
    return submit(form, lambda: services.change_password(current_user, None, form.new_password.data),
                  message="Пароль установлен. Добро пожаловать!", on_success=_signed_in_again("home.index"),
                  template="accounts/first_password.html")


def _signed_in_again(endpoint: str):
    """After a password change: this device stays signed in (the session version changed), the others are out."""
    def answer(_):
        login_user(current_user._get_current_object())
        return redirect_to(endpoint)
    return answer


@bp.route("/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    return submit(form, lambda: services.change_password(current_user, form.current_password.data,
                                                         form.new_password.data),
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
