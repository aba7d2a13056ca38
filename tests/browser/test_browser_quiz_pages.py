"""Issue 13, points 1, 3 and 11 in a browser, at 360 and 1280 px: the failed-quiz page
(right count, lessons to revisit, the wait and then "Làm lại"), the author's quiz
preview with its keys, and the countdown of a timed quiz (and its text without
JavaScript). axe-core finds no serious or critical violation; screenshots are taken to
be looked at."""
import datetime as dt
import os
import re

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from tests.browser.conftest import PASSWORD
from tests.browser.browser_helpers import serious_violations

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("LMS_SCREENSHOT_DIR", "/tmp")
WIDTHS = (360, 1280)


def ready_for_quiz(live_app, username: str, code: str) -> None:
    """A new learner, enrolled, every lesson done: the quiz is open (set up on the server,
    the lesson pages have their own browser tests)."""
    from courses import operations as course_operations
    from courses.queries import current_course
    from lms.accounts import operations
    from lms.db import get_session

    with live_app.test_request_context():
        learner = operations.create_learner(full_name=f"Học Viên {username}", staff_code=username.upper())
        operations.create_account(learner, username, PASSWORD)
        course = current_course(code)
        enrollment = course_operations.enrol(learner, course)
        for lesson in course.lessons:
            course_operations.mark_lesson_done(enrollment, lesson, learner)
        get_session().commit()


def sign_in_as(page, live_server, username):
    page.goto(f"{live_server}/auth/login")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(lambda url: "/auth/login" not in url)


def check_widths(page, name):
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 800})
        page.screenshot(path=f"{SHOTS}/{name}-{width}.png", full_page=True)
        assert serious_violations(page) == [], (name, width)
        # Nothing wider than the screen.
        assert page.evaluate("document.documentElement.scrollWidth") <= width, (name, width)


def test_a_failed_attempt_names_the_lessons_and_offers_a_retake(page, live_app, live_server):
    ready_for_quiz(live_app, "truot", "DATA01")
    sign_in_as(page, live_server, "truot")
    page.goto(f"{live_server}/courses/DATA01/quiz")
    page.get_by_role("button", name="Bắt đầu làm bài").click()
    page.wait_for_url(re.compile(r"/questions/1$"))
    page.goto(page.url.replace("/questions/1", "/submit"))
    page.get_by_role("button", name="Nộp bài để chấm điểm").click()
    page.wait_for_url(re.compile(r"/result$"))
    expect(page.locator(".lms-right-count")).to_have_text("0/12 câu đúng")
    revisit = page.locator(".lms-revisit li")
    expect(revisit).to_have_count(5)  # every lesson has a missed question
    expect(revisit.first).to_contain_text("Bài 1:")
    expect(page.get_by_text("Anh/chị có thể làm lại sau 10 phút")).to_be_visible()
    expect(page.get_by_role("button", name="Làm lại")).to_have_count(0)
    check_widths(page, "quiz-failed-waiting")
    # The wait is over: the button is there, with the attempts left.
    from lms.db import get_session
    from quizzes.models import Attempt

    with live_app.app_context():
        session = get_session()
        attempt = session.get(Attempt, int(re.search(r"/attempts/(\d+)/", page.url).group(1)))
        attempt.submitted_dt -= dt.timedelta(minutes=11)
        session.commit()
    page.reload()
    expect(page.get_by_text("Còn 2 lượt làm bài.")).to_be_visible()
    check_widths(page, "quiz-failed-retake")
    page.get_by_role("link", name="Ôn lại bài").click()
    page.wait_for_url(re.compile(r"/courses/DATA01/lessons/1$"))
    page.go_back()
    page.get_by_role("button", name="Làm lại").click()
    page.wait_for_url(re.compile(r"/questions/1$"))


def test_the_author_preview_shows_the_keys(page, live_app, live_server):
    from courses.models import Course
    from lms.db import get_session

    with live_app.app_context():
        course_id = get_session().scalar(sa.select(Course.id).where(Course.code == "CYBER01"))
    sign_in_as(page, live_server, "admin")
    page.goto(f"{live_server}/author/courses/{course_id}/preview")
    page.get_by_role("link", name=re.compile("Kiểm tra bài kiểm tra")).click()
    page.wait_for_url(re.compile(rf"/author/courses/{course_id}/quiz"))
    expect(page.get_by_role("heading", name="Xem trước bài kiểm tra")).to_be_visible()
    expect(page.locator(".lms-key-word").first).to_have_text("(đáp án)")
    expect(page.locator(".lms-settings")).to_contain_text("Hiển thị đáp án khi học viên đạt")
    expect(page.locator("#quiz-lint")).to_be_visible()
    check_widths(page, "quiz-author-preview")
    page.get_by_role("link", name="English").click()
    expect(page.locator(".lms-key-word").first).to_have_text("(key)")
    check_widths(page, "quiz-author-preview-en")


def test_a_timed_quiz_counts_down(page, live_app, live_server):
    ready_for_quiz(live_app, "demgio", "CLOUD01")
    sign_in_as(page, live_server, "demgio")
    page.goto(f"{live_server}/courses/CLOUD01/quiz")
    page.get_by_role("button", name="Bắt đầu làm bài").click()
    page.wait_for_url(re.compile(r"/questions/1$"))
    timer = page.locator(".lms-countdown")
    expect(timer).to_have_text(re.compile(r"^Còn 19:5\d$"))  # 20 minutes, ticking
    first = timer.inner_text()
    expect(timer).not_to_have_text(first, timeout=3000)
    check_widths(page, "quiz-countdown")


def test_without_javascript_the_minutes_left_are_text(browser, live_app, live_server):
    ready_for_quiz(live_app, "khongjs", "IOT01")
    context = browser.new_context(java_script_enabled=False, viewport={"width": 360, "height": 740})
    page = context.new_page()
    try:
        sign_in_as(page, live_server, "khongjs")
        page.goto(f"{live_server}/courses/IOT01/quiz")
        page.get_by_role("button", name="Bắt đầu làm bài").click()
        page.wait_for_url(re.compile(r"/questions/1$"))
        expect(page.locator(".lms-countdown")).to_have_text(re.compile(r"^Còn 19 phút$"))
        page.screenshot(path=f"{SHOTS}/quiz-countdown-nojs-360.png", full_page=True)
    finally:
        context.close()
