"""A client's answer through a one-time survey link (metrics/surveys): stored as a client answer of the centre the
invitation names — without a specialist, marked with the channel the link came by — so its CSI and other answers
arrive in the centre's index like any other. The link is spent in the same transaction (surveys.use_link), so an
answer is stored only if the link was still unused."""
from __future__ import annotations

from datetime import datetime

from training.db import utcnow
from training.errors import DomainError
from training.extensions import db
from training.measures.periods import local_date_of
from training.metrics.feedback.models import Channel, ClientFeedback, ClientServiceMark
from training.metrics.feedback.services import _in_range, _open_follow_up, csi_answers, low_reasons
from training.metrics.surveys import services as surveys
from training.metrics.surveys.models import SurveyChannel, SurveyInvitation, SurveyKind
from training.signals import client_feedback_received


def submit_survey_answer(invitation: SurveyInvitation, *, csi_marks: dict[str, object] | None = None,
                         employment: str | None = None, ces=None, expectations=None, recommend=None,
                         comment: str | None = None, now: datetime | None = None) -> ClientFeedback:
    """Spend the link and store the answer. The survey after employment asks only «work now?», CSI and a comment;
    HR's outbound survey asks the short form's CES, expectations and recommendation as well."""
    now = now or utcnow()
    if invitation.kind == SurveyKind.AFTER_EMPLOYMENT:
        ces = expectations = recommend = None
    else:
        employment = None
    ces = _in_range(ces, 1, 5, "Насколько легко было решить вопрос")
    expectations = _in_range(expectations, 1, 5, "Оправдались ли ожидания")
    recommend = _in_range(recommend, 0, 10, "Готовность рекомендовать")
    marks = csi_answers(csi_marks)
    comment = (comment or "").strip()[:2000] or None
    if ces is None and expectations is None and recommend is None and not marks and not comment:
        raise DomainError("Ответьте хотя бы на один вопрос.")
    surveys.use_link(invitation, employment=employment, now=now)
    feedback = ClientFeedback(
        link_id=None, regional_service_id=invitation.regional_service_id, centre_id=invitation.centre_id,
        created_at=now, local_date=local_date_of(now),
        channel=Channel.EMAIL if invitation.channel == SurveyChannel.EMAIL else Channel.SMS,
        ces=ces, expectations=expectations, recommend=recommend, comment=comment)
    feedback.service_marks = [ClientServiceMark(aspect_code=code, score=mark) for code, mark in marks.items()]
    reasons = low_reasons(recommend, expectations, ces)
    feedback.is_low = bool(reasons)
    db.session.add(feedback)
    db.session.flush()
    surveys.attach_answer(invitation, feedback.id)
    if reasons:
        _open_follow_up(feedback, reasons, now)
    client_feedback_received.send(feedback, employee_id=None, centre_id=feedback.centre_id)
    return feedback
