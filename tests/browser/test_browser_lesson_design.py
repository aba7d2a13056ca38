"""A learner reads a lesson on a 360 px phone, sees its figure and answers its self-check."""
import os
import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PASSWORD
from tests.browser.browser_helpers import serious_violations

pytestmark = pytest.mark.browser
#: Where the screenshots go, to look at (not compared: a picture is judged by eye).
SHOTS = os.environ.get("LMS_SCREENSHOT_DIR", "/tmp")


def _open_first_lesson(page, live_server):
    page.goto(f"{live_server}/auth/login")
    page.get_by_label("Tên đăng nhập").fill("tuhoc")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(lambda url: "/auth/login" not in url)
    page.goto(f"{live_server}/courses/CYBER01")
    start = page.get_by_role("button", name="Bắt đầu học")
    if start.count():
        start.click()
    page.goto(f"{live_server}/courses/CYBER01/lessons/1")


def _answer_and_check(page):
    figure = page.locator("article img[src$='phishing-signs.vi.svg']")
    figure.scroll_into_view_if_needed()
    expect(figure).to_be_visible()
    assert figure.evaluate("img => img.complete && img.naturalWidth > 0")
    box = figure.bounding_box()
    assert box["width"] <= 360 and box["width"] >= 300  # fills the phone's width, no overflow
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    expect(page.get_by_role("heading", name="Mục tiêu")).to_be_visible()
    question = page.locator("#self-check-1")
    question.get_by_label("Gọi cho lãnh đạo theo số đã lưu từ trước để hỏi").check()
    question.get_by_role("button", name="Kiểm tra câu trả lời").click()
    page.wait_for_url(re.compile(r"/self-check/1#self-check-1$"))
    feedback = page.locator("#self-check-1 [role=status]")
    expect(feedback).to_contain_text("Chính xác.")
    expect(feedback).to_be_in_viewport()
    # A wrong answer to the second question gets that choice's own feedback.
    second = page.locator("#self-check-2")
    second.get_by_label("An toàn, vì thư viết đúng văn phong hành chính").check()
    second.get_by_role("button", name="Kiểm tra câu trả lời").click()
    expect(page.locator("#self-check-2 [role=status]")).to_contain_text("Chưa đúng.")


def test_learner_reads_a_lesson_on_a_phone_and_answers_its_self_check(page, live_server):
    page.set_viewport_size({"width": 360, "height": 740})
    _open_first_lesson(page, live_server)
    assert serious_violations(page) == []
    page.screenshot(path=f"{SHOTS}/lesson-360.png", full_page=True)
    _answer_and_check(page)
    assert serious_violations(page) == []
    page.screenshot(path=f"{SHOTS}/lesson-360-feedback.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(page.url.split("/self-check")[0].replace("/lessons/1", "/lessons/1"))
    page.screenshot(path=f"{SHOTS}/lesson-1280.png", full_page=True)


def test_self_check_works_without_javascript(browser, live_server):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 360, "height": 740})
    page = context.new_page()
    try:
        _open_first_lesson(page, live_server)
        _answer_and_check(page)
    finally:
        context.close()
