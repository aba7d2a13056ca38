"""A verified external completion is exported as what it is: mode "Bên ngoài"
(External) and its provider as the source in CSV (both ways of writing it) and XLSX,
and the provider as the xAPI statement's platform; LMS completions keep "Trực tuyến"."""
from __future__ import annotations

import datetime as dt
import io
import json
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from lms.accounts.models import Learner
from lms.credits.external import operations
from lms.credits.external.evidence import check_evidence
from lms.datasets import ExportFilters, ExportScope
from tests.conftest import TINY_PNG
from tests.exports.conftest import read_csv

EVERYTHING = ExportScope(everything=True)


@pytest.fixture
def verified(app, app_context, db, create_learner, create_course, museum):
    from courses import operations as course_operations
    from courses.models import Course
    from lms.accounts.models import Role

    hoa = create_learner("Lò Thị Hoa", unit=museum, staff_code="VC-01")
    hr = create_learner("Cầm Văn Tổ", unit=museum, roles=[Role.HR], hr_unit=museum)
    with app_context(), app.test_request_context("/"):
        submission = operations.submit(
            db.get(Learner, hoa.id), db.get(Learner, hoa.id), source_code="NGOAI-BDHVS",
            provider_name="Nền tảng Bình dân học vụ số", course_title="Kỹ năng số cơ bản",
            periods=4, completed_on=dt.date.today() - dt.timedelta(days=3),
            evidence=check_evidence(TINY_PNG), evidence_name="anh.png")
        assert operations.verify(submission.id, hr) is True
        db.commit()
    course = create_course(code="ATTT01", lessons=1)
    with app_context():  # one made in the LMS
        course = db.get(Course, course.id)
        enrollment = course_operations.enrol(db.get(Learner, hoa.id), course)
        for lesson in course.lessons:
            course_operations.mark_lesson_done(enrollment, lesson, db.get(Learner, hoa.id))
        db.commit()
    return hoa


def produce(app, app_context, file_format, locale="vi", *, database_lines=False):
    from lms.exports.formats import Counter

    state = app.extensions["lms"]
    dataset = state.export_datasets.get("completions")
    export_format = state.export_formats.get(file_format)
    zone = ZoneInfo(app.config["LMS_TIMEZONE"])
    with app_context() as session:
        lines = None
        if database_lines:
            made = export_format.lines(dataset, session, ExportFilters(), EVERYTHING, locale,
                                       zone=zone)
            assert made is not None
            lines = lambda: made  # noqa: E731
        rows = dataset.rows(session, ExportFilters(), EVERYTHING, locale)
        return b"".join(export_format.produce(dataset, rows, locale, Counter(), zone=zone,
                                              lines=lines))


def by_course(table: list[list[str]]) -> dict[str, dict[str, str]]:
    header = table[0]
    return {row[header.index("Mã khóa học" if "Mã khóa học" in header else "Course code")]:
            dict(zip(header, row, strict=True)) for row in table[1:]}


@pytest.mark.parametrize("database_lines", [False, True])
def test_the_csv_names_the_mode_and_the_provider(app, app_context, verified, database_lines):
    rows = by_course(read_csv(produce(app, app_context, "csv", database_lines=database_lines)))
    assert set(rows) == {"NGOAI-BDHVS", "ATTT01"}
    outside, inside = rows["NGOAI-BDHVS"], rows["ATTT01"]
    assert (outside["Hình thức"], outside["Nguồn"]) == ("Bên ngoài", "Nền tảng Bình dân học vụ số")
    assert (inside["Hình thức"], inside["Nguồn"]) == ("Trực tuyến", "Hệ thống học tập trực tuyến")
    assert outside["Số tiết"] == "4"
    english = by_course(read_csv(produce(app, app_context, "csv", "en",
                                         database_lines=database_lines)))
    assert english["NGOAI-BDHVS"]["Mode"] == "External"
    assert english["ATTT01"]["Mode"] == "Online"


def test_the_xlsx_and_xapi_say_the_same(app, app_context, verified):
    sheet = load_workbook(io.BytesIO(produce(app, app_context, "xlsx"))).worksheets[0]
    table = [[cell.value for cell in row] for row in sheet.iter_rows()]
    rows = by_course([[("" if value is None else value) for value in row] for row in table])
    assert (rows["NGOAI-BDHVS"]["Hình thức"], rows["NGOAI-BDHVS"]["Nguồn"]) == (
        "Bên ngoài", "Nền tảng Bình dân học vụ số")
    app.config["LMS_EXPORT_XAPI_HOME_PAGE"] = "https://lms.example.vn"
    statements = json.loads(produce(app, app_context, "xapi"))
    platforms = {statement["object"]["id"].rsplit("/", 1)[1]: statement["context"]["platform"]
                 for statement in statements}
    assert platforms == {"NGOAI-BDHVS": "Nền tảng Bình dân học vụ số", "ATTT01": "LMS"}
