"""Competence pages (/metrics/competence): «из чего складывается», rankings with export, weights."""
from __future__ import annotations

from flask import abort, request, url_for
from flask_login import current_user, login_required

from training.accounts import scopes as services
from training.accounts.models import Role, User
from training.competence import bp, framework, ranking
from training.competence import services as competence
from training.competence import weights as competence_weights
from training.competence.forms import CompetenceWeightForm, competence_weight_field
from training.competence.models import CompetenceWeightSet
from training.errors import DomainError
from training.extensions import db
from training.gamification.ideas import agents
from training.measures.periods import MONTH, local_today, parse_period, period_of
from training.measures.scales import COMPETENCE_BLOCKS, COMPETENCE_EVIDENCE
from training.tabular import TABLE_FORMATS, table_download
from training.web import act, page_args, redirect_to, render_view, role_required, submit


def _month_arg():
    return parse_period(MONTH, request.args.get("month"))


def _competence_page(person: User):
    month = _month_arg()
    score = competence.score_of(person.id, month)
    explanation = ranking.explain(score) if score is not None and score.is_computed else None
    series = competence.history(person.id, competence.recent_months(6, today=month.end))
    return render_view("competence/detail.html", None, person=person, month=month, score=score, ex=explanation,
                       series=series, title=competence.title_of(person.id), own=person.id == current_user.id,
                       previous=month.previous(), next=month.next() if month.next().start <= local_today() else None,
                       prior_weights=framework.PRIOR_WEIGHTS)


@bp.get("/competence/me")
@login_required
def me():
    return _competence_page(current_user)


@bp.get("/competence/employee/<int:user_id>")
@role_required(*Role.SUPERVISORS)
def employee(user_id: int):
    person = db.get_or_404(User, user_id)
    if not services.can_view_employee(current_user, person):
        abort(404)
    return _competence_page(person)


def _ranking_filters() -> ranking.Filters:
    metric = request.args.get("by", "overall")
    return ranking.Filters(metric=metric if metric in ranking.METRICS else "overall", month=_month_arg(),
                           region_id=request.args.get("region_id", type=int),
                           service_id=request.args.get("service_id", type=int),
                           centre_id=request.args.get("centre_id", type=int),
                           department_id=request.args.get("department_id", type=int),
                           top=request.args.get("top", type=int) if request.args.get("top", type=int, default=0) > 0
                           else None)


@bp.get("/competence/ranking", endpoint="ranking")
@role_required(*Role.SUPERVISORS)
def ranking_page():
    filters = _ranking_filters()
    page, per_page = page_args()
    result = ranking.ranking_page(current_user, filters, page, per_page)
    month = filters.month
    return render_view("competence/ranking.html", "ranking_table", filters=filters, result=result,
                       agent_ids=agents.agent_user_ids([r.user_id for r in result.items]),
                       options=ranking.options(current_user, filters), metrics=ranking.METRICS,
                       months=list(reversed(competence.recent_months(12))), month=month)


@bp.get("/competence/ranking.<fmt>")
@role_required(*Role.SUPERVISORS)
def export(fmt: str):
    if fmt not in TABLE_FORMATS:
        abort(404)
    filters = _ranking_filters()
    header, rows = ranking.export_table(current_user, filters)
    return table_download(fmt, header, rows, filename=f"competence-ranking-{filters.metric}-{filters.month.key}",
                          sheet_title=f"Рейтинг {filters.month.key}")


@bp.route("/competence/weights", methods=["GET", "POST"])
@role_required(*Role.SERVICE_ADMINS)
def weights():
    service_list, selected, service = services.chosen_service(current_user, request.values.get("service_id", type=int))
    form = CompetenceWeightForm()
    form.service_id.choices = [(s.id, s.name) for s in service_list]
    today = local_today()
    if request.method == "GET":
        form.service_id.data = selected
        form.effective_from.data = period_of(MONTH, today).next().start
        in_force = competence_weights.weights_for(selected, today) if selected else None
        flat = competence_weights.DEFAULT_WEIGHTS.weights
        if in_force is not None and in_force.set_id is not None:
            flat = db.session.get(CompetenceWeightSet, in_force.set_id).weights
        for key in competence_weights.WEIGHT_KEYS:
            getattr(form, competence_weight_field(key)).data = round(float(flat.get(key, 0.0)) * 100, 1)

    def publish():
        if service is None:
            raise DomainError("Выберите службу.")
        return competence_weights.publish_weight_set(
            current_user, service, form.effective_from.data,
            {key: getattr(form, competence_weight_field(key)).data for key in competence_weights.WEIGHT_KEYS},
            form.label.data or "", today=today)

    return submit(form, publish, message="Набор весов оценки компетенций опубликован.",
                  on_success=lambda _: redirect_to(url_for("competence.weights", service_id=service.id)),
                  template="competence/weights.html", service=service, service_list=service_list, today=today,
                  blocks=COMPETENCE_BLOCKS, block_titles=framework.BLOCK_TITLES, evidence=COMPETENCE_EVIDENCE,
                  field_name=competence_weight_field, default=competence_weights.DEFAULT_WEIGHTS,
                  context=lambda: {"rows": competence_weights.weight_set_rows(service.id) if service else []})


@bp.post("/competence/weights/<int:competence_weight_set_id>/withdraw")
@role_required(*Role.SERVICE_ADMINS)
def weight_withdraw(competence_weight_set_id: int):
    row = db.get_or_404(CompetenceWeightSet, competence_weight_set_id)
    return act(lambda: competence_weights.withdraw_weight_set(current_user, row, today=local_today()),
               "competence.weights", service_id=row.regional_service_id, message="Набор весов отозван.")
