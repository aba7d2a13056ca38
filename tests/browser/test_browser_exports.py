"""An HR officer filters by unit and period, sees the row count, downloads the CSV and
the XLSX; a large XLSX runs as a job whose page shows its progress and then the link;
axe-core finds no serious or critical problem on the export pages."""
from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from tests.browser.browser_helpers import serious_violations

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def hr_unit(live_app):
    """An HR officer of the museum, and 30 completions there in March 2026."""
    from courses.models import Course, CourseCompletion
    from lms.accounts import operations
    from lms.accounts.models import OrgUnit, Role
    from lms.db import get_session
    from tests.conftest import PASSWORD

    with live_app.app_context():
        session = get_session()
        museum = session.scalar(sa.select(OrgUnit).where(OrgUnit.code == "BT"))
        course = session.scalar(sa.select(Course).order_by(Course.id))
        hr = operations.create_learner(full_name="Cán Bộ Tổ Chức", staff_code="TC-BT",
                                       org_unit=museum)
        operations.create_account(hr, "tochuc", PASSWORD)
        operations.grant_role(hr, Role.HR, museum, actor=None)
        for number in range(30):
            person = operations.create_learner(full_name=f"Đặng Thị Hằng {number:02d}",
                                               staff_code=f"BT-{number:03d}", org_unit=museum)
            session.add(CourseCompletion(
                learner_id=person.id, course_code=course.code, cycle=1, course_id=course.id,
                completed_dt=dt.datetime(2026, 3, 10, 3, tzinfo=dt.UTC), score_percent=90.0,
                course_version=course.version, periods=course.periods, title_vi=course.title_vi,
                title_en=course.title_en, org_unit_id=museum.id, org_unit_code=museum.code,
                org_unit_name_vi=museum.name_vi, org_unit_name_en=museum.name_en))
        session.commit()
        return museum.id


def read(path) -> bytes:
    with open(path, "rb") as file:
        return file.read()


def _filter(page, live_server, unit_id):
    page.goto(f"{live_server}/exports/completions")
    page.get_by_label("Đơn vị (kể cả đơn vị trực thuộc)").select_option(str(unit_id))
    page.get_by_label("Hoàn thành từ ngày").fill("2026-03-01")
    page.get_by_label("Hoàn thành đến ngày").fill("2026-03-31")
    page.get_by_role("button", name="Đếm số dòng").click()
    expect(page.get_by_role("status").filter(has_text="Tệp xuất sẽ có")).to_have_text(
        "Tệp xuất sẽ có 30 dòng.")


def test_hr_filters_counts_and_downloads_csv_and_xlsx(page, live_server, live_app, sign_in,
                                                      hr_unit):
    from openpyxl import load_workbook

    sign_in("tochuc")
    _filter(page, live_server, hr_unit)
    assert serious_violations(page) == []
    with page.expect_download() as download:
        page.get_by_role("button", name="Xuất dữ liệu", exact=True).click()
    data = read(download.value.path())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert data.startswith(b"\xef\xbb\xbf") and len(rows) == 31
    assert rows[1][1] == "Đặng Thị Hằng 00" and rows[1][6] == "Bảo tàng tỉnh"
    page.get_by_label("Định dạng tệp").select_option("xlsx")
    with page.expect_download() as download:
        page.get_by_role("button", name="Xuất dữ liệu", exact=True).click()
    sheet = load_workbook(io.BytesIO(read(download.value.path()))).worksheets[0]
    assert sheet.max_row == 31 and sheet["O2"].is_date


def test_a_large_xlsx_runs_as_a_job_with_progress(page, live_server, live_app, sign_in, hr_unit):
    from lms.exports import jobs
    from lms.exports.models import ExportRecord

    live_app.config["LMS_EXPORT_XLSX_STREAM_MAX_ROWS"] = 10
    try:
        sign_in("tochuc")
        _filter(page, live_server, hr_unit)
        page.get_by_label("Định dạng tệp").select_option("xlsx")
        page.get_by_role("button", name="Xuất dữ liệu", exact=True).click()
        page.wait_for_url("**/exports/jobs/*")
        expect(page.get_by_role("status").filter(has_text="Đang chờ xử lý")).to_be_visible()
        expect(page.get_by_role("link", name="Dừng tự làm mới")).to_be_visible()
        assert serious_violations(page) == []
        # The worker's part, as `flask lms worker` runs it (no worker runs beside the
        # live server): the job's outbox message.
        from lms.tasks.models import OutboxMessage
        from lms.tasks.outbox import run_message

        with live_app.app_context():
            database = live_app.extensions["lms"].database
            with database.new_session(for_write=False) as session:
                message_id = session.scalar(sa.select(OutboxMessage.id).where(
                    OutboxMessage.task == jobs.TASK, OutboxMessage.done_dt.is_(None)))
                assert session.scalar(sa.select(ExportRecord.state).order_by(
                    ExportRecord.id.desc()).limit(1)) == "queued"
            run_message(message_id)
        # The page refreshes by itself and then offers the file.
        link = page.get_by_role("link", name="Tải tệp về")
        expect(link).to_be_visible(timeout=10_000)
        expect(page.get_by_role("link", name="Dừng tự làm mới")).to_have_count(0)
        assert serious_violations(page) == []
        with page.expect_download() as download:
            link.click()
        assert read(download.value.path())[:2] == b"PK"
    finally:
        live_app.config["LMS_EXPORT_XLSX_STREAM_MAX_ROWS"] = 5000


def test_the_check_page_is_accessible(page, live_server):
    page.goto(f"{live_server}/exports/check")
    page.get_by_label("Hoặc mã SHA-256 của tệp").fill("0" * 64)
    page.get_by_role("button", name="Kiểm tra").click()
    expect(page.get_by_role("heading", level=2)).to_contain_text("Không có lần xuất nào khớp")
    assert serious_violations(page) == []
