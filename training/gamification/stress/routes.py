"""«Стресс месяца» (/team/stress): the anonymous board, «+1», the committee's monthly review and measures,
posts from clients. Item ids travel in the POST body, never in the URL."""
from __future__ import annotations

from flask import abort, current_app, flash, request, url_for
from flask_login import current_user, login_required

from training.accounts import scopes
from training.accounts.models import User
from training.errors import DomainError
from training.extensions import db, limiter
from training.forms import HiddenIdForm
from training.gamification.committee import services as committee
from training.gamification.stress import bp
from training.gamification.stress import services as stress
from training.gamification.stress.forms import (
    PUBLIC_TEXT_HINT,
    PUBLIC_TEXT_RULE,
    MeasureForm,
    MeasurePublicForm,
    MeasureStatusForm,
    PublicStressForm,
    StressForm,
)
from training.gamification.stress.models import PUBLIC_TEXT_MAX, StressItem, StressMeasure, StressSource
from training.org import services as org_services
from training.org.models import Centre
from training.web import int_or, public, redirect_to, render_view, submit


def _stress_centre_choices(service_id: int | None, empty: str) -> list[tuple[int, str]]:
    centres = org_services.centres_of_service(service_id)
    return [(0, empty)] + [(c.id, c.name) for c in centres]


def _stress_page(month: str, form: StressForm, *, status: int = 200):
    service_id = current_user.regional_service_id
    month_row = stress.find_month(service_id, month)
    order = "new" if request.args.get("order") == "new" else "top"
    centre_filter = int_or(request.args.get("centre")) or None
    state = stress.state(month_row, month)
    measures = month_row.measures if month_row else []
    return render_view(
        "gamification/stress/index.html", None, status=status, month=month, month_label=stress.month_label(month),
        state=state, items=stress.items(month_row, order=order, centre_id=centre_filter), order=order,
        centre_filter=centre_filter, my_votes=stress.my_votes(current_user, month_row) if state == "open" else set(),
        form=form, measures=measures, status_form=MeasureStatusForm(formdata=None),
        can_update=lambda m: stress.can_update_measure(current_user, m),
        is_committee=committee.can_act(current_user, service_id), centres=_stress_centre_choices(service_id, "все ЦЗН"),
        current_month=stress.current_month(), previous_month=stress.previous_month(stress.current_month()),
        public_url=url_for("stress.from_clients", centre_id=current_user.centre_id, _external=True)
        if current_user.centre_id else None)


@bp.get("/stress")
@login_required
def index():
    month = request.args.get("month") or stress.current_month()
    if not stress.valid_month(month):
        abort(404)
    form = StressForm(formdata=None)
    form.centre_id.choices = _stress_centre_choices(current_user.regional_service_id, "не указывать")
    form.centre_id.data = current_user.centre_id or 0
    return _stress_page(month, form)


@bp.post("/stress")
@login_required
def post():
    form = StressForm()
    form.centre_id.choices = _stress_centre_choices(current_user.regional_service_id, "не указывать")
    if current_user.regional_service_id is None:
        raise DomainError("У вашей учётной записи не указана служба занятости.")

    def refused(error: str | None, status: int):
        if error:
            form.text.errors = [error]
        return _stress_page(stress.current_month(), form, status=status)

    return submit(form, lambda: stress.post_item(current_user.regional_service_id, text=form.text.data,
                                                 centre_id=form.centre_id.data or None),
                  message="Записано анонимно. Спасибо: комитет разберёт записи в конце месяца.",
                  on_success=lambda _: redirect_to("stress.index"), page=refused)


@bp.post("/stress/plus")
@login_required
def plus():
    form = HiddenIdForm()
    item = db.session.get(StressItem, form.item_id.data) if form.validate_on_submit() else None
    if item is None:
        abort(404)

    def plussed(_):
        if request.headers.get("HX-Request"):
            return render_view("gamification/stress/_plus.html", None, item=item, voted=True, state="open", error=None)
        return redirect_to("stress.index")

    return submit(None, lambda: stress.plus_one(current_user, item), on_success=plussed,
                  page=lambda error, status: render_view("gamification/stress/_plus.html", None, status=status,
                                                         item=item, voted=False, state="open", error=error))


@bp.get("/stress/months")
@login_required
def months():
    rows = stress.months(current_user.regional_service_id)
    return render_view("gamification/stress/months.html", None, months=rows, label=stress.month_label,
                       state=stress.state, current_month=stress.current_month())


def _review_month(month: str):
    if not stress.valid_month(month):
        abort(404)
    service_id = current_user.regional_service_id
    committee.ensure_can_act(current_user, service_id)
    return stress.find_month(service_id, month)


def _review_page(month: str, month_row, form: MeasureForm, *, status: int = 200, error: str | None = None):
    state = stress.state(month_row, month)
    return render_view("gamification/stress/review.html", None, status=status, month=month,
                       month_label=stress.month_label(month), month_row=month_row, state=state,
                       items=stress.items(month_row, include_hidden=True), form=form, error=error,
                       status_form=MeasureStatusForm(formdata=None), hide_form=HiddenIdForm(formdata=None),
                       public_form=MeasurePublicForm(formdata=None), public_hint=PUBLIC_TEXT_HINT,
                       public_rule=PUBLIC_TEXT_RULE, public_text_max=PUBLIC_TEXT_MAX)


def _measure_form(month_row, formdata=None) -> MeasureForm:
    form = MeasureForm(formdata=formdata)
    staff = db.session.scalars(scopes.active_staff(current_user.regional_service_id))
    form.owner_id.choices = [(0, "—")] + [(u.id, u.full_name) for u in staff]
    form.item_id.choices = [("", "общая мера")] + [(i.id, f"+{i.plus_count}: {i.text[:60]}")
                                                   for i in stress.items(month_row)]
    return form


@bp.get("/stress/review/<stress_month>")
@login_required
def review(stress_month: str):
    month_row = _review_month(stress_month)
    return _review_page(stress_month, month_row, _measure_form(month_row))


@bp.post("/stress/review/<stress_month>/measures")
@login_required
def measure_add(stress_month: str):
    month_row = _review_month(stress_month)
    form = _measure_form(month_row, formdata=request.form)
    if month_row is None:
        raise DomainError("В этом месяце записей не было.")

    def add_measure():
        owner = db.session.get(User, form.owner_id.data)
        if owner is None:
            raise DomainError("Выберите ответственного.")
        item = db.session.get(StressItem, form.item_id.data) if form.item_id.data else None
        return stress.add_measure(current_user, month_row, text=form.text.data, owner=owner, item=item,
                                  due_on=form.due_on.data, status=form.status.data, public_text=form.public_text.data)

    return submit(form, add_measure, message="Мера записана, ответственный получил уведомление.",
                  on_success=lambda _: redirect_to("stress.review", stress_month=stress_month),
                  page=lambda error, status: _review_page(stress_month, month_row, form, status=status, error=error))


@bp.post("/stress/measures/<int:stress_measure_id>")
@login_required
def measure_status(stress_measure_id: int):
    measure = db.get_or_404(StressMeasure, stress_measure_id)
    if not scopes.can_view(current_user, measure.month_row, members=scopes.Level.SERVICE):
        abort(404)
    if not stress.can_update_measure(current_user, measure):
        abort(403, "Статус меры меняет её ответственный или комитет.")
    form = MeasureStatusForm()
    if not form.validate_on_submit():
        raise DomainError("Выберите статус.")
    stress.set_measure_status(current_user, measure, form.status.data)
    db.session.commit()
    flash("Статус меры обновлён.", "success")
    back = request.form.get("back")
    if back == "review" and committee.can_act(current_user, measure.month_row.regional_service_id):
        return redirect_to("stress.review", stress_month=measure.month_row.month)
    return redirect_to(url_for("stress.index", month=measure.month_row.month))


@bp.post("/stress/measures/<int:stress_measure_id>/public")
@login_required
def measure_public(stress_measure_id: int):
    """The committee writes what clients read of a measure («Для клиентов»), on the review page."""
    measure = db.get_or_404(StressMeasure, stress_measure_id)
    if not scopes.can_view(current_user, measure.month_row, members=scopes.Level.SERVICE):
        abort(404)
    committee.ensure_can_act(current_user, measure.month_row.regional_service_id)
    month = measure.month_row.month
    form = MeasurePublicForm()

    def refused(error: str | None, status: int):
        month_row = measure.month_row
        error = error or next(iter(form.public_text.errors), None) or "Проверьте текст для клиентов."
        return _review_page(month, month_row, _measure_form(month_row), status=status, error=error)

    return submit(form, lambda: stress.set_public_text(current_user, measure, form.public_text.data),
                  message=lambda _: "Текст для клиентов сохранён." if measure.public_text
                  else "Текст для клиентов убран: мера им не показывается.",
                  on_success=lambda _: redirect_to("stress.review", stress_month=month), page=refused)


@bp.post("/stress/hide")
@login_required
def hide():
    committee.ensure_can_act(current_user, current_user.regional_service_id)
    form = HiddenIdForm()
    item = db.session.get(StressItem, form.item_id.data) if form.validate_on_submit() else None
    if item is None:
        abort(404)
    stress.hide_item(current_user, item, hidden=request.form.get("hidden") != "0")
    db.session.commit()
    return redirect_to("stress.review", stress_month=item.month_row.month)


@bp.post("/stress/review/<stress_month>/archive")
@login_required
def archive(stress_month: str):
    month_row = _review_month(stress_month)
    if month_row is None:
        raise DomainError("В этом месяце записей не было.")
    stress.archive_month(current_user, month_row)
    db.session.commit()
    flash("Месяц отправлен в архив: записи доступны только для чтения.", "success")
    return redirect_to("stress.months")


def _public_limit() -> str:
    return current_app.config.get("STRESS_PUBLIC_RATE_LIMIT", "5 per hour;20 per day")


@bp.route("/stress/from-clients/<int:centre_id>", methods=["GET", "POST"])
@public
@limiter.limit(_public_limit, methods=["POST"])
def from_clients(centre_id: int):
    """Clients tell what bothered them in the centre: no account, nothing personal kept."""
    centre = db.get_or_404(Centre, centre_id)
    form = PublicStressForm()
    sent = request.args.get("sent") == "1"
    if form.validate_on_submit():
        if not form.website.data:  # bots fill every field; people never see this one
            stress.post_item(centre.regional_service_id, text=form.text.data, centre_id=centre.id,
                             source=StressSource.CLIENT)
            db.session.commit()
        return redirect_to(url_for("stress.from_clients", centre_id=centre.id, sent=1))
    return render_view("gamification/stress/public.html", None, status=422 if form.is_submitted() else 200,
                       centre=centre, form=form, sent=sent)
