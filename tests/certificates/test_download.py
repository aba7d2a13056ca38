"""Downloads: the stored file with its headers, rendered once on first download if the
task has not run, and only for its learner, admins and HR of the learner's subtree."""
from __future__ import annotations

import hashlib
from urllib.parse import quote

import sqlalchemy as sa

from certificates.models import CertificateFile
from lms.accounts.models import Role


def _url(certificate, **query):
    suffix = "?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else ""
    return f"/certificates/{certificate.id}/pdf{suffix}"


def test_the_learner_downloads_the_stored_file_with_etag_and_a_vietnamese_name(
        client, login, db, learner, course, complete):
    certificate = complete(learner, course)
    stored = db.scalar(sa.select(CertificateFile).where(CertificateFile.certificate_id == certificate.id))
    login("huong")
    response = client.get(_url(certificate))
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.data == stored.content
    assert hashlib.sha256(response.data).hexdigest() == stored.sha256
    assert response.headers["ETag"] == f'"{stored.sha256}"'
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    expected = f"Giấy chứng nhận {certificate.serial.replace('/', '-')} - Nguyễn Thị Hường.pdf"
    assert f"filename*=UTF-8''{quote(expected)}" in disposition
    assert "private" in response.headers["Cache-Control"]
    again = client.get(_url(certificate), headers={"If-None-Match": f'"{stored.sha256}"'})
    assert again.status_code == 304


def test_first_download_renders_once_when_the_task_has_not_run(client, login, db, learner, course,
                                                               complete):
    certificate = complete(learner, course)
    db.execute(sa.delete(CertificateFile).where(CertificateFile.certificate_id == certificate.id))
    db.commit()
    login("huong")
    first = client.get(_url(certificate))
    second = client.get(_url(certificate))
    assert first.status_code == second.status_code == 200
    assert first.data == second.data and first.data.startswith(b"%PDF")
    assert db.scalar(sa.select(sa.func.count()).select_from(CertificateFile)
                     .where(CertificateFile.certificate_id == certificate.id)) == 1


def test_the_english_version_is_stored_beside_the_vietnamese_one(client, login, db, learner,
                                                                 course, complete):
    certificate = complete(learner, course)
    login("huong")
    response = client.get(_url(certificate, lang="en"))
    assert response.status_code == 200
    assert "Certificate%20" in response.headers["Content-Disposition"]
    locales = db.scalars(sa.select(CertificateFile.locale)
                         .where(CertificateFile.certificate_id == certificate.id)).all()
    assert sorted(locales) == ["en", "vi"]


def test_files_can_live_in_a_shared_directory(app, client, login, db, learner, course, complete,
                                              tmp_path):
    folder = tmp_path / "shared"
    app.config["LMS_CERTIFICATE_DIRECTORY"] = str(folder)
    certificate = complete(learner, course)
    stored = db.scalar(sa.select(CertificateFile).where(CertificateFile.certificate_id == certificate.id))
    assert stored.content is None and (folder / stored.storage_name).is_file()
    login("huong")
    with client.get(_url(certificate)) as response:  # streamed from the file: close it
        assert hashlib.sha256(response.data).hexdigest() == stored.sha256


def test_another_learner_gets_404_and_hr_only_within_their_subtree(
        client, login, create_learner, create_unit, unit, learner, course, complete):
    certificate = complete(learner, course)
    other_unit = create_unit("KHAC")
    create_learner("Người Khác", username="other", unit=unit)
    create_learner("Cán Bộ Tổ Chức", username="hr-here", unit=unit, roles=[Role.HR], hr_unit=unit)
    create_learner("Tổ Chức Nơi Khác", username="hr-there", unit=other_unit, roles=[Role.HR],
                   hr_unit=other_unit)
    create_learner("Quản Trị", username="boss", roles=[Role.ADMIN])
    for username, status in (("other", 404), ("hr-there", 404), ("hr-here", 200), ("boss", 200)):
        client.post("/auth/logout")
        login(username)
        assert client.get(_url(certificate)).status_code == status, username
    assert client.get("/certificates/999999/pdf").status_code == 404


def test_my_certificates_lists_downloads_and_the_verification_link(client, login, learner, course,
                                                                   complete):
    from certificates.codes import grouped

    certificate = complete(learner, course)
    login("huong")
    page = client.get("/my-certificates").get_data(as_text=True)
    assert "Giấy chứng nhận của tôi" in page
    assert _url(certificate) in page and f"/verify/{grouped(certificate.verification_code)}" in page
    assert certificate.serial in page


def test_the_course_page_links_a_completion_to_its_certificate(client, login, learner, course,
                                                               complete):
    certificate = complete(learner, course)
    login("huong")
    page = client.get(f"/courses/{course.code}").get_data(as_text=True)
    assert certificate.serial in page and 'href="/my-certificates"' in page


def test_a_conditional_request_never_reads_the_pdf_bytes(app, client, login, db, learner, course,
                                                         complete):
    certificate = complete(learner, course)
    stored = db.scalar(sa.select(CertificateFile).where(CertificateFile.certificate_id == certificate.id))
    login("huong")
    statements = []
    engine = app.extensions["lms"].database.engine

    def seen(conn, cursor, statement, *args):
        statements.append(statement)

    sa.event.listen(engine, "before_cursor_execute", seen)
    try:
        same = client.get(_url(certificate), headers={"If-None-Match": f'"{stored.sha256}"'})
        file_reads = [s for s in statements if "lms_certificate_files" in s]
        statements.clear()
        changed = client.get(_url(certificate), headers={"If-None-Match": '"something-else"'})
    finally:
        sa.event.remove(engine, "before_cursor_execute", seen)
    assert same.status_code == 304 and same.data == b""
    assert same.headers["ETag"] == f'"{stored.sha256}"'
    assert same.headers["Cache-Control"] == "private, no-cache"
    assert len(file_reads) == 1 and "content" not in file_reads[0].split("FROM")[0]
    assert changed.status_code == 200 and changed.data == stored.content


def test_a_range_request_gets_the_part_asked_for(client, login, db, learner, course, complete):
    certificate = complete(learner, course)
    stored = db.scalar(sa.select(CertificateFile).where(CertificateFile.certificate_id == certificate.id))
    login("huong")
    response = client.get(_url(certificate), headers={"Range": "bytes=0-99"})
    assert response.status_code == 206 and response.data == stored.content[:100]
    assert response.headers["Content-Range"] == f"bytes 0-99/{stored.size}"
