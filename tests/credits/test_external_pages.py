"""External completions through the pages: the learner submits with one evidence file
(its type told by its content, its size bounded), HR of the learner's unit verifies or
rejects it, the verified one becomes a completion credited under its own rule, and
every step is audited. HR of another unit never sees it; nobody decides their own."""
from __future__ import annotations

import datetime as dt
import io

import pytest
import sqlalchemy as sa

from courses.models import Course, CourseCompletion, Topic
from lms.accounts.models import Role
from lms.audit.models import AuditEvent
from lms.credits.external.models import ExternalCompletion, ExternalStatus
from lms.credits.models import CreditRule
from tests.conftest import PASSWORD, TINY_PNG
from tests.credits.conftest import ledger
from tests.credits.evidence_files import HTML, PDF, jpeg_bytes


@pytest.fixture(autouse=True)
def members_since_long_ago(hoa, db):
    """Hoa belonged to the museum since 2000: a course completed last year (before her
    profile was made in this test) has the museum as its unit."""
    from lms.accounts.models import OrgUnitMembership

    db.execute(sa.update(OrgUnitMembership).where(OrgUnitMembership.learner_id == hoa.id)
               .values(valid_from=dt.date(2000, 1, 1)))
    db.commit()


@pytest.fixture
def hr_museum(create_learner, museum):
    return create_learner("Cầm Văn Tổ", username="hr-bt", unit=museum, roles=[Role.HR],
                          hr_unit=museum, staff_code="HR-BT")


@pytest.fixture
def library(create_unit):
    return create_unit("TV", name_vi="Thư viện tỉnh", name_en="Provincial Library")


@pytest.fixture
def hr_library(create_learner, library):
    return create_learner("Lường Thị Thư", username="hr-tv", unit=library, roles=[Role.HR],
                          hr_unit=library)


def client_of(app, username):
    client = app.test_client()
    assert client.post("/auth/login", data={"username": username, "password": PASSWORD}).status_code == 302
    return client


def form(evidence=TINY_PNG, name="giay-chung-nhan.png", content_type="image/png", **fields):
    data = {"source": "NGOAI-BDHVS", "provider_other": "", "course_title": "Kỹ năng số cơ bản",
            "periods": "8", "completed_on": "15/03/" + str(dt.date.today().year - 1)}
    data.update(fields)
    if evidence is not None:
        data["evidence"] = (io.BytesIO(evidence), name, content_type)
    return data


def submit(client, **fields):
    return client.post("/credits/external/new", data=form(**fields),
                       content_type="multipart/form-data")


def only_submission(db) -> ExternalCompletion:
    db.expire_all()
    return db.scalars(sa.select(ExternalCompletion)).one()


def events(db, action):
    db.expire_all()
    return db.scalars(sa.select(AuditEvent).where(AuditEvent.action == action)
                      .order_by(AuditEvent.id)).all()


# --- the form -------------------------------------------------------------------------------

def test_the_form_is_in_vietnamese_without_javascript(signed_in):
    page = signed_in.get("/credits/external/new").get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in page
    # The file input has a label in the page's language, not the browser's "Choose File".
    assert "Chọn tệp…" in page and 'type="file"' in page
    assert "Minh chứng: giấy chứng nhận hoặc xác nhận (PDF, PNG hoặc JPEG)" in page
    assert "Nền tảng Bình dân học vụ số" in page and "Đơn vị hoặc khóa học khác" in page
    assert 'placeholder="dd/mm/yyyy"' in page
    assert "Mã cán bộ của người học" not in page  # a learner records only their own


def test_a_real_png_is_accepted_and_kept_with_the_type_of_its_content(signed_in, hoa, db):
    response = submit(signed_in, content_type="application/octet-stream", name="anh")
    assert response.status_code == 302
    submission = only_submission(db)
    assert (submission.status, submission.evidence_type, submission.periods) == (
        ExternalStatus.PENDING, "image/png", 8)
    assert (submission.learner_id, submission.submitted_by_id) == (hoa.id, hoa.id)
    assert submission.provider_name.startswith("Nền tảng Bình dân học vụ số")
    assert submission.completed_on == dt.date(dt.date.today().year - 1, 3, 15)
    [event] = events(db, "credits.external_submitted")
    assert event.actor_id == hoa.id and event.object_id == str(submission.id)
    page = signed_in.get("/credits/external").get_data(as_text=True)
    assert "Kỹ năng số cơ bản" in page and "Chờ xác minh" in page


def test_a_pdf_that_is_really_html_is_refused(signed_in, db):
    response = submit(signed_in, evidence=HTML, name="giay-chung-nhan.pdf",
                      content_type="application/pdf")
    assert response.status_code == 400
    assert "Minh chứng phải là tệp PDF, PNG hoặc JPEG" in response.get_data(as_text=True)
    assert db.scalar(sa.select(sa.func.count()).select_from(ExternalCompletion)) == 0


def test_a_real_jpeg_and_a_real_pdf_pass(signed_in, db):
    assert submit(signed_in, evidence=jpeg_bytes(), name="x.jpg", content_type="image/jpeg",
                  source="other", provider_other="Trung tâm A").status_code == 302
    assert submit(signed_in, evidence=PDF, name="x.pdf", content_type="application/pdf",
                  source="other", provider_other="Trung tâm B").status_code == 302
    db.expire_all()
    assert sorted(db.scalars(sa.select(ExternalCompletion.evidence_type))) == [
        "application/pdf", "image/jpeg"]


@pytest.mark.parametrize("app_config", [{"LMS_EXTERNAL_EVIDENCE_MAX_BYTES": 2048}])
def test_an_oversized_file_is_refused_with_the_limit_in_words(signed_in, db):
    response = submit(signed_in, evidence=PDF + b" " * 3000, name="lon.pdf",
                      content_type="application/pdf")
    assert response.status_code == 400
    assert "Tệp minh chứng lớn hơn 2 kB" in response.get_data(as_text=True)
    assert db.scalar(sa.select(sa.func.count()).select_from(ExternalCompletion)) == 0


def test_the_default_limit_is_a_few_megabytes_and_said_in_words(app, signed_in):
    from lms.credits.external.forms import size_text

    # (Not uploaded here: Werkzeug's test client leaves the temporary file of a body that
    # large open, which the warnings-as-errors setting turns into a failure.)
    from lms.config import evidence_max_bytes

    assert evidence_max_bytes(app.config) == 4 * 1024 * 1024
    # A site that lowers the upload limit lowers the evidence limit with it.
    assert evidence_max_bytes({**app.config, "LMS_MAX_UPLOAD_BYTES": 10_000}) == 10_000
    assert size_text(4 * 1024 * 1024) == "4 MB" and size_text(1536 * 1024) == "1,5 MB"
    assert "Một tệp, tối đa 4 MB." in signed_in.get("/credits/external/new").get_data(as_text=True)


def test_the_limit_cannot_exceed_the_upload_limit(tmp_path, engine):
    from flask import Flask

    from lms.config import ConfigurationError
    from lms.extension import LMS
    from tests.conftest import make_test_config

    flask_app = Flask("big", instance_path=str(tmp_path / "instance"))
    flask_app.config.update(make_test_config(LMS_EXTERNAL_EVIDENCE_MAX_BYTES=6 * 1024 * 1024))
    with pytest.raises(ConfigurationError, match="LMS_EXTERNAL_EVIDENCE_MAX_BYTES"):
        LMS(flask_app, engine=engine)


@pytest.mark.parametrize("fields, message", [
    ({"periods": "0"}, "Nhập số tiết là số nguyên từ 1 đến 40."),
    ({"periods": "41"}, "Nhập số tiết là số nguyên từ 1 đến 40."),  # the listed course's bound
    ({"periods": "ba"}, "Giá trị không phải là số nguyên hợp lệ"),
    ({"source": "other", "periods": "121"}, "Nhập số tiết là số nguyên từ 1 đến 120."),
    ({"source": "other"}, "Hãy ghi tên đơn vị tổ chức khóa học không có trong danh sách."),
    ({"completed_on": "31/02/2025"}, "Tháng 2 năm 2025 không có ngày 31."),
    ({"completed_on": "01/01/2999"}, "Ngày hoàn thành không được sau ngày hôm nay."),
    ({"course_title": ""}, "Vui lòng điền mục này."),
    ({"completed_on": ""}, "Vui lòng điền mục này."),
    ({"evidence": None}, "Hãy chọn tệp minh chứng."),
    ({"source": "NO-SUCH"}, "Lựa chọn không hợp lệ."),
])
def test_each_wrong_field_says_what_is_wrong(signed_in, db, fields, message):
    response = submit(signed_in, **fields)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert message in page
    assert db.scalar(sa.select(sa.func.count()).select_from(ExternalCompletion)) == 0


def test_the_date_is_typed_the_vietnamese_way(signed_in, db):
    year = dt.date.today().year - 1
    assert submit(signed_in, completed_on=f"5.9.{year}").status_code == 302
    assert only_submission(db).completed_on == dt.date(year, 9, 5)


def test_a_listed_course_is_submitted_once(signed_in, db):
    assert submit(signed_in).status_code == 302
    second = submit(signed_in)
    assert second.status_code == 400
    assert "Khóa học này đã được gửi cho Lò Thị Hoa (Chờ xác minh)." in second.get_data(as_text=True)


def test_hr_submits_for_a_learner_of_their_unit_only(app, hoa, hr_museum, hr_library, db):
    from lms.accounts.models import Learner

    hoa_code = db.get(Learner, hoa.id).staff_code
    museum_hr = client_of(app, "hr-bt")
    assert "Mã cán bộ của người học" in museum_hr.get("/credits/external/new").get_data(as_text=True)
    assert submit(museum_hr, staff_code=hoa_code).status_code == 302
    submission = only_submission(db)
    assert (submission.learner_id, submission.submitted_by_id) == (hoa.id, hr_museum.id)
    refused = submit(client_of(app, "hr-tv"), staff_code=hoa_code, source="NGOAI-TCT")
    assert refused.status_code == 400
    assert "Không có người học đang hoạt động mang mã cán bộ này" in refused.get_data(as_text=True)


# --- deciding --------------------------------------------------------------------------------

@pytest.fixture
def pending(signed_in, hoa, db):
    assert submit(signed_in, periods="8").status_code == 302
    return only_submission(db)


def test_hr_sees_the_queue_of_their_unit_and_another_unit_gets_404(app, pending, hr_museum,
                                                                    hr_library):
    museum_hr, library_hr = client_of(app, "hr-bt"), client_of(app, "hr-tv")
    queue = museum_hr.get("/credits/external/review").get_data(as_text=True)
    assert "Lò Thị Hoa" in queue and "Kỹ năng số cơ bản" in queue
    assert "Lò Thị Hoa" not in library_hr.get("/credits/external/review").get_data(as_text=True)
    for url in (f"/credits/external/{pending.id}", f"/credits/external/{pending.id}/evidence"):
        assert library_hr.get(url).status_code == 404
    for action in ("verify", "reject"):
        response = library_hr.post(f"/credits/external/{pending.id}/{action}", data={"reason": "x"})
        assert response.status_code == 404


def test_the_evidence_is_served_safely_and_its_viewing_is_audited(app, signed_in, pending,
                                                                  hr_museum, db):
    own = signed_in.get(f"/credits/external/{pending.id}/evidence")
    assert own.status_code == 200 and own.data == TINY_PNG
    assert events(db, "credits.external_evidence_viewed") == []  # one's own file
    response = client_of(app, "hr-bt").get(f"/credits/external/{pending.id}/evidence")
    assert response.status_code == 200 and response.data == TINY_PNG
    assert response.headers["Content-Type"] == "image/png"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Disposition"].startswith(f'inline; filename="minh-chung-{pending.id}.png"')
    assert "no-store" in response.headers["Cache-Control"]
    assert "default-src 'none'" in response.headers["Content-Security-Policy"]
    [event] = events(db, "credits.external_evidence_viewed")
    assert (event.actor_id, event.object_id) == (hr_museum.id, str(pending.id))


def test_verified_becomes_a_completion_with_the_snapshot_and_credits_under_its_rule(
        app, seeded, pending, hoa, museum, hr_museum, db):
    museum_hr = client_of(app, "hr-bt")
    page = museum_hr.get(f"/credits/external/{pending.id}").get_data(as_text=True)
    assert "Xác minh" in page and "Lý do từ chối" in page
    response = museum_hr.post(f"/credits/external/{pending.id}/verify")
    assert response.status_code == 302
    submission = only_submission(db)
    assert submission.status == ExternalStatus.VERIFIED and submission.decided_by_id == hr_museum.id
    completion = db.get(CourseCompletion, submission.completion_id)
    course = db.get(Course, completion.course_id)
    assert (course.code, course.topic, course.is_published) == ("NGOAI-BDHVS", Topic.EXTERNAL, False)
    assert (completion.course_code, completion.periods, completion.title_vi) == (
        "NGOAI-BDHVS", 8, "Kỹ năng số cơ bản")
    assert (completion.org_unit_id, completion.org_unit_code) == (museum.id, "BT")
    with app.app_context():
        from lms.dates import local_date

        assert local_date(completion.completed_dt) == submission.completed_on
    # Last year has no emulation period in the seeded defaults: nothing to credit (the next
    # test verifies one of this year).
    assert ledger(db, hoa.id) == []
    [event] = events(db, "credits.external_verified")
    assert event.actor_id == hr_museum.id and event.details["completion_id"] == completion.id
    # No certificate of ours for a course taken elsewhere; it is not in the catalog.
    from certificates.models import Certificate

    assert db.scalar(sa.select(Certificate).where(Certificate.completion_id == completion.id)) is None
    assert "Kỹ năng số cơ bản" not in museum_hr.get("/courses").get_data(as_text=True)


def test_a_verified_completion_of_this_period_is_in_the_ledger_with_the_external_rule(
        app, seeded, signed_in, hoa, museum, hr_museum, db):
    day = seeded.starts_on + dt.timedelta(days=20)
    day = min(day, dt.date.today())
    assert submit(signed_in, periods="6", completed_on=day.strftime("%d/%m/%Y")).status_code == 302
    submission = only_submission(db)
    assert client_of(app, "hr-bt").post(f"/credits/external/{submission.id}/verify").status_code == 302
    [entry] = ledger(db, hoa.id)
    rule = db.get(CreditRule, entry.rule_id)
    assert (rule.code, entry.course_code, entry.awarded_value, entry.earned_on) == (
        "NGOAI-BDHVS", "NGOAI-BDHVS", 6, day)
    assert entry.org_unit_id == museum.id and entry.criterion.code == "ND5"
    assert "NGOAI-BDHVS" in signed_in.get("/credits").get_data(as_text=True)


def test_an_other_course_gets_its_own_course_and_the_topic_rule(app, seeded, signed_in, hoa,
                                                                  hr_museum, db):
    day = min(seeded.starts_on + dt.timedelta(days=3), dt.date.today())
    for provider in ("Trung tâm Tin học A", "Trung tâm Tin học B"):
        assert submit(signed_in, source="other", provider_other=provider, periods="2",
                      course_title=f"Tin học — {provider}",
                      completed_on=day.strftime("%d/%m/%Y")).status_code == 302
    museum_hr = client_of(app, "hr-bt")
    ids = db.scalars(sa.select(ExternalCompletion.id).order_by(ExternalCompletion.id)).all()
    for submission_id in ids:
        assert museum_hr.post(f"/credits/external/{submission_id}/verify").status_code == 302
    entries = ledger(db, hoa.id)
    assert [entry.course_code for entry in entries] == [f"NGOAI-{ids[0]:06d}", f"NGOAI-{ids[1]:06d}"]
    assert {db.get(CreditRule, entry.rule_id).code for entry in entries} == {"NGOAI-KHAC"}
    assert [entry.awarded_value for entry in entries] == [2, 2]  # two courses: both count


def test_a_double_click_verifies_once(app, pending, hr_museum, db):
    museum_hr = client_of(app, "hr-bt")
    assert museum_hr.post(f"/credits/external/{pending.id}/verify").status_code == 302
    again = museum_hr.post(f"/credits/external/{pending.id}/verify", follow_redirects=True)
    assert again.status_code == 200
    assert "Hồ sơ này đã được quyết định trước đó" in again.get_data(as_text=True)
    db.expire_all()
    assert db.scalar(sa.select(sa.func.count()).select_from(CourseCompletion)) == 1
    assert len(events(db, "credits.external_verified")) == 1
    # … and a decided one cannot be rejected afterwards either.
    museum_hr.post(f"/credits/external/{pending.id}/reject", data={"reason": "nhầm"})
    assert only_submission(db).status == ExternalStatus.VERIFIED


def test_reject_needs_a_reason_and_the_learner_reads_it(app, signed_in, pending, hr_museum, db):
    museum_hr = client_of(app, "hr-bt")
    empty = museum_hr.post(f"/credits/external/{pending.id}/reject", data={"reason": "  "})
    assert empty.status_code == 400 and "Vui lòng điền mục này." in empty.get_data(as_text=True)
    assert only_submission(db).status == ExternalStatus.PENDING
    reason = "Minh chứng không ghi họ tên người học."
    assert museum_hr.post(f"/credits/external/{pending.id}/reject",
                          data={"reason": reason}).status_code == 302
    submission = only_submission(db)
    assert (submission.status, submission.reject_reason, submission.completion_id) == (
        ExternalStatus.REJECTED, reason, None)
    mine = signed_in.get("/credits/external").get_data(as_text=True)
    assert "Bị từ chối" in mine and reason in mine
    [event] = events(db, "credits.external_rejected")
    assert event.details["reason"] == reason
    # Final: a later verification changes nothing; the learner submits again instead.
    museum_hr.post(f"/credits/external/{pending.id}/verify")
    assert only_submission(db).status == ExternalStatus.REJECTED
    assert submit(signed_in).status_code == 302


def test_nobody_verifies_their_own_even_as_hr(app, create_learner, museum, db):
    create_learner("Điêu Thị Mai", username="mai", unit=museum, roles=[Role.HR], hr_unit=museum)
    mai = client_of(app, "mai")
    assert submit(mai).status_code == 302
    submission = only_submission(db)
    page = mai.get(f"/credits/external/{submission.id}").get_data(as_text=True)
    assert "Đang chờ bộ phận tổ chức cán bộ" in page and "Lý do từ chối" not in page
    assert mai.post(f"/credits/external/{submission.id}/verify").status_code == 403
    assert mai.post(f"/credits/external/{submission.id}/reject", data={"reason": "x"}).status_code == 403
    assert only_submission(db).status == ExternalStatus.PENDING


def test_what_an_hr_officer_entered_is_verified_by_someone_else(app, hoa, hr_museum,
                                                                 create_learner, museum, db):
    from lms.accounts.models import Learner

    museum_hr = client_of(app, "hr-bt")
    assert submit(museum_hr, staff_code=db.get(Learner, hoa.id).staff_code).status_code == 302
    submission = only_submission(db)
    assert museum_hr.post(f"/credits/external/{submission.id}/verify").status_code == 403
    create_learner("Quàng Văn Hai", username="hr2", unit=museum, roles=[Role.HR], hr_unit=museum)
    assert client_of(app, "hr2").post(f"/credits/external/{submission.id}/verify").status_code == 302
    assert only_submission(db).status == ExternalStatus.VERIFIED


def test_the_audit_log_reads_each_step_as_a_sentence(app, pending, hr_museum, create_learner, db):
    museum_hr = client_of(app, "hr-bt")
    museum_hr.get(f"/credits/external/{pending.id}/evidence")
    museum_hr.post(f"/credits/external/{pending.id}/verify")
    create_learner("Quản Trị", username="admin-x", roles=[Role.ADMIN])
    page = client_of(app, "admin-x").get("/admin/audit").get_data(as_text=True)
    assert "đã gửi kết quả học tập bên ngoài của Lò Thị Hoa" in page
    assert "đã mở tệp minh chứng của Lò Thị Hoa" in page
    assert "đã xác minh kết quả học tập bên ngoài của Lò Thị Hoa" in page


def test_the_unit_is_the_one_of_the_completion_date_not_of_the_verification(
        app, app_context, pending, hoa, museum, library, hr_library, db):
    """Hoa completed the course at the museum last year and works at the library now: HR
    of the library (her unit today) verifies it, the completion stays with the museum."""
    from lms.accounts.models import Learner, MembershipSource
    from lms.accounts.operations import set_learner_unit

    with app_context():
        set_learner_unit(db.get(Learner, hoa.id), library, source=MembershipSource.ADMIN,
                         reason="điều động")
        db.commit()
    assert client_of(app, "hr-tv").post(f"/credits/external/{pending.id}/verify").status_code == 302
    completion = db.get(CourseCompletion, only_submission(db).completion_id)
    assert (completion.org_unit_id, completion.org_unit_name_vi) == (museum.id, "Bảo tàng tỉnh")
