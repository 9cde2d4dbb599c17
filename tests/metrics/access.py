from datetime import date, timedelta

from tests.core.access import PUBLIC, SIGNED_IN
from training.accounts.models import Role
from training.extensions import db

SUPERVISORS = {Role.ADMIN, Role.HR, Role.MANAGER}
ORGANISERS = {Role.ADMIN, Role.HR}

ACCESS = {
    "metrics.index": SIGNED_IN,
    "metrics.pulse_organisation": {Role.ADMIN},
    "metrics.pulse_service": ORGANISERS,
    "metrics.pulse_centre": SUPERVISORS,
    "metrics.pulse_department": SUPERVISORS,
    "metrics.pulse_employee": SUPERVISORS,
    "metrics.pulse_me": SIGNED_IN,
    "metrics.compare": SUPERVISORS,
    "metrics.training_effect_view": SUPERVISORS,
    "metrics.course_dashboard": SUPERVISORS,
    "metrics.qr": SUPERVISORS,
    "metrics.qr_pdf": SUPERVISORS,
    "metrics.feedback_list": SUPERVISORS,
    "metrics.followups": SUPERVISORS,
    "metrics.followup_detail": SUPERVISORS,
    "metrics.followup_delete_contact": SUPERVISORS,
    "metrics.operational_import": SUPERVISORS,
    "metrics.operational_template": SUPERVISORS,
    "metrics.operational_list": SUPERVISORS,
    "metrics.iqs_list": SUPERVISORS,
    "metrics.iqs_mine": SIGNED_IN,
    "metrics.iqs_new": SUPERVISORS,
    "metrics.iqs_detail": SIGNED_IN,
    "metrics.iqs_categories": ORGANISERS,
    "metrics.iqs_category_edit": ORGANISERS,
    "metrics.weights": ORGANISERS,
    "metrics.weight_withdraw": ORGANISERS,
    "metrics.reports": SUPERVISORS,
    "metrics.report_download": SUPERVISORS,
    "metrics.competence_me": SIGNED_IN,
    "metrics.competence_employee": SUPERVISORS,
    "metrics.competence_ranking": SUPERVISORS,
    "metrics.competence_export": SUPERVISORS,
    "metrics.competence_weights": ORGANISERS,
    "metrics.competence_weight_withdraw": ORGANISERS,
    "client_feedback.form": PUBLIC,
    "client_feedback.thanks": PUBLIC,
}


def url_arguments(ctx):
    from training.metrics import competence, feedback, iqs, services
    from training.metrics.models import CompetenceWeightSet, IndexWeightSet

    org, users = ctx["org"], ctx["users"]
    services.seed_touchpoints()
    iqs.seed_categories()
    link = feedback.link_for(org.centre_a)
    low = feedback.submit_feedback(link, recommend=2, comment="Долго ждал", contact_requested=True,
                                   contact_name="Клиент", contact_phone="+7 900 000-00-00")
    task_id = low.id and db.session.scalar(db.select(db.Model.metadata.tables["follow_up_tasks"].c.id))
    marks = {c.id: True for c in iqs.active_categories()}
    assessment = iqs.assess(users[Role.MANAGER], ctx["colleague"], marks=marks, conversation_date=date.today(),
                            today=date.today())
    weight_set = IndexWeightSet(regional_service_id=org.service.id, effective_from=date.today() + timedelta(days=60),
                                weights={"effectiveness": 0.2, "personalisation": 0.2, "effort": 0.2, "comfort": 0.2,
                                         "friendliness": 0.2})
    db.session.add(weight_set)
    competence_set = CompetenceWeightSet(regional_service_id=org.service.id,
                                         effective_from=date.today() + timedelta(days=60),
                                         weights=dict(competence.DEFAULT_WEIGHTS.weights))
    db.session.add(competence_set)
    db.session.commit()
    competence.recompute_month(competence.month_of(date.today()))
    db.session.commit()
    return {"service_id": org.service.id, "centre_id": org.centre_a.id, "department_id": org.front_a.id,
            "task_id": task_id, "assessment_id": assessment.id, "category_id": iqs.active_categories()[0].id,
            "weight_set_id": weight_set.id, "layout": "summary", "kind": "centre", "scope_id": org.centre_a.id,
            "week": "2026-W05", "token": link.token,
            "competence_weight_set_id": competence_set.id}
