"""The signed Open Badges 3.0 credential: it verifies with the published key through an
independent JOSE library (joserfc), any changed field breaks it, and a revoked
certificate's status says revoked."""
from __future__ import annotations

import json

import pytest
from joserfc import jws
from joserfc.errors import BadSignatureError
from joserfc.jwk import KeySet

from certificates.codes import grouped
from lms.accounts.models import Role

# The issue asks for ``alg: EdDSA`` (what Open Badges 3.0 verifiers expect today); joserfc
# warns that RFC 9864 (2025) deprecates it in favour of the fully-specified "Ed25519".
pytestmark = pytest.mark.filterwarnings("ignore:EdDSA is deprecated via RFC 9864")


@pytest.fixture
def signing_key(app):
    result = app.test_cli_runner().invoke(args=["lms", "keys", "generate"])
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture
def token(client, login, learner, course, complete, signing_key):
    certificate = complete(learner, course)
    login("huong")
    response = client.get(f"/certificates/{certificate.id}/credential")
    assert response.status_code == 200 and response.mimetype == "application/vc+jwt"
    assert "filename*=UTF-8''" in response.headers["Content-Disposition"]
    return certificate, response.get_data(as_text=True)


def _published_keys(client) -> KeySet:
    response = client.get("/certificates/jwks.json")
    assert response.status_code == 200
    return KeySet.import_key_set(response.json)


def test_the_credential_verifies_with_the_published_key_by_an_independent_library(client, token):
    certificate, compact = token
    keys = _published_keys(client)
    header = json.loads(__import__("base64").urlsafe_b64decode(compact.split(".")[0] + "=="))
    assert header["alg"] == "EdDSA" and header["typ"] == "vc+jwt"
    assert header["kid"] == client.get("/certificates/jwks.json").json["keys"][0]["kid"]
    assert header["kid"].startswith("http://127.0.0.1:5000/certificates/jwks.json#")
    result = jws.deserialize_compact(compact, keys, algorithms=["EdDSA"])
    vc = json.loads(result.payload)
    assert vc["@context"][0] == "https://www.w3.org/ns/credentials/v2"
    assert "https://purl.imsglobal.org/spec/ob/v3p0/context" in vc["@context"][1]
    assert vc["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert vc["issuer"]["type"] == ["Profile"] and vc["issuer"]["name"]
    achievement = vc["credentialSubject"]["achievement"]
    assert achievement["name"] == certificate.completion.title_vi
    assert "DigComp 4.1" in achievement["tag"] and achievement["criteria"]["narrative"]
    assert vc["credentialSubject"]["name"] == "Nguyễn Thị Hường"
    assert vc["validFrom"].endswith("Z") and "validUntil" not in vc  # not a recurring course
    assert vc["credentialStatus"]["id"].endswith(f"/certificates/status/{grouped(certificate.verification_code)}")


def test_any_changed_field_fails_verification(client, token):
    _certificate, compact = token
    keys = _published_keys(client)
    protected, body, signature = compact.split(".")
    vc = json.loads(__import__("base64").urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    vc["credentialSubject"]["name"] = "Nguyễn Thị Hương"  # one diacritic changed
    forged_body = __import__("base64").urlsafe_b64encode(
        json.dumps(vc, ensure_ascii=False, separators=(",", ":")).encode()).rstrip(b"=").decode()
    with pytest.raises(BadSignatureError):
        jws.deserialize_compact(f"{protected}.{forged_body}.{signature}", keys, algorithms=["EdDSA"])


def test_the_cli_verifies_offline_and_reports_tampering(app, token, tmp_path):
    _certificate, compact = token
    runner = app.test_cli_runner()
    good = tmp_path / "good.jwt"
    good.write_text(compact)
    result = runner.invoke(args=["lms", "certificates", "verify", str(good)])
    assert result.exit_code == 0 and "Signature valid" in result.output
    protected, body, signature = compact.split(".")
    bad = tmp_path / "bad.jwt"
    bad.write_text(f"{protected}.{body[:-2]}{'A' if body[-2] != 'A' else 'B'}{body[-1]}.{signature}")
    result = runner.invoke(args=["lms", "certificates", "verify", str(bad)])
    assert result.exit_code != 0 and "NOT VALID" in result.output


def test_a_revoked_certificate_reports_revoked_through_its_status(app, client, app_context, db,
                                                                  create_learner, token, tmp_path):
    from certificates.operations import revoke_certificate

    certificate, compact = token
    vc = json.loads(jws.deserialize_compact(compact, _published_keys(client),
                                            algorithms=["EdDSA"]).payload)
    status_path = vc["credentialStatus"]["id"].replace("http://127.0.0.1:5000", "")
    assert client.get(status_path).json["revokedCredentials"] == []
    admin = create_learner("Quản Trị", username="boss", roles=[Role.ADMIN])
    with app_context():
        revoke_certificate(certificate, reason="Gian lận bài kiểm tra", actor=admin)
        db.commit()
    status = client.get(status_path).json
    assert status["revokedCredentials"][0]["id"] == vc["id"]
    assert status["revokedCredentials"][0]["revocationReason"] == "Gian lận bài kiểm tra"
    path = tmp_path / "c.jwt"
    path.write_text(compact)
    result = app.test_cli_runner().invoke(args=["lms", "certificates", "verify", str(path)])
    assert result.exit_code != 0 and "REVOKED" in result.output


def test_without_a_key_the_credential_waits_and_the_key_set_is_empty(client, login, learner,
                                                                    course, complete):
    certificate = complete(learner, course)
    login("huong")
    response = client.get(f"/certificates/{certificate.id}/credential")
    assert response.status_code == 302
    assert client.get("/certificates/jwks.json").json == {"keys": []}


def test_keys_generate_refuses_to_overwrite(app, signing_key):
    result = app.test_cli_runner().invoke(args=["lms", "keys", "generate"])
    assert result.exit_code != 0 and "--force" in result.output
