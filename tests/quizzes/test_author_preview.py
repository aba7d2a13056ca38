"""An author checks a quiz before publishing: every question with its choices, the key,
per-choice feedback and the explanation, the quiz's settings and the pack's lint."""
import re

import pytest

from tests.quizzes.quiz_helpers import QUESTIONS


@pytest.fixture
def author_client(client, create_learner, login):
    create_learner("Tác Giả Mới", username="tacgia", roles=["author"])
    login("tacgia")
    return client


def test_the_preview_shows_keys_feedback_explanations_and_settings(author_client, make_quiz_course):
    course = make_quiz_course(lessons=2, time_limit_minutes=20, wait_minutes=10)
    page = author_client.get(f"/author/courses/{course.id}/quiz").get_data(as_text=True)
    # Every question, each choice, the key marked with a sign and a word, its feedback.
    for question in QUESTIONS:
        assert question["text"]["vi"] in page
        assert question["explanation"]["vi"] in page
    assert ('<span aria-hidden="true">✓</span> <strong>Thư yêu cầu gửi mã OTP</strong> '
            '<span class="lms-key-word">(đáp án)</span>') in page
    assert '<span aria-hidden="true">✗</span> Thư mời họp nội bộ' in page
    assert "Phản hồi: PHẢN-HỒI-SAI-HỌP" in page and "Phản hồi: PHẢN-HỒI-ĐÚNG-OTP" in page
    assert "<strong>Đúng</strong>" in page  # the true/false key
    assert "mã độc" in page and "6" in page  # short answer and numeric keys
    assert "Bài 2: Bài học số 2" in page and "chưa gắn bài học" in page  # lesson tags
    settings = re.sub(r"[ \t\n]+", " ", re.sub(r"<[^>]+>", " ", page.split('id="quiz-settings"')[1]
                                          .split("</section>")[0]))
    for expected in ("Điểm đạt 70\u00a0%", "Số câu mỗi lượt 5 câu hỏi (rút từ ngân hàng 5 câu)",
                     "Thời gian làm bài 20 phút", "Số lượt làm bài 3; các lượt cách nhau ít nhất 10 phút",
                     "Hiển thị đáp án khi học viên đạt"):
        assert expected in settings, (expected, settings)
    # The pack's lint: "malware" names no lesson (cue lint), with file and line.
    lint = page.split('id="quiz-lint"')[1].split("</section>")[0]
    assert re.search(r"<code>quiz\.yaml:\d+</code> Câu hỏi &#34;malware&#34; chưa gắn", lint), lint


def test_the_preview_in_english(author_client, make_quiz_course):
    course = make_quiz_course()
    page = author_client.get(f"/author/courses/{course.id}/quiz?lang=en").get_data(as_text=True)
    assert "<strong>Asks for the OTP</strong>" in page and "EXPLANATION-OTP" in page
    assert "FEEDBACK-WRONG-MEETING" in page


def test_the_course_preview_links_to_the_quiz_preview(author_client, make_quiz_course):
    course = make_quiz_course()
    page = author_client.get(f"/author/courses/{course.id}/preview").get_data(as_text=True)
    assert f'href="/author/courses/{course.id}/quiz?lang=vi"' in page


def test_learners_never_reach_the_preview(client, create_learner, login, make_quiz_course):
    course = make_quiz_course()
    create_learner("Học Viên", username="hocvien2")
    login("hocvien2")
    response = client.get(f"/author/courses/{course.id}/quiz")
    assert response.status_code in (403, 404)
    assert "GIẢI-THÍCH" not in response.get_data(as_text=True)
