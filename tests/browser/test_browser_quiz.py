"""A learner takes the cybersecurity final quiz, reloads mid-way and finds the answers
kept, submits, passes, sees the result and the course marked complete."""
import re

import pytest

from tests.browser.browser_helpers import answer, correct_answers, serious_violations

pytestmark = pytest.mark.browser


def test_take_the_cybersecurity_quiz(page, live_app, live_server, sign_in):
    sign_in("thisinh")
    page.goto(f"{live_server}/courses/CYBER01")
    page.get_by_role("button", name="Bắt đầu học").click()
    for number in range(1, 6):
        page.wait_for_url(re.compile(rf"/lessons/{number}$"))
        page.locator("form[action$='/done'] button").click()
    page.wait_for_url(re.compile(r"/courses/CYBER01$"))
    page.get_by_role("link", name="Bài kiểm tra cuối khóa").click()
    page.wait_for_url(re.compile(r"/quiz$"))
    assert serious_violations(page) == []
    page.get_by_role("button", name="Bắt đầu làm bài").click()
    page.wait_for_url(re.compile(r"/questions/1$"))
    key = correct_answers(live_app, "thisinh")
    assert serious_violations(page) == []
    half = len(key) // 2
    for position, (question_type, payload) in enumerate(key[:half], start=1):
        assert page.url.endswith(f"/questions/{position}")
        answer(page, question_type, payload)
        page.get_by_role("button", name="Lưu và sang câu tiếp").click()
        # The click posts the form and follows the redirect: wait until it has landed.
        page.wait_for_url(re.compile(rf"/questions/{position + 1}$"))
    # The connection drops; the learner comes back: earlier answers are still there.
    page.reload()
    page.goto(f"{live_server}/courses/CYBER01/quiz")
    page.get_by_role("link", name="Tiếp tục lượt làm bài đang dở").click()
    page.wait_for_url(re.compile(rf"/questions/{half + 1}$"))
    page.get_by_role("button", name="Lưu và quay lại").click()
    page.wait_for_url(re.compile(rf"/questions/{half}$"))
    question_type, payload = key[half - 1]
    if question_type in ("single", "true_false"):
        assert page.locator("input[name='answer']:checked").count() == 1
    elif question_type == "multiple":
        assert page.locator("input[name='answer']:checked").count() >= 1
    else:
        assert page.locator("input[name='answer']").input_value() != ""
    page.get_by_role("button", name="Lưu và sang câu tiếp").click()
    for position, (question_type, payload) in enumerate(key[half:], start=half + 1):
        page.wait_for_url(re.compile(rf"/questions/{position}$"))
        answer(page, question_type, payload)
        last = position == len(key)
        page.get_by_role("button", name="Lưu và kết thúc" if last else "Lưu và sang câu tiếp").click()
    page.wait_for_url(re.compile(r"/submit$"))
    assert "Anh/chị đã trả lời tất cả các câu hỏi." in page.content()
    assert serious_violations(page) == []
    page.get_by_role("button", name="Nộp bài để chấm điểm").click()
    page.wait_for_url(re.compile(r"/result$"))
    assert "Điểm: 100\u00a0%" in page.locator(".lms-score").text_content()
    assert "Đạt" in page.locator(".lms-score").inner_text()
    assert "Đã hoàn thành khóa học ngày" in page.content()
    assert serious_violations(page) == []
    page.goto(f"{live_server}/my-learning")
    assert "Đã hoàn thành" in page.locator(".lms-cards").inner_text()


def test_autosave_keeps_an_answer_without_pressing_save(page, live_app, live_server, sign_in):
    """With JavaScript on, a choice is saved as soon as it is made."""
    sign_in("docgia")
    page.goto(f"{live_server}/courses/AI01")
    page.get_by_role("button", name="Bắt đầu học").click()
    for number in range(1, 6):  # the quiz opens once every lesson is done
        page.wait_for_url(re.compile(rf"/lessons/{number}$"))
        page.locator("form[action$='/done'] button").click()
    page.wait_for_url(re.compile(r"/courses/AI01$"))
    page.goto(f"{live_server}/courses/AI01/quiz")
    page.get_by_role("button", name="Bắt đầu làm bài").click()
    page.wait_for_url(re.compile(r"/questions/1$"))
    first = page.locator("input[name='answer']").first
    if first.get_attribute("type") == "text":
        first.fill("42")
        first.dispatch_event("change")
    else:
        first.check()
    page.locator(".lms-autosave-status").get_by_text("Đã lưu câu trả lời.").wait_for(timeout=15000)
    page.reload()  # no button pressed: the server already has the answer
    if first.get_attribute("type") == "text":
        assert page.locator("input[name='answer']").first.input_value() == "42"
    else:
        assert page.locator("input[name='answer']").first.is_checked()
