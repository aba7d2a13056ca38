"""Answers are checked against the attempt: a token that was not drawn for the question,
too many picks, or a typed answer over LMS_QUIZ_MAX_ANSWER_CHARS is refused with 400
and a translated message, and nothing is stored. Attempts started before option tokens
existed get them on first view and keep working; the review shows chosen and correct
choices by their text."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from quizzes.models import Attempt, Question, Response
from tests.quizzes.quiz_helpers import (CORRECT, OPTION, answer_all, keys_in_order, page_options,
                                        start)

JSON = {"Accept": "application/json"}


def position_of(db, attempt_id, key) -> int:
    return keys_in_order(db, attempt_id).index(key) + 1


def stored_answers(db, attempt_id) -> int:
    db.expire_all()
    return db.scalar(sa.select(sa.func.count()).select_from(Response).where(Response.attempt_id == attempt_id))


def test_a_token_from_another_attempt_or_an_authoring_id_is_refused(app, learner_client, make_quiz_course, db):
    make_quiz_course()
    attempt_id = start(learner_client)
    position = position_of(db, attempt_id, "phishing")
    mine = page_options(learner_client, attempt_id, position)
    # A second attempt (the same learner, after this one) has tokens of its own.
    learner_client.post(f"/attempts/{attempt_id}/submit")
    second = start(learner_client)
    second_position = position_of(db, second, "phishing")
    for foreign in [*mine.values(), "a", "b", "true", "c-a"]:
        response = learner_client.post(f"/attempts/{second}/questions/{second_position}",
                                       data={"answer": foreign}, headers=JSON)
        assert response.status_code == 400, foreign
        assert response.json == {"saved": False, "error": (
            "Câu trả lời này không thuộc các lựa chọn của câu hỏi. Vui lòng tải lại trang và trả lời lại.")}
    # The plain form gets the question page again, with the message, and a 400.
    page = learner_client.post(f"/attempts/{second}/questions/{second_position}", data={"answer": "a", "go": "next"})
    assert page.status_code == 400
    body = page.get_data(as_text=True)
    assert "Câu trả lời chưa được lưu" in body and "không thuộc các lựa chọn" in body
    assert OPTION.findall(body)  # the learner can answer again right there
    assert stored_answers(db, second) == 0


def test_too_many_picks_are_refused(learner_client, make_quiz_course, db):
    make_quiz_course()
    attempt_id = start(learner_client)
    multiple = position_of(db, attempt_id, "twofa")
    tokens = list(page_options(learner_client, attempt_id, multiple).values())
    assert len(tokens) == 3
    # Every choice once is allowed (a wrong answer, but an answer) …
    assert learner_client.post(f"/attempts/{attempt_id}/questions/{multiple}",
                               data={"answer": tokens}, headers=JSON).json == {"saved": True}
    # … one more, even a repeat, is not; nor are two answers to a single-choice question.
    single = position_of(db, attempt_id, "phishing")
    single_tokens = list(page_options(learner_client, attempt_id, single).values())
    truefalse = position_of(db, attempt_id, "report")
    tf_tokens = list(page_options(learner_client, attempt_id, truefalse).values())
    for position, answer in [(multiple, tokens + tokens[:1]), (multiple, tokens * 7000),
                             (single, single_tokens), (truefalse, tf_tokens)]:
        response = learner_client.post(f"/attempts/{attempt_id}/questions/{position}",
                                       data={"answer": answer}, headers=JSON)
        assert response.status_code == 400
        assert response.json["error"] == "Câu trả lời này chọn nhiều hơn số lựa chọn mà câu hỏi cho phép."
    db.expire_all()
    saved = db.scalars(sa.select(Response).where(Response.attempt_id == attempt_id)).all()
    assert [len(r.answer["choices"]) for r in saved] == [3]


@pytest.mark.parametrize("key", ["malware", "otp-digits"])
def test_typed_answers_are_capped(learner_client, make_quiz_course, db, key):
    make_quiz_course()
    attempt_id = start(learner_client)
    position = position_of(db, attempt_id, key)
    page = learner_client.get(f"/attempts/{attempt_id}/questions/{position}").get_data(as_text=True)
    assert 'maxlength="2000"' in page
    url = f"/attempts/{attempt_id}/questions/{position}"
    assert learner_client.post(url, data={"answer": "x" * 2000}, headers=JSON).json == {"saved": True}
    response = learner_client.post(url, data={"answer": "y" * 2001}, headers=JSON)
    assert response.status_code == 400
    assert response.json["error"] == "Câu trả lời dài quá 2000 ký tự."
    assert learner_client.post(url, data={"answer": "y" * 4_000_000, "go": "next"}).status_code == 400
    db.expire_all()
    [saved] = db.scalars(sa.select(Response).where(Response.attempt_id == attempt_id)).all()
    assert set(saved.answer.values()) == {"x" * 2000}


@pytest.mark.parametrize("app_config", [{"LMS_QUIZ_MAX_ANSWER_CHARS": 5}])
def test_the_cap_is_configuration(learner_client, make_quiz_course, db):
    make_quiz_course()
    attempt_id = start(learner_client)
    url = f"/attempts/{attempt_id}/questions/{position_of(db, attempt_id, 'malware')}"
    assert learner_client.post(url, data={"answer": "12345"}, headers=JSON).status_code == 200
    assert learner_client.post(url, data={"answer": "123456"}, headers=JSON).status_code == 400


def test_save_answer_itself_checks_what_it_stores(app, app_context, make_quiz_course, create_learner, db):
    """Callers other than the page (a host, a command) get the same checks."""
    from quizzes import operations
    from quizzes.models import Quiz

    course = make_quiz_course()
    learner = create_learner()
    with app_context():
        quiz = db.scalars(sa.select(Quiz).where(Quiz.course_id == course.id)).one()
        attempt = operations.start_attempt(quiz, learner.id)
        by_key = {q.key: q for q in db.scalars(sa.select(Question).where(Question.quiz_id == quiz.id))}
        for key, answer in [("phishing", {"choice": "z"}), ("twofa", {"choices": ["a", "b", "c", "d"]}),
                            ("twofa", {"choices": ["a", "zz"]}), ("malware", {"text": "m" * 2001})]:
            with pytest.raises(operations.AnswerError):
                operations.save_answer(attempt, by_key[key], answer)
        operations.save_answer(attempt, by_key["twofa"], {"choices": ["a", "b"]})
        operations.save_answer(attempt, by_key["report"], {"value": True})
        assert stored_answers(db, attempt.id) == 2


def test_an_attempt_from_before_tokens_gets_them_once_and_keeps_working(app, learner_client, make_quiz_course, db):
    """Stored attempts hold ["a", "b"] (ids, and nothing for true/false). The first view
    gives them tokens, keeping the stored order; another device then sees the same ones."""
    make_quiz_course()
    attempt_id = start(learner_client)
    attempt = db.get(Attempt, attempt_id)
    legacy, keys = {}, dict(zip(attempt.question_ids, keys_in_order(db, attempt_id), strict=True))
    for question_id, pairs in attempt.choice_orders.items():
        if keys[int(question_id)] != "report":
            legacy[question_id] = [value for _, value in reversed(pairs)]
    attempt.choice_orders = legacy
    db.commit()
    single = position_of(db, attempt_id, "phishing")
    first_view = page_options(learner_client, attempt_id, single)
    db.expire_all()
    upgraded = db.get(Attempt, attempt_id).choice_orders
    assert len(upgraded) == 3  # the true/false question got tokens too
    phishing_id = next(qid for qid, key in keys.items() if key == "phishing")
    assert [value for _, value in upgraded[str(phishing_id)]] == legacy[str(phishing_id)]
    other = app.test_client()
    other.post("/auth/login", data={"username": "hoa", "password": "correct horse battery"})
    assert page_options(other, attempt_id, single) == first_view
    assert learner_client.post(f"/attempts/{attempt_id}/questions/{single}", data={"answer": "a"},
                               headers=JSON).status_code == 400
    answer_all(learner_client, db, attempt_id, CORRECT)
    learner_client.post(f"/attempts/{attempt_id}/submit")
    db.expire_all()
    assert db.get(Attempt, attempt_id).score == 1.0


def test_saved_answers_come_back_checked_and_the_review_names_them(app, learner_client, make_quiz_course, db):
    make_quiz_course()
    attempt_id = start(learner_client)
    answer_all(learner_client, db, attempt_id, CORRECT)
    multiple = position_of(db, attempt_id, "twofa")
    page = learner_client.get(f"/attempts/{attempt_id}/questions/{multiple}").get_data(as_text=True)
    checked = [text for text in ("Bật xác thực hai lớp", "Dùng cụm mật khẩu dài", "Chia sẻ mật khẩu qua Zalo")
               if f'checked><label for="c-' in page.split(text)[0][-80:]]
    assert checked == ["Bật xác thực hai lớp", "Dùng cụm mật khẩu dài"]
    learner_client.post(f"/attempts/{attempt_id}/submit")
    result = learner_client.get(f"/attempts/{attempt_id}/result").get_data(as_text=True)
    assert "Thư yêu cầu gửi mã OTP" in result and "PHẢN-HỒI-ĐÚNG-OTP" in result
    # The learner's picks come back as a list, one item each (issue 13: not joined by ";").
    assert ("Câu trả lời của anh/chị:</p>\n    <ul><li>Bật xác thực hai lớp</li>"
            "<li>Dùng cụm mật khẩu dài</li></ul>") in result
    assert "Câu trả lời của anh/chị:</p>\n    <ul><li>Đúng</li></ul>" in result


def test_a_quiz_that_draws_no_question_cannot_use_up_a_try(app, app_context, make_quiz_course, create_learner, db):
    """Packs cannot ask for this any more; a quiz stored before that check must not
    hand out empty attempts (or crash on a deadline 10**20 minutes away)."""
    from quizzes import operations
    from quizzes.models import Quiz

    course = make_quiz_course()
    learner = create_learner()
    with app_context():
        quiz = db.scalars(sa.select(Quiz).where(Quiz.course_id == course.id)).one()
        for broken in ({"questions_per_tag": {"nothing-has-this": 2}}, {"time_limit_minutes": 10 ** 20}):
            quiz.settings = {**quiz.settings, **broken}
            with pytest.raises(operations.QuizError):
                operations.start_attempt(quiz, learner.id)
            quiz.settings = {k: v for k, v in quiz.settings.items() if k not in broken}
        assert db.scalar(sa.select(sa.func.count()).select_from(Attempt)) == 0
