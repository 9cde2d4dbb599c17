"""Open Badges 2.0 hosted verification: the Assertion of each course certificate, its BadgeClass, the Issuer
Profile (one per regional service), the badge image and the issuer's revocation list.

Ids are absolute URLs on the app's public origin (``PUBLIC_BASE_URL``), so the assertion is within the issuer's
verification scope (same origin). Assertions are addressed by the certificate's random ``badge_code``, which is
separate from its verification code: the revocation list exposes only badge codes, and a revoked assertion
answers 410 with ``revoked`` and ``revocationReason`` and nothing about the person."""
from __future__ import annotations

import io
from datetime import datetime, time
from functools import lru_cache
from typing import Any

from PIL import Image, ImageDraw, ImageFont
from sqlalchemy import select

from training.certificates import services
from training.certificates.models import Certificate, CertificateKind
from training.certificates.pdf import FONTS, FONTS_DIR
from training.extensions import db
from training.org.models import RegionalService

CONTEXT = "https://w3id.org/openbadges/v2"
SUPERSEDED_REASON = "Заменён новым документом (перевыпуск)."


def assertion_url(certificate: Certificate) -> str:
    return services.public_url("certificates.ob_assertion", badge_code=certificate.badge_code)


def issuer_url(service_id: int) -> str:
    return services.public_url("certificates.ob_issuer", service_id=service_id)


def badge_class_url(service_id: int, kind_code: str) -> str:
    return services.public_url("certificates.ob_badge_class", service_id=service_id, kind_code=kind_code)


def image_url(kind_code: str) -> str:
    return services.public_url("certificates.ob_image", kind_code=kind_code)


def revocation_list_url(service_id: int) -> str:
    return services.public_url("certificates.ob_revocations", service_id=service_id)


def _iso(moment: datetime) -> str:
    return moment.replace(microsecond=0).isoformat()


def is_badge(certificate: Certificate | None) -> bool:
    return bool(certificate is not None and certificate.kind.is_open_badge and certificate.regional_service_id)


def assertion(certificate: Certificate) -> tuple[dict[str, Any], int]:
    """The hosted Assertion and its HTTP status (410 for a revoked or replaced document)."""
    url = assertion_url(certificate)
    if certificate.revoked_at is not None or certificate.superseded_by_id is not None:
        reason = certificate.revocation_reason if certificate.revoked_at is not None else SUPERSEDED_REASON
        return {"@context": CONTEXT, "id": url, "type": "Assertion", "revoked": True,
                "revocationReason": reason}, 410
    document: dict[str, Any] = {
        "@context": CONTEXT,
        "type": "Assertion",
        "id": url,
        "recipient": {"type": "email", "hashed": True, "salt": certificate.recipient_salt,
                      "identity": certificate.recipient_hash},
        "badge": badge_class_url(certificate.regional_service_id, certificate.kind.code),
        "verification": {"type": "hosted"},
        "issuedOn": _iso(certificate.issued_at),
        "image": image_url(certificate.kind.code),
        "evidence": {"id": services.verification_url(certificate),
                     "narrative": f"Документ № {certificate.number}: {certificate.title}"},
    }
    if certificate.expires_on is not None:
        end = datetime.combine(certificate.expires_on, time(23, 59, 59), tzinfo=services.DISPLAY_TZ)
        document["expires"] = end.isoformat()
    return document, 200


def badge_class(service: RegionalService, kind: CertificateKind) -> dict[str, Any]:
    return {
        "@context": CONTEXT,
        "type": "BadgeClass",
        "id": badge_class_url(service.id, kind.code),
        "name": kind.name,
        "description": kind.description or kind.name,
        "image": image_url(kind.code),
        "criteria": {"narrative": kind.description or kind.name},
        "issuer": issuer_url(service.id),
        "tags": ["клиентоцентричность", "служба занятости"],
    }


def issuer(service: RegionalService) -> dict[str, Any]:
    return {
        "@context": CONTEXT,
        "type": "Issuer",
        "id": issuer_url(service.id),
        "name": service.name,
        "url": services.public_base_url() + "/",
        "email": services.issuer_email(service.id),
        "revocationList": revocation_list_url(service.id),
    }


def revocation_list(service: RegionalService) -> dict[str, Any]:
    revoked = db.session.execute(select(Certificate.badge_code, Certificate.revocation_reason, Certificate.revoked_at)
                                 .join(CertificateKind, CertificateKind.id == Certificate.kind_id)
                                 .where(Certificate.regional_service_id == service.id, CertificateKind.is_open_badge,
                                        (Certificate.revoked_at.is_not(None))
                                        | (Certificate.superseded_by_id.is_not(None)))
                                 .order_by(Certificate.id)).all()
    entries = []
    for code, reason, revoked_at in revoked:
        entries.append({"id": services.public_url("certificates.ob_assertion", badge_code=code),
                        "revocationReason": reason if revoked_at is not None else SUPERSEDED_REASON})
    return {"@context": CONTEXT, "id": revocation_list_url(service.id), "type": "RevocationList",
            "issuer": issuer_url(service.id), "revokedAssertions": entries}


@lru_cache(maxsize=16)
def badge_png(label: str) -> bytes:
    """A 256×256 round badge: the kind's heading on a teal disc (drawn once per process)."""


    size = 256
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((4, 4, size - 4, size - 4), fill=(11, 110, 110, 255), outline=(8, 70, 70, 255), width=6)
    draw.ellipse((26, 26, size - 26, size - 26), outline=(255, 255, 255, 200), width=3)
    bold = str(FONTS_DIR / FONTS["CertSerif-Bold"])
    big = ImageFont.truetype(bold, 64)
    small = ImageFont.truetype(bold, 22)
    draw.text((size / 2, size / 2 - 12), "СЗН", font=big, fill="white", anchor="mm")
    draw.text((size / 2, size / 2 + 46), label.upper()[:14], font=small, fill="white", anchor="mm")
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
