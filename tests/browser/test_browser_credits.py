"""A learner completes a course and sees the credits and the progress toward the target;
an HR officer sees the unit standings chart; axe-core finds no serious or critical
problem on these pages at 360 px and 1280 px."""

import re

import pytest

from tests.browser.browser_helpers import answer, correct_answers, serious_violations

pytestmark = pytest.mark.browser
WIDTHS = ({"width": 360, "height": 740}, {"width": 1280, "height": 900})


def complete_course(page, live_app, live_server, username, code):
    page.goto(f"{live_server}/courses/{code}")
    page.get_by_role("button", name="Bắt đầu học").click()
    page.wait_for_url(re.compile(r"/lessons/1$"))
    while re.search(r"/lessons/\d+$", page.url):
        page.locator("form[action$='/done'] button").click()
        page.wait_for_load_state()
    page.goto(f"{live_server}/courses/{code}/quiz")
    page.get_by_role("button", name="Bắt đầu làm bài").click()
    page.wait_for_url(re.compile(r"/questions/1$"))
    key = correct_answers(live_app, username)
    for position, (question_type, payload) in enumerate(key, start=1):
        page.wait_for_url(re.compile(rf"/questions/{position}$"))
        answer(page, question_type, payload)
        last = position == len(key)
        page.get_by_role(
            "button", name="Lưu và kết thúc" if last else "Lưu và sang câu tiếp"
        ).click()
    page.wait_for_url(re.compile(r"/submit$"))
    page.get_by_role("button", name="Nộp bài để chấm điểm").click()
    page.wait_for_url(re.compile(r"/result$"))


def test_a_learner_earns_credits_and_sees_the_progress(page, live_app, live_server, sign_in):
    sign_in("diemhoc")
    page.goto(f"{live_server}/courses/IOT01")
    assert "Điểm học tập" in page.content()  # the course page says what it can earn
    complete_course(page, live_app, live_server, "diemhoc", "IOT01")
    page.goto(f"{live_server}/credits")
    bar = page.locator("#credits-total")
    assert float(bar.get_attribute("value")) == 1 and float(bar.get_attribute("max")) == 8
    text = page.locator("main").inner_text()
    assert "1 / 8 điểm" in text and "Chưa đạt" in text and "hạn hoàn thành 30/06/" in text
    assert "IOT01" in page.locator("table").inner_text()
    for size in WIDTHS:
        page.set_viewport_size(size)
        assert serious_violations(page) == []
    page.goto(f"{live_server}/")
    assert "1 / 8 điểm" in page.locator("#lms-credits-heading + .lms-progress").inner_text()
    for size in WIDTHS:
        page.set_viewport_size(size)
        assert serious_violations(page) == []


def test_hr_sees_the_unit_standings_chart(page, live_app, live_server, sign_in):
    sign_in("nhansu")
    page.goto(f"{live_server}/credits/standings")
    chart = page.locator("svg.lms-chart").first
    assert chart.get_attribute("role") == "img"
    assert "BT" in chart.locator("desc").text_content()
    assert page.get_by_role("heading", name="Đơn vị").count() == 1
    for size in WIDTHS:
        page.set_viewport_size(size)
        assert serious_violations(page) == []


def test_hr_enters_inputs_and_reads_the_advisory_shortlist(page, live_server, sign_in, tmp_path):
    sign_in("nhansu")
    page.goto(f"{live_server}/credits/appraisals")
    page.get_by_label("Xếp loại cuối năm của Lò Thị Hoa").select_option("excellent")
    page.get_by_label("Kỷ luật của Lò Thị Hoa").select_option("none")
    page.get_by_label("Số sáng kiến được công nhận của Lò Thị Hoa").fill("1")
    page.get_by_role("button", name="Lưu thay đổi").click()
    page.wait_for_load_state()
    assert "Đã lưu: 1 dòng thay đổi." in page.content()
    assert page.get_by_label("Xếp loại cuối năm của Lò Thị Hoa").input_value() == "excellent"
    for size in WIDTHS:
        page.set_viewport_size(size)
        assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
        assert serious_violations(page) == []
    page.set_viewport_size(WIDTHS[0])
    page.screenshot(path=str(tmp_path / "appraisals-360.png"), full_page=True)
    page.goto(f"{live_server}/credits/standings")
    page.get_by_role("link", name="Gợi ý danh hiệu thi đua").first.click()
    page.wait_for_url(re.compile(r"/credits/shortlist"))
    text = page.locator("main").inner_text()
    assert "Gợi ý tham khảo — Hội đồng Thi đua - Khen thưởng quyết định" in text
    assert "Lò Thị Hoa" in text and "Đáp ứng" in text and "Chưa đáp ứng" in text
    page.goto(f"{live_server}/credits/shortlist?title=CSTDCS")
    assert "× 15\u00a0% = " in page.locator("#shortlist-quota").inner_text()
    for size in WIDTHS:
        page.set_viewport_size(size)
        assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
        assert serious_violations(page) == []
    page.set_viewport_size(WIDTHS[0])
    page.screenshot(path=str(tmp_path / "shortlist-360.png"), full_page=True)
