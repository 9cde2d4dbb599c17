"""The index's dated weights (/metrics/weights) and the regional checklist (/metrics/regional-checklist), set by
HR of the service."""
from __future__ import annotations

from datetime import date, datetime

from flask import request, url_for
from flask_login import current_user

from training.accounts import scopes
from training.accounts.models import Role
from training.errors import DomainError
from training.extensions import db
from training.forms import EmptyForm
from training.measures.periods import MONTH, local_today, period_of
from training.measures.scales import GROUPS, INDEX_INDICATORS
from training.metrics.centre_index import bp, checklists
from training.metrics.centre_index import csi as csi_weights
from training.metrics.centre_index import regional_checklist as checklist
from training.metrics.centre_index import services as index_services
from training.metrics.centre_index import weights as services
from training.metrics.centre_index.forms import ChecklistWeightsForm, CsiWeightsForm, WeightSetForm
from training.metrics.centre_index.models import CsiWeightSet, IndexWeightSet, RegionalChecklistWeightSet
from training.metrics.feedback.aspects import CSI_PARAMETERS
from training.web import act, redirect_to, role_required, submit


@bp.route("/weights", methods=["GET", "POST"])
@role_required(*Role.SERVICE_ADMINS)
def weights():
    service_list, selected, service = scopes.chosen_service(current_user, request.values.get("service_id", type=int))
    form = WeightSetForm()
    form.service_id.choices = [(s.id, s.name) for s in service_list]
    today = local_today()
    if request.method == "GET":
        form.service_id.data = selected
        next_quarter = period_of(MONTH, today)
        while next_quarter.start.month % 3 != 1 or next_quarter.start <= today:
            next_quarter = next_quarter.next()
        form.effective_from.data = next_quarter.start
        in_force = services.weights_in_force_for(selected, today) if selected else None
        for key in GROUPS:
            getattr(form, f"w_{key}").data = round((in_force or {}).get(key, 0.2) * 100, 1)

    def publish():
        if service is None:
            raise DomainError("Выберите службу.")
        return index_services.publish_weight_set(current_user, service, form.effective_from.data,
                                                 {key: getattr(form, f"w_{key}").data for key in GROUPS},
                                                 form.label.data or "", today=today)

    def published(_):
        return redirect_to(url_for("centre_index.weights", service_id=service.id))

    return submit(form, publish, message="Набор весов опубликован.", on_success=published,
                  template="metrics/centre_index/weights.html", service=service, service_list=service_list,
                  groups=GROUPS, today=today, default=services.DEFAULT_GROUP_WEIGHTS,
                  context=lambda: {"rows": services.weight_set_rows(service.id) if service else []})


@bp.post("/weights/<int:weight_set_id>/withdraw")
@role_required(*Role.SERVICE_ADMINS)
def weight_withdraw(weight_set_id: int):
    row = db.get_or_404(IndexWeightSet, weight_set_id)
    return act(lambda: index_services.withdraw_weight_set(current_user, row, today=local_today()),
               "centre_index.weights", service_id=row.regional_service_id, message="Набор весов отозван.")


@bp.route("/csi-weights", methods=["GET", "POST"])
@role_required(*Role.SERVICE_ADMINS)
def csi_weights_page():
    """The importance weights of the CSI parameters over time (HR of the service)."""
    service_list, selected, service = scopes.chosen_service(current_user, request.values.get("service_id", type=int))
    form = CsiWeightsForm()
    form.service_id.choices = [(s.id, s.name) for s in service_list]
    today = local_today()
    if request.method == "GET":
        form.service_id.data = selected
        form.effective_from.data = period_of(MONTH, today).next().start
        in_force = csi_weights.csi_weights_in_force(csi_weights.csi_weight_sets(selected), today)
        total = sum(in_force.weights.values()) or 1.0
        for p in CSI_PARAMETERS:
            getattr(form, f"w_{p.code}").data = round(in_force.weights.get(p.code, 0.0) / total * 100, 1)

    def publish():
        if service is None:
            raise DomainError("Выберите службу.")
        return index_services.publish_csi_weights(current_user, service, form.effective_from.data,
                                                  {p.code: getattr(form, f"w_{p.code}").data for p in CSI_PARAMETERS},
                                                  form.label.data or "", today=today)

    return submit(form, publish, message="Веса CSI опубликованы.",
                  on_success=lambda _: redirect_to(url_for("centre_index.csi_weights_page", service_id=service.id)),
                  template="metrics/centre_index/csi_weights.html", service=service, service_list=service_list,
                  parameters=CSI_PARAMETERS, today=today, default=csi_weights.DEFAULT_CSI_WEIGHTS,
                  context=lambda: {"rows": csi_weights.csi_weight_rows(service.id) if service else []})


@bp.post("/csi-weights/<int:csi_weight_set_id>/withdraw")
@role_required(*Role.SERVICE_ADMINS)
def csi_weights_withdraw(csi_weight_set_id: int):
    row = db.get_or_404(CsiWeightSet, csi_weight_set_id)
    return act(lambda: index_services.withdraw_csi_weights(current_user, row, today=local_today()),
               "centre_index.csi_weights_page", service_id=row.regional_service_id, message="Набор весов CSI отозван.")


def _month_of(value: str | None, today: date) -> date:
    try:
        return datetime.strptime(value or "", "%Y-%m").date()
    except ValueError:
        return today.replace(day=1)


@bp.route("/regional-checklist", methods=["GET", "POST"])
@role_required(*Role.SERVICE_ADMINS)
def regional_checklist():
    """HR answers the regional checklist of their service for a month, each «да» with its evidence link."""
    service_list = scopes.visible_services(current_user)
    selected = request.values.get("service_id", type=int) or (service_list[0].id if service_list else None)
    service = next((s for s in service_list if s.id == selected), None)
    month = _month_of(request.values.get("month"), local_today())
    form = EmptyForm()
    stored = checklist.answers_for(service.id, month) if service else {}
    answers = {item.code: (request.form.get(f"met-{item.code}") == "1", request.form.get(f"url-{item.code}"))
               for item in checklist.ITEMS} if request.method == "POST" else \
        {code: (a.is_met, a.evidence_url) for code, a in stored.items()}

    def save():
        if service is None:
            raise DomainError("Выберите службу.")
        return checklist.save(current_user, service, month, answers)

    return submit(form, save, message="Чек-лист сохранён.",
                  conflict="Чек-лист этого месяца только что сохранили в другой вкладке: откройте его заново.",
                  on_success=lambda _: redirect_to(url_for("centre_index.regional_checklist", service_id=service.id,
                                                           month=f"{month:%Y-%m}")),
                  template="metrics/centre_index/regional_checklist.html", service=service,
                  service_list=service_list, month=month, items=checklist.ITEMS, answers=answers,
                  indicators=_indicator_titles(),
                  context=lambda: {"scores": checklists.score(
                      {code: a.is_met for code, a in stored.items()},
                      checklists.item_weights_in_force(service.id, month)) if service else {}})


def _indicator_titles() -> dict[str, str]:
    return {i.key: i.title for i in INDEX_INDICATORS if i.key in checklists.INDICATORS}


@bp.route("/regional-checklist/weights", methods=["GET", "POST"])
@role_required(*Role.SERVICE_ADMINS)
def checklist_weights():
    """HR publishes the weights of the checklist's items from a date (never retroactive)."""
    service_list, selected, service = scopes.chosen_service(current_user, request.values.get("service_id", type=int))
    form = ChecklistWeightsForm()
    today = local_today()
    if request.method == "GET":
        form.effective_from.data = period_of(MONTH, today).next().start
        in_force = checklists.item_weights_in_force(selected, today).weights if selected else {}
        for item in checklist.ITEMS:
            getattr(form, f"w_{item.code}").data = in_force.get(item.code, 1.0)

    def publish():
        if service is None:
            raise DomainError("Выберите службу.")
        return checklist.publish_item_weights(current_user, service, form.effective_from.data,
                                              {i.code: getattr(form, f"w_{i.code}").data for i in checklist.ITEMS},
                                              form.label.data or "", today=today)

    return submit(form, publish, message="Веса пунктов опубликованы.",
                  on_success=lambda _: redirect_to(url_for("centre_index.checklist_weights", service_id=service.id)),
                  template="metrics/centre_index/checklist_weights.html", service=service,
                  service_list=service_list, items=checklist.ITEMS, today=today, indicators=_indicator_titles(),
                  context=lambda: {"rows": checklists.weight_set_rows(service.id) if service else []})


@bp.post("/regional-checklist/weights/<int:checklist_weight_set_id>/withdraw")
@role_required(*Role.SERVICE_ADMINS)
def checklist_weights_withdraw(checklist_weight_set_id: int):
    row = db.get_or_404(RegionalChecklistWeightSet, checklist_weight_set_id)
    return act(lambda: checklist.withdraw_item_weights(current_user, row, today=local_today()),
               "centre_index.checklist_weights", service_id=row.regional_service_id, message="Набор весов отозван.")
