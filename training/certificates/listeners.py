"""Facts from other domains that issue certificates (receivers run inside the sender's transaction)."""
from __future__ import annotations

from training.certificates.services import issue_course_certificates
from training.courses.models import Enrolment
from training.signals import course_completed


def on_course_completed(learner, enrolment: Enrolment, **_) -> None:
    """A cohort with automatic issue gets the certificate in the transaction that completes the course."""
    if enrolment.cohort is not None and enrolment.cohort.is_auto_certificate:
        issue_course_certificates(None, [enrolment])


RECEIVERS = ((course_completed, on_course_completed),)
