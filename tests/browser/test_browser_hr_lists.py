"""Issue 13, points 9 and 12 in a browser: the HR officer's home figures lead to the list,
the one-click "who has not completed the mandatory course" filters it, the counts per
unit and the filters fit a phone; the learner's home shows the mandatory course first
with its due date. axe-core finds no serious or critical problem at 360 px and 1280 px."""
import os
import re

import pytest
from playwright.sync_api import expect

from tests.browser.browser_helpers import serious_violations

pytestmark = pytest.mark.browser
WIDTHS = ({"width": 360, "height": 740}, {"width": 1280, "height": 900})
SHOTS = os.environ.get("LMS_SCREENSHOTS")  # a folder: save what the test saw, to look at


def look(page, name):
    for size in WIDTHS:
        page.set_viewport_size(size)
        assert serious_violations(page) == [], (name, size)
        # Nothing wider than the screen: the tables scroll inside their own box.
        assert page.evaluate("document.documentElement.scrollWidth") <= size["width"], (name, size)
        if SHOTS:
            page.screenshot(path=os.path.join(SHOTS, f"{name}-{size['width']}.png"), full_page=True)


def _person_with_records(live_app) -> int:
    """A museum employee who completed CYBER01 and is half-way through another course."""
    import sqlalchemy as sa

    from courses.models import Course, CourseCompletion, Enrollment
    from lms.accounts import operations
    from lms.accounts.models import OrgUnit
    from lms.db import get_session

    with live_app.app_context():
        session = get_session()
        museum = session.scalar(sa.select(OrgUnit).where(OrgUnit.code == "BT"))
        person = operations.create_learner(full_name="Nguyễn Văn An", staff_code="NV90", org_unit=museum)
        cyber, other = (session.scalar(sa.select(Course).where(Course.code == code, Course.is_published))
                        for code in ("CYBER01", "AI01"))
        session.add_all([
            Enrollment(learner_id=person.id, course_id=cyber.id, course_code=cyber.code,
                       lessons_done=len(cyber.lessons)),
            Enrollment(learner_id=person.id, course_id=other.id, course_code=other.code, lessons_done=2),
            CourseCompletion(learner_id=person.id, course_code=cyber.code, course_id=cyber.id,
                             course_version=cyber.version, periods=cyber.periods, score_percent=90.0,
                             title_vi=cyber.title_vi, title_en=cyber.title_en)])
        session.commit()
        return person.id


def test_hr_goes_from_the_home_figures_to_who_has_not_completed(page, live_app, live_server, sign_in):
    person_id = _person_with_records(live_app)
    sign_in("nhansu")
    page.goto(f"{live_server}/")
    figures = page.locator("section", has=page.locator("#lms-hr-figures-heading"))
    expect(figures).to_contain_text("Tình hình học tập của đơn vị tôi phụ trách")
    look(page, "hr-home")
    figures.get_by_role("link", name=re.compile("khóa học bắt buộc")).first.click()
    page.wait_for_url(re.compile(r"status=not_completed"))
    expect(page.get_by_label("Trạng thái")).to_have_value("not_completed")
    expect(page.locator("#lms-unit-counts")).to_have_text("Số liệu theo đơn vị")
    listed = page.locator("table").last.inner_text()
    assert "Lò Thị Hoa" in listed or "Học Viên" in listed
    look(page, "hr-not-completed")

    page.goto(f"{live_server}/reports/learners")
    button = page.get_by_role("link", name=re.compile("^Ai chưa hoàn thành"))
    expect(button.first).to_be_visible()
    button.first.click()
    page.wait_for_url(re.compile(r"course=.*status=not_completed|status=not_completed.*course="))
    look(page, "hr-one-click")

    assert page.get_by_role("link", name="Nguyễn Văn An").count() == 0  # completed it
    page.goto(f"{live_server}/reports/learners?q=nguyen+van+an")
    page.get_by_role("link", name="Nguyễn Văn An").click()
    page.wait_for_url(re.compile(rf"/reports/learners/{person_id}$"))
    expect(page.locator("main")).to_contain_text("đã học 2/")
    look(page, "hr-learner-record")

    # A bad filter is named beside its field.
    page.goto(f"{live_server}/reports/learners?since=31/02/2026")
    expect(page.locator("#since-error")).to_contain_text("không có ngày 31")
    expect(page.get_by_role("status")).to_have_text("Sửa bộ lọc được đánh dấu ở trên để xem danh sách.")
    look(page, "hr-bad-filter")


def test_the_learner_home_shows_what_to_do_next(page, live_server, sign_in):
    sign_in("trangchu")  # their own person: "hocvien" may have chosen English in another test
    page.goto(f"{live_server}/")
    mandatory = page.locator("section", has=page.locator("#lms-mandatory-heading"))
    expect(mandatory).to_contain_text("hạn hoàn thành 30/06/")
    look(page, "learner-home")
