"""The Open Badges 3.0 credential of a certificate (a W3C Verifiable Credential, data
model 2.0), secured as a VC-JWT: the credential is the JWT payload, signed with the
issuer's Ed25519 key (``typ: vc+jwt``, ``kid`` = the key's entry in the published JWK
set). The credential status points to a revocation list under the LMS prefix."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from flask import current_app

from certificates import signing
from certificates.codes import grouped
from certificates.rendering import issuer_name, public_url, verification_url
from lms.dates import start_of_day

CONTEXTS = ["https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"]


def key_path() -> Path:
    configured = current_app.config["LMS_CERTIFICATE_KEY_FILE"]
    return Path(configured) if configured else Path(current_app.instance_path) / signing.KEY_FILENAME


def jwks_url() -> str:
    return public_url("/certificates/jwks.json")


def issuer_id() -> str:
    return public_url("/certificates/issuer")


def status_url(certificate) -> str:
    return public_url(f"/certificates/status/{grouped(certificate.verification_code)}")


def published_jwks() -> dict:
    """The JWK set served under the prefix (raises SigningKeyMissing before `keys generate`)."""
    jwk = signing.public_jwk(signing.load_private_key(key_path()))
    return {"keys": [{**jwk, "kid": _kid(jwk), "use": "sig", "alg": "EdDSA"}]}


def _kid(jwk: dict) -> str:
    return f"{jwks_url()}#{signing.thumbprint(jwk)}"


def issuer_profile() -> dict:
    return {"id": issuer_id(), "type": ["Profile"], "name": issuer_name("vi"),
            "url": current_app.config["LMS_CERTIFICATE_PUBLIC_BASE_URL"]}


def credential_of(certificate) -> dict:
    """The OB 3.0 ``OpenBadgeCredential`` of ``certificate`` (from its snapshot)."""
    completion = certificate.completion
    course = completion.course
    competences = course.competences or {}
    tags = [f"DigComp {code}" for code in competences.get("digcomp", [])] + \
        [f"TT 02/2025 {code}" for code in competences.get("tt02", [])]
    achievement = {
        "id": public_url(f"/courses/{completion.course_code}#v{completion.course_version}"),
        "type": ["Achievement"], "achievementType": "Course",
        "humanCode": completion.course_code,
        "name": completion.title_vi,
        "description": f"{completion.title_en} ({completion.periods} tiết / periods)",
        "criteria": {"narrative": (
            f"Hoàn thành mọi bài học và đạt bài kiểm tra cuối khóa (từ {course.pass_mark}% trở lên). "
            f"All lessons completed and the final quiz passed (pass mark {course.pass_mark}%).")},
        "tag": tags,
    }
    subject = {"type": ["AchievementSubject"], "name": certificate.full_name,
               "achievement": achievement}
    if completion.score_percent is not None:
        subject["result"] = [{"type": ["Result"], "value": f"{completion.score_percent:g}"}]
    credential = {
        "@context": CONTEXTS,
        "id": verification_url(certificate.verification_code),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": f"Giấy chứng nhận {certificate.serial}",
        "issuer": issuer_profile(),
        "validFrom": _iso(certificate.issued_dt),
        "credentialSubject": subject,
        "credentialStatus": {"id": status_url(certificate), "type": "1EdTechRevocationList"},
    }
    if completion.expires_on is not None:  # a recurring course: due again on that day
        credential["validUntil"] = _iso(start_of_day(completion.expires_on))
    return credential


def _iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def signed_credential(certificate) -> str:
    """The compact VC-JWT of ``certificate`` (deterministic: same key, same bytes)."""
    private_key = signing.load_private_key(key_path())
    header = {"typ": "vc+jwt", "cty": "vc", "kid": _kid(signing.public_jwk(private_key))}
    return signing.sign(credential_of(certificate), private_key, header)


def revocation_list(certificate) -> dict:
    """The status document named by ``credentialStatus.id`` (1EdTech revocation list):
    lists this credential when it is revoked, with the reason."""
    revoked = []
    if certificate.is_revoked:
        revoked.append({"id": verification_url(certificate.verification_code),
                        "revocationReason": certificate.revoked_reason,
                        "revocationDate": _iso(certificate.revoked_dt)})
    return {"id": status_url(certificate), "issuer": issuer_id(), "revokedCredentials": revoked}
