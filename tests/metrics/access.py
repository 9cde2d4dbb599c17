from datetime import date, timedelta

from tests.core.access import PUBLIC, SIGNED_IN
from training.accounts.models import Role
from training.competence import weights as competence_weights
from training.extensions import db

SUPERVISORS = {Role.ADMIN, Role.HR, Role.MANAGER}
ORGANISERS = {Role.ADMIN, Role.HR}

ACCESS = {
    "dashboards.index": SIGNED_IN,
    "dashboards.pulse_organisation": {Role.ADMIN},
    "dashboards.pulse_service": ORGANISERS,
    "dashboards.pulse_centre": SUPERVISORS,
    "dashboards.pulse_department": SUPERVISORS,
    "dashboards.pulse_employee": SUPERVISORS,
    "dashboards.pulse_me": SIGNED_IN,
    "dashboards.compare": SUPERVISORS,
    "dashboards.training_effect_view": SUPERVISORS,
    "dashboards.course_dashboard": SUPERVISORS,
    "feedback.qr": SUPERVISORS,
    "feedback.qr_pdf": SUPERVISORS,
    "feedback.index": SUPERVISORS,
    "feedback.followups": SUPERVISORS,
    "feedback.followup_detail": SUPERVISORS,
    "feedback.followup_delete_contact": SUPERVISORS,
    "feedback.enter_answer": SIGNED_IN,  # the people of a centre and its supervisors (channels.can_enter)
    "feedback.enter_batch": SIGNED_IN,
    "feedback.paper_forms": SUPERVISORS,
    "feedback.feedback_export": SUPERVISORS,
    "feedback.mentions_register": ORGANISERS,
    "feedback.mention_delete": ORGANISERS,
    "operations.operational_import": SUPERVISORS,
    "operations.operational_template": SUPERVISORS,
    "operations.operational_list": SUPERVISORS,
    "operations.iqs_list": SUPERVISORS,
    "operations.iqs_mine": SIGNED_IN,
    "operations.iqs_new": SUPERVISORS,
    "operations.iqs_detail": SIGNED_IN,
    "operations.iqs_categories": ORGANISERS,
    "operations.iqs_category_edit": ORGANISERS,
    "centre_index.weights": ORGANISERS,
    "operations.comfort_list": SUPERVISORS,
    "operations.comfort_new": SUPERVISORS,
    "operations.comfort_items": ORGANISERS,
    "operations.comfort_item_edit": ORGANISERS,
    "centre_index.regional_checklist": ORGANISERS,
    "centre_index.weight_withdraw": ORGANISERS,
    "centre_index.csi_weights_page": ORGANISERS,
    "centre_index.csi_weights_withdraw": ORGANISERS,
    "centre_index.checklist_weights": ORGANISERS,
    "centre_index.checklist_weights_withdraw": ORGANISERS,
    "dashboards.reports": SUPERVISORS,
    "dashboards.report_download": SUPERVISORS,
    "dashboards.staff_report": SIGNED_IN,  # the people of the centre and its supervisors (staff_report.can_read)
    "competence.me": SIGNED_IN,
    "competence.employee": SUPERVISORS,
    "competence.ranking": SUPERVISORS,
    "competence.export": SUPERVISORS,
    "competence.weights": ORGANISERS,
    "competence.weight_withdraw": ORGANISERS,
    "client_feedback.form": PUBLIC,
    "client_feedback.thanks": PUBLIC,
    "client_feedback.survey": PUBLIC,
    "surveys.outbound": ORGANISERS,
}


def url_arguments(ctx):
    from training.competence import services as competence
    from training.competence.models import CompetenceWeightSet
    from training.metrics.centre_index import checklists
    from training.metrics.centre_index.models import CsiWeightSet, IndexWeightSet, RegionalChecklistWeightSet
    from training.metrics.feedback import aspects as services
    from training.metrics.feedback import services as feedback
    from training.metrics.feedback.channel_models import MediaMention, MentionTone
    from training.metrics.operations import comfort, iqs

    org, users = ctx["org"], ctx["users"]
    services.seed_touchpoints()
    iqs.seed_categories()
    comfort.seed_items()
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
                                         weights=dict(competence_weights.DEFAULT_WEIGHTS.weights))
    db.session.add(competence_set)
    checklist_set = RegionalChecklistWeightSet(regional_service_id=org.service.id,
                                               effective_from=date.today() + timedelta(days=60),
                                               weights=dict.fromkeys(checklists.ITEM_CODES, 1.0))
    db.session.add(checklist_set)
    mention = MediaMention(regional_service_id=org.service.id, mentioned_on=date.today(), source="Городская газета",
                           tone=MentionTone.POSITIVE)
    db.session.add(mention)
    csi_set = CsiWeightSet(regional_service_id=org.service.id, effective_from=date.today() + timedelta(days=60),
                           weights={"csi_reliability": 0.2, "csi_range": 0.2, "csi_quality": 0.2, "csi_staff": 0.2,
                                    "csi_extras": 0.2})
    db.session.add(csi_set)
    db.session.commit()
    competence.recompute_month(competence.month_of(date.today()))
    db.session.commit()
    return {"service_id": org.service.id, "centre_id": org.centre_a.id, "department_id": org.front_a.id,
            "task_id": task_id, "assessment_id": assessment.id, "category_id": iqs.active_categories()[0].id,
            "weight_set_id": weight_set.id, "layout": "summary", "kind": "centre", "scope_id": org.centre_a.id,
            "week": "2026-W05", "token": link.token,
            "competence_weight_set_id": competence_set.id, "csi_weight_set_id": csi_set.id,
            "mention_id": mention.id, "comfort_item_id": comfort.active_items()[0].id,
            "checklist_weight_set_id": checklist_set.id}
