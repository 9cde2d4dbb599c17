from tests.certificates.helpers import complete
from tests.core.access import PUBLIC, SIGNED_IN
from tests.factories import make_cohort, make_course
from training.accounts.models import Role
from training.certificates import services
from training.extensions import db

HR = {Role.HR, Role.ADMIN}

ACCESS = {
    "certificates.mine": SIGNED_IN,
    "certificates.detail": SIGNED_IN,  # the holder, or HR of the issuing service (others: 404)
    "certificates.download": SIGNED_IN,
    "certificates.due": HR,
    "certificates.revoke": HR,
    "certificates.reissue": HR,
    "certificates.registry": HR,
    "certificates.registry_export": HR,
    "certificates.registry_zip": HR,
    "certificates.settings": HR,
    "certificates.verify": PUBLIC,
    "certificates.ob_assertion": PUBLIC,
    "certificates.ob_issuer": PUBLIC,
    "certificates.ob_badge_class": PUBLIC,
    "certificates.ob_revocations": PUBLIC,
    "certificates.ob_image": PUBLIC,
}


def url_arguments(ctx):
    course = make_course(blocks=2)
    cohort = make_cohort(course, ctx["org"].service, learners=[ctx["colleague"]])
    enrolment = complete(cohort.enrolments[0])
    certificate = services.issue_course_certificates(None, [enrolment])[0][0]
    db.session.commit()
    return {"certificate_id": certificate.id, "verification_code": certificate.verification_code,
            "badge_code": certificate.badge_code, "service_id": ctx["org"].service.id, "kind_code": "course"}
