"""A learner finds the cybersecurity course by typing without accents and reads it all."""
import re

import pytest
from playwright.sync_api import expect

from tests.browser.browser_helpers import serious_violations

pytestmark = pytest.mark.browser


def test_learner_reads_the_cybersecurity_course(page, live_server, sign_in):
    sign_in("docgia")
    page.get_by_role("link", name="Khóa học", exact=True).click()
    page.wait_for_url(re.compile(r"/courses$"))
    assert serious_violations(page) == []
    page.get_by_label("Tìm khóa học").fill("an toan")
    page.get_by_role("button", name="Tìm kiếm").click()
    page.wait_for_url(re.compile(r"q=an\+toan"))
    results = page.locator(".lms-cards h2")
    expect(results.first).to_have_text("An toàn thông tin cho cán bộ, công chức")
    results.first.get_by_role("link").click()
    page.get_by_role("button", name="Bắt đầu học").click()
    lesson_count = 5
    for number in range(1, lesson_count + 1):
        page.wait_for_url(re.compile(rf"/courses/CYBER01/lessons/{number}$"))
        expect(page.locator(".lms-meta").first).to_contain_text(f"Bài {number}/{lesson_count}")
        if number == 1:
            assert serious_violations(page) == []
        page.locator("form[action$='/done'] button").click()
    page.wait_for_url(re.compile(r"/courses/CYBER01$"))
    progress = page.locator("progress#course-progress")
    assert progress.get_attribute("value") == str(lesson_count)
    assert progress.get_attribute("max") == str(lesson_count)
    page.get_by_role("link", name="Việc học của tôi").click()
    expect(page.locator("progress#my-CYBER01")).to_have_attribute("value", str(lesson_count))
