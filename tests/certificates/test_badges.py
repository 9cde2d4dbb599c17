"""Open Badges 2.0: the 1EdTech validator (PyPI ``openbadges``) checks the hosted documents, offline.

The validator re-fetches every document by its ``id`` URL. ``responses`` intercepts those HTTP requests and
answers them from the app's test client; the JSON-LD context comes from the copy the package ships. Any other
request would fail: nothing goes to the network."""
from __future__ import annotations

import re
import warnings
from urllib.parse import urlsplit

import pytest
import responses

from training.certificates import services
from training.extensions import db


def _openbadges():
    with warnings.catch_warnings():  # the validator's old dependencies leak file handles on import
        warnings.simplefilter("ignore")
        from openbadges import verify
        from openbadges.verifier.openbadges_context import OPENBADGES_CONTEXT_V2_DICT, OPENBADGES_CONTEXT_V2_URI
    return verify, OPENBADGES_CONTEXT_V2_URI, OPENBADGES_CONTEXT_V2_DICT


def validate(client, url: str, email: str | None = None) -> dict:
    verify, context_uri, context = _openbadges()
    fetched = []

    def from_app(request):
        parts = urlsplit(request.url)
        fetched.append(parts.path)
        response = client.get(parts.path, headers={"Accept": request.headers.get("Accept", "*/*")})
        return response.status_code, {"Content-Type": response.headers["Content-Type"]}, response.data

    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.add(responses.GET, context_uri, json=context)
        mock.add_callback(responses.GET, re.compile(r"http://localhost/.*"), callback=from_app)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            result = verify(url, recipient_profile={"email": email} if email else None, use_cache=False,
                            cache_backend=None)
    result["fetched"] = fetched
    return result


def _errors(result) -> list[str]:
    return [m["result"] for m in result["report"]["messages"] if m.get("messageLevel") == "ERROR"]


@pytest.fixture
def certificate(world):
    certificate = services.issue_course_certificates(world.hr, world.cohort.enrolments[:1])[0][0]
    db.session.commit()
    return certificate


def _assertion_url(certificate):
    return f"http://localhost/certificates/ob/assertions/{certificate.badge_code}"


def test_hosted_assertion_validates_with_the_1edtech_validator(client, world, certificate):
    result = validate(client, _assertion_url(certificate), email=world.learners[0].email)
    assert _errors(result) == []
    assert result["report"]["valid"] is True and result["report"]["errorCount"] == 0
    assert result["report"]["warningCount"] == 0 and result["report"]["openBadgesVersion"] == "2.0"
    assert result["report"]["recipientProfile"] == {"email": world.learners[0].email}  # the hash matched
    # it fetched the assertion, the BadgeClass, the Issuer and the image: all served by the app
    paths = set(result["fetched"])
    service_id = world.org.service.id
    assert {f"/certificates/ob/assertions/{certificate.badge_code}",
            f"/certificates/ob/issuers/{service_id}/badges/course",
            f"/certificates/ob/issuers/{service_id}"} <= paths
    assert "/certificates/ob/images/course.png" in paths


def test_the_validator_rejects_a_wrong_recipient(client, certificate):
    result = validate(client, _assertion_url(certificate), email="someone.else@example.ru")
    assert result["report"]["valid"] is False


def test_assertion_identifies_the_recipient_by_salted_hash_only(client, world, certificate):
    response = client.get(f"/certificates/ob/assertions/{certificate.badge_code}")
    assert response.status_code == 200 and response.mimetype == "application/ld+json"
    document = response.get_json()
    recipient = document["recipient"]
    assert recipient["type"] == "email" and recipient["hashed"] is True
    import hashlib

    email = world.learners[0].email
    assert recipient["identity"] == "sha256$" + hashlib.sha256((email + recipient["salt"]).encode()).hexdigest()
    text = response.get_data(as_text=True)
    assert email not in text and world.learners[0].full_name not in text
    assert document["verification"] == {"type": "hosted"}
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00", document["issuedOn"])
    assert document["expires"].startswith(certificate.expires_on.isoformat())
    assert document["evidence"]["id"].endswith(certificate.verification_code)


def test_revoked_assertion_answers_410_and_fails_validation(client, world, certificate):
    services.revoke(world.hr, certificate, "Выдан по ошибке")
    db.session.commit()
    response = client.get(f"/certificates/ob/assertions/{certificate.badge_code}")
    assert response.status_code == 410
    body = response.get_json()
    assert body["revoked"] is True and body["revocationReason"] == "Выдан по ошибке"
    assert "recipient" not in body  # nothing about the person
    assert validate(client, _assertion_url(certificate))["report"]["valid"] is False
    listing = client.get(f"/certificates/ob/issuers/{world.org.service.id}/revocations").get_json()
    assert listing["type"] == "RevocationList"
    assert listing["revokedAssertions"] == [{"id": _assertion_url(certificate), "revocationReason": "Выдан по ошибке"}]


def test_reissued_assertion_is_revoked_and_the_new_one_validates(client, world, certificate):
    new = services.reissue(world.hr, certificate)
    db.session.commit()
    assert client.get(f"/certificates/ob/assertions/{certificate.badge_code}").status_code == 410
    assert validate(client, _assertion_url(new), email=world.learners[0].email)["report"]["valid"] is True


def test_badge_class_issuer_and_image(client, world, certificate):
    service_id = world.org.service.id
    badge = client.get(f"/certificates/ob/issuers/{service_id}/badges/course").get_json()
    assert badge["type"] == "BadgeClass" and badge["name"] == "Сертификат о прохождении базового курса"
    assert badge["criteria"]["narrative"] and badge["issuer"] == f"http://localhost/certificates/ob/issuers/{service_id}"
    issuer = client.get(f"/certificates/ob/issuers/{service_id}").get_json()
    assert issuer["type"] == "Issuer" and issuer["name"] == world.org.service.name and "@" in issuer["email"]
    image = client.get("/certificates/ob/images/course.png")
    assert image.mimetype == "image/png" and image.data[:8] == b"\x89PNG\r\n\x1a\n"
    import io

    from PIL import Image

    assert Image.open(io.BytesIO(image.data)).size == (256, 256)


def test_diplomas_and_unknown_codes_are_not_badges(client, world):
    diploma = services.issue_document("employee_of_month", world.learners[0], title="Сотрудник месяца",
                                      issued_by=world.hr, source_key="contest:5:winner")
    db.session.commit()
    assert client.get(f"/certificates/ob/assertions/{diploma.badge_code}").status_code == 404
    assert client.get("/certificates/ob/assertions/nope").status_code == 404
    assert client.get(f"/certificates/ob/issuers/{world.org.service.id}/badges/title").status_code == 404
    # the verification code does not open the assertion, nor the badge code the verification page
    assert client.get(f"/certificates/ob/assertions/{diploma.verification_code}").status_code == 404
    assert client.get(f"/certificates/verify/{diploma.badge_code}").status_code == 404


def test_public_base_url_sets_the_ids(app, world, certificate):
    app.config["PUBLIC_BASE_URL"] = "https://szn.example.ru"
    document = app.test_client().get(f"/certificates/ob/assertions/{certificate.badge_code}").get_json()
    assert document["id"] == f"https://szn.example.ru/certificates/ob/assertions/{certificate.badge_code}"
    assert document["badge"].startswith("https://szn.example.ru/certificates/ob/issuers/")
