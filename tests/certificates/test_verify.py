"""Public verification: no sign-in, every printed field, valid/revoked/unknown, the JSON
twin, lookup by serial and name, the byte-identity check of an uploaded PDF, the limit."""
from __future__ import annotations

import io

import pytest

from certificates.codes import grouped
from tests.certificates.conftest import COURSE_TITLE, LEARNER_NAME, UNIT_NAME


@pytest.fixture
def certificate(learner, course, complete):
    return complete(learner, course)


def _revoke(app_context, db, certificate, create_learner):
    from certificates.operations import revoke_certificate
    from lms.accounts.models import Role

    admin = create_learner("Quản Trị Viên", username="boss", roles=[Role.ADMIN])
    with app_context():
        revoke_certificate(certificate, reason="Hồ sơ khai sai đơn vị", actor=admin)
        db.commit()


def test_a_valid_certificate_shows_every_printed_field_to_anyone(client, certificate, db):
    response = client.get(f"/verify/{grouped(certificate.verification_code)}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    for expected in ("Còn hiệu lực", LEARNER_NAME, "07/03/1990", UNIT_NAME, COURSE_TITLE,
                     certificate.serial, "SỞ VĂN HÓA, THỂ THAO VÀ DU LỊCH", "GIÁM ĐỐC",
                     certificate.files[0].sha256):
        assert expected in page, expected
    # Nothing beyond the certificate: no staff code, no e-mail, no account name.
    assert certificate.learner.staff_code not in page and "huong" not in page


def test_codes_are_found_however_they_are_typed(client, certificate):
    typed = grouped(certificate.verification_code).lower().replace("-", "")
    assert client.get(f"/verify/{typed}").status_code == 200


def test_an_unknown_code_is_a_404_in_html_and_json(client, certificate):
    assert client.get("/verify/2222-2222-2222-2222-2222").status_code == 404
    response = client.get("/verify/not-a-code/json")
    assert response.status_code == 404 and response.json["status"] == "unknown"


def test_a_revoked_certificate_says_so_with_date_and_reason(client, certificate, db, app_context,
                                                            create_learner):
    _revoke(app_context, db, certificate, create_learner)
    code = grouped(certificate.verification_code)
    page = client.get(f"/verify/{code}").get_data(as_text=True)
    assert "Đã thu hồi" in page and "Hồ sơ khai sai đơn vị" in page and "Còn hiệu lực" not in page
    record = client.get(f"/verify/{code}/json").json
    assert record["status"] == "revoked" and record["revocation_reason"] == "Hồ sơ khai sai đơn vị"
    assert record["revoked_on"]


def test_the_json_twin_holds_the_printed_fields_in_both_languages(client, certificate):
    record = client.get(f"/verify/{grouped(certificate.verification_code)}/json").json
    assert record["status"] == "valid" and record["serial"] == certificate.serial
    assert record["fields"]["vi"]["full_name"] == LEARNER_NAME
    assert record["fields"]["vi"]["course_title"] == COURSE_TITLE
    assert record["fields"]["en"]["unit"] == "Cultural Heritage Division"
    assert record["pdf_files"][0]["sha256"] == certificate.files[0].sha256
    assert "staff_code" not in str(record) and "email" not in str(record)


def test_lookup_by_serial_and_name(client, certificate):
    found = client.get("/verify", query_string={"serial": certificate.serial,
                                                "name": "nguyen thi huong"})
    assert found.status_code == 302
    assert found.headers["Location"].endswith(f"/verify/{grouped(certificate.verification_code)}")
    wrong = client.get("/verify", query_string={"serial": certificate.serial, "name": "Lò Văn Sơn"})
    assert wrong.status_code == 404 and "Không có giấy chứng nhận nào khớp" in wrong.get_data(as_text=True)
    assert client.get("/verify").status_code == 200


def test_an_uploaded_pdf_passes_only_if_byte_identical(client, certificate):
    genuine = certificate.files[0].content
    url = f"/verify/{grouped(certificate.verification_code)}/check"
    ok = client.post(url, data={"file": (io.BytesIO(genuine), "gcn.pdf")},
                     content_type="multipart/form-data")
    assert ok.status_code == 200 and "trùng khớp từng byte" in ok.get_data(as_text=True)
    changed = bytearray(genuine)
    changed[len(changed) // 2] ^= 0x01
    bad = client.post(url, data={"file": (io.BytesIO(bytes(changed)), "gcn.pdf")},
                      content_type="multipart/form-data")
    assert bad.status_code == 200 and "KHÔNG phải tệp PDF đã cấp" in bad.get_data(as_text=True)
    empty = client.post(url, data={}, content_type="multipart/form-data")
    assert empty.status_code == 400


@pytest.mark.parametrize("app_config", [{"LMS_CERTIFICATE_VERIFY_LIMIT": "3 per minute"}])
def test_verification_is_rate_limited_per_address(client, certificate):
    url = f"/verify/{grouped(certificate.verification_code)}"
    assert [client.get(url).status_code for _ in range(3)] == [200, 200, 200]
    throttled = client.get(url)
    assert throttled.status_code == 429 and int(throttled.headers["Retry-After"]) >= 1
    other = client.get(url, environ_base={"REMOTE_ADDR": "10.1.2.3"})
    assert other.status_code == 200  # another address has its own allowance
