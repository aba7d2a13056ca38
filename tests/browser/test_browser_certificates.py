"""The learner downloads the certificate from "Giấy chứng nhận của tôi" and opens the
verification page from its link; axe-core finds no serious or critical problem on either
page at 360 and 1280 px."""
import pytest
from playwright.sync_api import expect

from tests.browser.browser_helpers import serious_violations

pytestmark = pytest.mark.browser

WIDTHS = (360, 1280)


def _learner_with_a_certificate(live_app) -> tuple[str, str]:
    """A learner of the live app with one completion and its certificate, issued as a
    completion issues it (the serial from the year's counter: the live database is shared
    with the other browser tests, which earn certificates too). The row only: the PDF is
    rendered on the first download, as when the worker has not run yet.
    Returns the course title and the serial."""
    import sqlalchemy as sa

    from certificates.operations import issue_certificate
    from courses.models import Course, CourseCompletion
    from lms.accounts import operations
    from lms.accounts.models import OrgUnit
    from lms.db import get_session
    from tests.conftest import PASSWORD

    with live_app.app_context():
        session = get_session()
        unit = session.scalar(sa.select(OrgUnit).where(OrgUnit.code == "BT"))
        person = operations.create_learner(full_name="Nguyễn Thị Hường", staff_code="GCN01",
                                           org_unit=unit)
        operations.create_account(person, "chungnhan", PASSWORD)
        course = session.scalars(sa.select(Course).order_by(Course.id)).first()
        completion = CourseCompletion(
            learner_id=person.id, course_code=course.code, course_id=course.id, cycle=1,
            course_version=course.version, periods=course.periods, title_vi=course.title_vi,
            title_en=course.title_en, score_percent=90.0, org_unit_id=unit.id,
            org_unit_code=unit.code, org_unit_name_vi=unit.name_vi, org_unit_name_en=unit.name_en)
        session.add(completion)
        session.flush()
        certificate = issue_certificate(completion, person)
        session.commit()
        return course.title_vi, certificate.serial


def test_download_from_my_certificates_and_open_the_verification_page(page, live_app, live_server,
                                                                       sign_in):
    title, serial = _learner_with_a_certificate(live_app)
    sign_in("chungnhan")
    page.get_by_role("link", name="Giấy chứng nhận của tôi").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Giấy chứng nhận của tôi")
    expect(page.get_by_role("heading", level=2)).to_have_text(title)
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        assert serious_violations(page) == [], width
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Tải giấy chứng nhận (PDF)").click()
    download = download_info.value
    assert serial.endswith("/GCN-SVHTTDL")  # the pattern configured by default
    file_serial = serial.replace("/", "-")
    assert download.suggested_filename == f"Giấy chứng nhận {file_serial} - Nguyễn Thị Hường.pdf"
    with open(download.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    page.get_by_role("link", name="Trang xác minh").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Xác minh giấy chứng nhận")
    expect(page.get_by_role("status")).to_contain_text("Còn hiệu lực")
    expect(page.locator("dl")).to_contain_text("Nguyễn Thị Hường")
    expect(page.locator("dl")).to_contain_text(serial)
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        assert serious_violations(page) == [], width
        assert page.evaluate("document.documentElement.scrollWidth") <= width
