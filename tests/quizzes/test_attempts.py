"""The quiz engine as a learner meets it: start, save, resume, submit, review, limits,
waits, deadlines; no answer key before grading; completion once. The quiz and the steps
through it are in tests/quizzes/quiz_helpers.py, the fixtures in tests/quizzes/conftest.py."""
import datetime as dt
import json
import re

import pytest
import sqlalchemy as sa

from courses.models import CourseCompletion
from quizzes.models import Attempt, AttemptState, Response
from tests.quizzes.quiz_helpers import (
    CORRECT,
    LESSONS,
    OPTION,
    QUESTIONS,
    WRONG,
    answer_all,
    form_data,
    keys_in_order,
    start,
)

#: Every value the learner's form could carry for an option if the page used the key's own
#: space: pack choice ids, GIFT-style ids, true/false.
AUTHORING_VALUES = ["a", "b", "c", "d", "e", "f", "true", "false", "c1", "c2", "c3"]
#: Strings that only the answer key holds: none may appear before grading.
SECRETS = ["PHẢN-HỒI", "FEEDBACK-", "GIẢI-THÍCH", "EXPLANATION", "mã độc", "malware",
           '"correct"', "data-correct", "fraction", "tolerance"]


def test_pages_before_grading_hold_no_answer_key(learner_client, make_quiz_course, db):
    make_quiz_course()
    attempt_id = start(learner_client)
    pages = [learner_client.get("/courses/QUIZT1/quiz"), learner_client.get(f"/attempts/{attempt_id}")]
    for position in range(1, 6):
        pages.append(learner_client.get(f"/attempts/{attempt_id}/questions/{position}"))
        data = form_data(learner_client, attempt_id, position, WRONG[keys_in_order(db, attempt_id)[position - 1]])
        pages.append(learner_client.post(f"/attempts/{attempt_id}/questions/{position}", data=data,
                                         headers={"Accept": "application/json"}))
    pages.append(learner_client.get(f"/attempts/{attempt_id}/submit"))
    for language in ("vi", "en"):
        learner_client.post("/language", data={"locale": language, "next": "/"})
        pages += [learner_client.get(f"/attempts/{attempt_id}/questions/{n}") for n in range(1, 6)]
    for page in pages:
        assert page.status_code in (200, 302)
        body = page.get_data(as_text=True)
        for secret in SECRETS:
            assert secret.casefold() not in body.casefold(), (secret, page.request.path)
    json_bodies = [json.loads(p.get_data(as_text=True)) for p in pages if p.is_json]
    assert json_bodies and all(body == {"saved": True} for body in json_bodies)
    # No option carries an authoring id or true/false, as its value, its element id or
    # a label's target: the values are this attempt's tokens, and nothing else.
    db.expire_all()
    attempt = db.get(Attempt, attempt_id)
    tokens = {token for pairs in attempt.choice_orders.values() for token, _ in pairs}
    assert len(tokens) == 2 + 3 + 2  # single, multiple, true/false: every option has one
    option_pages = 0
    for page in pages:
        body = page.get_data(as_text=True)
        for value in AUTHORING_VALUES:
            for attribute in ("value", "id", "for"):
                for prefix in ("", "c-", "tf-"):
                    assert f'{attribute}="{prefix}{value}"' not in body, (value, page.request.path)
        found = OPTION.findall(body)
        option_pages += bool(found)
        for element_id, token, _text in found:
            assert element_id == token and token in tokens
    assert option_pages == 3 * 3  # three option questions, each shown in three languages/visits


def test_option_tokens_differ_between_attempts_and_questions(app, app_context, make_quiz_course,
                                                             create_learner, db):
    """Tokens are random per attempt: two attempts at the same question share none, and
    their display order does not follow the authoring order."""
    from quizzes import operations
    from quizzes.models import Quiz

    course = make_quiz_course()
    learners = [create_learner(staff_code=f"TOK-{n}") for n in range(40)]
    seen_first: dict[str, set] = {}
    with app_context():
        quiz = db.scalars(sa.select(Quiz).where(Quiz.course_id == course.id)).one()
        by_key = {q.id: q.key for q in quiz.questions}
        attempts = [operations.start_attempt(quiz, learner.id) for learner in learners]
    all_tokens = [token for attempt in attempts for pairs in attempt.choice_orders.values()
                  for token, _ in pairs]
    assert len(all_tokens) == len(set(all_tokens)) == 40 * 7
    for attempt in attempts:
        for question_id, pairs in attempt.choice_orders.items():
            seen_first.setdefault(by_key[int(question_id)], set()).add(pairs[0][1])
            assert all(re.fullmatch(r"[a-z2-9]{10}", token) for token, _ in pairs)
    # Choices are shuffled (40 attempts: every choice comes first sometimes); true/false keep
    # "true" first, and the token hides which option that is.
    assert seen_first == {"phishing": {"a", "b"}, "twofa": {"a", "b", "c"}, "report": {"true"}}


def test_answers_survive_reload_and_another_device(app, learner_client, make_quiz_course, db):
    make_quiz_course()
    attempt_id = start(learner_client)
    first_key = keys_in_order(db, attempt_id)[0]
    learner_client.post(f"/attempts/{attempt_id}/questions/1",
                        data={**form_data(learner_client, attempt_id, 1, CORRECT[first_key]), "go": "next"})
    other = app.test_client()
    other.post("/auth/login", data={"username": "hoa", "password": "correct horse battery"})
    # Resuming on the other device lands on the first unanswered question …
    assert other.get(f"/attempts/{attempt_id}").headers["Location"].endswith("/questions/2")
    # … and the saved answer is shown checked or filled in.
    page = other.get(f"/attempts/{attempt_id}/questions/1").get_data(as_text=True)
    assert "checked" in page or 'value="6"' in page or 'value="MA DOC"' in page
    # Starting again resumes the same attempt instead of opening a second one.
    assert other.post("/courses/QUIZT1/quiz/start").headers["Location"].startswith(f"/attempts/{attempt_id}/")


def test_pass_completes_the_course_once(learner_client, make_quiz_course, db):
    course = make_quiz_course()
    learner_client.post("/courses/QUIZT1/enrol")
    learner_client.post("/courses/QUIZT1/lessons/1/done")
    assert db.scalars(sa.select(CourseCompletion)).all() == []  # the quiz is still to pass
    attempt_id = start(learner_client)
    answer_all(learner_client, db, attempt_id, CORRECT)
    for _ in range(2):  # double click on submit
        response = learner_client.post(f"/attempts/{attempt_id}/submit")
        assert response.headers["Location"] == f"/attempts/{attempt_id}/result"
    page = learner_client.get(f"/attempts/{attempt_id}/result").get_data(as_text=True)
    assert "100\u00a0%" in page
    assert "GIẢI-THÍCH-OTP" in page  # review after passing
    completions = db.scalars(sa.select(CourseCompletion)).all()
    assert [(c.course_id, c.score_percent) for c in completions] == [(course.id, 100.0)]


def test_fail_shows_no_answers_under_after_passing(learner_client, make_quiz_course, db):
    make_quiz_course()
    attempt_id = start(learner_client)
    answer_all(learner_client, db, attempt_id, WRONG)
    learner_client.post(f"/attempts/{attempt_id}/submit")
    page = learner_client.get(f"/attempts/{attempt_id}/result").get_data(as_text=True)
    assert "Điểm: 0\u00a0%" in page
    for secret in ("GIẢI-THÍCH", "PHẢN-HỒI"):
        assert secret not in page
    assert db.scalars(sa.select(CourseCompletion)).all() == []


def choice_texts():
    """Every option text of the bank, in both languages: a failed attempt's page under
    "after_passing" shows none of them (not even the learner's own picks)."""
    return [text for question in QUESTIONS for choice in question.get("choices", [])
            for text in choice["text"].values()]


@pytest.mark.parametrize("review", ["after_passing", "never", "after_last_attempt"])
def test_a_failed_attempt_names_lessons_and_offers_a_retake_without_the_key(
        learner_client, make_quiz_course, db, review):
    """5/5 wrong: the page says how many were right, names the lessons the missed
    questions test (their lesson tags), links back to them and offers "Làm lại" with the
    attempts left, and holds no key, feedback, explanation or option text."""
    make_quiz_course(lessons=2, review=review)
    attempt_id = start(learner_client)
    answer_all(learner_client, db, attempt_id, WRONG)
    learner_client.post(f"/attempts/{attempt_id}/submit")
    for language in ("vi", "en"):
        learner_client.post("/language", data={"locale": language, "next": "/"})
        page = learner_client.get(f"/attempts/{attempt_id}/result").get_data(as_text=True)
        for secret in SECRETS + choice_texts():
            assert secret.casefold() not in page.casefold(), (secret, language)
        assert "Sai" not in page and "Đúng" not in page  # not even the true/false words
    learner_client.post("/language", data={"locale": "vi", "next": "/"})
    page = learner_client.get(f"/attempts/{attempt_id}/result").get_data(as_text=True)
    assert "0/5 câu đúng" in page
    assert 'href="/courses/QUIZT1/lessons/1">Bài 1: Bài học số 1</a>' in page
    assert 'href="/courses/QUIZT1/lessons/2">Bài 2: Bài học số 2</a>' in page
    assert ">Ôn lại bài</a>" in page
    assert 'action="/courses/QUIZT1/quiz/start"' in page and ">Làm lại</button>" in page
    assert "Còn 2 lượt làm bài." in page


def test_a_partly_failed_attempt_names_only_the_lessons_of_the_missed_questions(
        learner_client, make_quiz_course, db):
    make_quiz_course(lessons=2)
    attempt_id = start(learner_client)
    # Lesson 1's questions right, lesson 2's and the untagged one wrong.
    answers = {key: (CORRECT if LESSONS.get(key) == 1 else WRONG)[key] for key in CORRECT}
    answer_all(learner_client, db, attempt_id, answers)
    learner_client.post(f"/attempts/{attempt_id}/submit")
    page = learner_client.get(f"/attempts/{attempt_id}/result").get_data(as_text=True)
    assert "2/5 câu đúng" in page
    assert "/courses/QUIZT1/lessons/2" in page and "/courses/QUIZT1/lessons/1" not in page


def test_the_retake_waits_and_says_until_when(learner_client, make_quiz_course, db):
    make_quiz_course(lessons=2, wait_minutes=30)
    attempt_id = start(learner_client)
    learner_client.post(f"/attempts/{attempt_id}/submit")
    page = learner_client.get(f"/attempts/{attempt_id}/result").get_data(as_text=True)
    assert "Anh/chị có thể làm lại sau 30 phút" in page
    assert ">Làm lại</button>" not in page  # the button comes back once the wait is over
    attempt = db.get(Attempt, attempt_id)
    attempt.submitted_dt -= dt.timedelta(minutes=31)
    db.commit()
    page = learner_client.get(f"/attempts/{attempt_id}/result").get_data(as_text=True)
    assert ">Làm lại</button>" in page


def test_after_the_last_attempt_no_retake_is_offered(learner_client, make_quiz_course, db):
    make_quiz_course(lessons=2, max_attempts=1, wait_minutes=30)  # the wait is moot then
    attempt_id = start(learner_client)
    learner_client.post(f"/attempts/{attempt_id}/submit")
    page = learner_client.get(f"/attempts/{attempt_id}/result").get_data(as_text=True)
    assert ">Làm lại</button>" not in page and "đã dùng hết 1 lượt" in page
    assert "làm lại sau" not in page
    assert "Ôn lại bài" in page


def test_a_passed_attempt_offers_no_retake_and_no_attempts_left(learner_client, make_quiz_course, db):
    make_quiz_course(lessons=2)
    attempt_id = start(learner_client)
    answer_all(learner_client, db, attempt_id, CORRECT)
    learner_client.post(f"/attempts/{attempt_id}/submit")
    page = learner_client.get(f"/attempts/{attempt_id}/result").get_data(as_text=True)
    assert "5/5 câu đúng" in page
    assert "Còn 2 lượt" not in page and "Làm lại" not in page


def test_review_after_last_attempt(learner_client, make_quiz_course, db):
    make_quiz_course(review="after_last_attempt", max_attempts=2)
    for number in (1, 2):
        attempt_id = start(learner_client)
        answer_all(learner_client, db, attempt_id, WRONG)
        learner_client.post(f"/attempts/{attempt_id}/submit")
        page = learner_client.get(f"/attempts/{attempt_id}/result").get_data(as_text=True)
        assert ("GIẢI-THÍCH-OTP" in page) == (number == 2)
    response = learner_client.post("/courses/QUIZT1/quiz/start")
    assert response.headers["Location"] == "/courses/QUIZT1/quiz"
    assert "đã dùng hết 2 lượt" in learner_client.get("/courses/QUIZT1/quiz").get_data(as_text=True)


def test_review_never(learner_client, make_quiz_course, db):
    make_quiz_course(review="never")
    attempt_id = start(learner_client)
    answer_all(learner_client, db, attempt_id, CORRECT)
    learner_client.post(f"/attempts/{attempt_id}/submit")
    page = learner_client.get(f"/attempts/{attempt_id}/result").get_data(as_text=True)
    assert "100\u00a0%" in page and "GIẢI-THÍCH" not in page


def test_wait_between_attempts(learner_client, make_quiz_course, db):
    make_quiz_course(wait_minutes=30)
    attempt_id = start(learner_client)
    learner_client.post(f"/attempts/{attempt_id}/submit")
    learner_client.post("/courses/QUIZT1/quiz/start")
    assert db.scalar(sa.select(sa.func.count()).select_from(Attempt)) == 1
    attempt = db.get(Attempt, attempt_id)
    attempt.submitted_dt -= dt.timedelta(minutes=31)
    db.commit()
    assert start(learner_client) != attempt_id


def test_best_attempt_counts(learner_client, make_quiz_course, db):
    make_quiz_course()
    first = start(learner_client)
    answer_all(learner_client, db, first, CORRECT)
    learner_client.post(f"/attempts/{first}/submit")
    second = start(learner_client)
    answer_all(learner_client, db, second, WRONG)
    learner_client.post(f"/attempts/{second}/submit")
    page = learner_client.get("/courses/QUIZT1/quiz").get_data(as_text=True)
    assert "100\u00a0%" in page


def test_deadline_is_enforced_by_the_server(learner_client, make_quiz_course, db, app):
    make_quiz_course(time_limit_minutes=10)
    attempt_id = start(learner_client)
    first_key = keys_in_order(db, attempt_id)[0]
    learner_client.post(f"/attempts/{attempt_id}/questions/1",
                        data=form_data(learner_client, attempt_id, 1, CORRECT[first_key]))
    second, third = (form_data(learner_client, attempt_id, n, CORRECT[keys_in_order(db, attempt_id)[n - 1]])
                     for n in (2, 3))
    attempt = db.get(Attempt, attempt_id)
    # Within the grace after the deadline: still accepted.
    attempt.deadline_dt = attempt.deadline_dt - dt.timedelta(minutes=10, seconds=10)
    db.commit()
    assert learner_client.post(f"/attempts/{attempt_id}/questions/2", data=second,
                               headers={"Accept": "application/json"}).json == {"saved": True}
    # Past the grace: closed and graded on the saved answers at the next access.
    attempt.deadline_dt = attempt.deadline_dt - dt.timedelta(minutes=1)
    db.commit()
    response = learner_client.post(f"/attempts/{attempt_id}/questions/3", data=third,
                                   headers={"Accept": "application/json"})
    assert response.status_code == 409
    db.expire_all()
    attempt = db.get(Attempt, attempt_id)
    assert attempt.state == AttemptState.SUBMITTED and attempt.closed_by_deadline
    assert attempt.score == pytest.approx(2 / 5)
    assert db.scalar(sa.select(sa.func.count()).select_from(Response)
                     .where(Response.attempt_id == attempt_id)) == 2


def test_close_overdue_command(app, learner_client, make_quiz_course, db):
    make_quiz_course(time_limit_minutes=5)
    attempt_id = start(learner_client)
    attempt = db.get(Attempt, attempt_id)
    attempt.deadline_dt = attempt.deadline_dt - dt.timedelta(hours=1)
    db.commit()
    result = app.test_cli_runner().invoke(args=["lms", "close-overdue"])
    assert result.exit_code == 0 and "1 overdue" in result.output
    db.expire_all()
    assert db.get(Attempt, attempt_id).state == AttemptState.SUBMITTED


def test_someone_elses_attempt_is_404(app, learner_client, make_quiz_course, create_learner, db):
    make_quiz_course()
    attempt_id = start(learner_client)
    create_learner("Người Khác", username="khac", roles=["admin"])
    other = app.test_client()
    other.post("/auth/login", data={"username": "khac", "password": "correct horse battery"})
    for url in (f"/attempts/{attempt_id}", f"/attempts/{attempt_id}/questions/1",
                f"/attempts/{attempt_id}/submit", f"/attempts/{attempt_id}/result"):
        assert other.get(url).status_code == 404, url
    assert other.post(f"/attempts/{attempt_id}/submit").status_code == 404


def test_one_attempt_in_progress_is_a_database_rule(db, make_quiz_course, create_learner):
    course = make_quiz_course()
    learner = create_learner()
    from quizzes.models import Quiz

    quiz = db.scalars(sa.select(Quiz).where(Quiz.course_id == course.id)).one()
    db.add(Attempt(quiz_id=quiz.id, learner_id=learner.id, number=1, question_ids=[]))
    db.add(Attempt(quiz_id=quiz.id, learner_id=learner.id, number=2, question_ids=[]))
    with pytest.raises(sa.exc.IntegrityError):
        db.flush()


def test_questions_are_drawn_per_tag(app, app_context, make_quiz_course, create_learner, db):
    import random

    from quizzes import operations
    from quizzes.models import Quiz

    course = make_quiz_course(questions_per_attempt=None)
    learner = create_learner()
    with app_context():
        quiz = db.scalars(sa.select(Quiz).where(Quiz.course_id == course.id)).one()
        quiz.settings = {**quiz.settings, "questions_per_tag": {"mail": 1, "account": 2}}
        attempt = operations.start_attempt(quiz, learner.id, rng=random.Random(7))
        keys = keys_in_order(db, attempt.id)
    tags = {q["id"]: q["tags"][0] for q in QUESTIONS}
    assert sorted(tags[key] for key in keys) == ["account", "account", "mail"]


def test_opening_an_overdue_attempt_closes_it(learner_client, make_quiz_course, db):
    """A GET (a read request) closes and grades an overdue attempt in its own write
    transaction, and the page already shows the result."""
    make_quiz_course(time_limit_minutes=5)
    attempt_id = start(learner_client)
    first_key = keys_in_order(db, attempt_id)[0]
    learner_client.post(f"/attempts/{attempt_id}/questions/1",
                        data=form_data(learner_client, attempt_id, 1, CORRECT[first_key]))
    attempt = db.get(Attempt, attempt_id)
    attempt.deadline_dt = attempt.deadline_dt - dt.timedelta(hours=1)
    db.commit()
    response = learner_client.get(f"/attempts/{attempt_id}", follow_redirects=True)
    page = response.get_data(as_text=True)
    assert response.request.path == f"/attempts/{attempt_id}/result"
    assert "Hết giờ làm bài" in page and "20\u00a0%" in page
    db.expire_all()
    assert db.get(Attempt, attempt_id).closed_by_deadline is True


@pytest.mark.parametrize("page", ["result", "attempt"])
def test_an_overdue_attempt_opened_by_get_is_fresh_at_once(learner_client, make_quiz_course, db,
                                                           page):
    """The GET that closes an overdue attempt sees its own write: the result page answers
    at once (before, the request kept its stale "in progress" attempt and sent the learner
    round through the attempt page), and the attempt page points straight at the result."""
    make_quiz_course(time_limit_minutes=5)
    attempt_id = start(learner_client)
    attempt = db.get(Attempt, attempt_id)
    attempt.deadline_dt = attempt.deadline_dt - dt.timedelta(hours=1)
    db.commit()
    url = f"/attempts/{attempt_id}/result" if page == "result" else f"/attempts/{attempt_id}"
    response = learner_client.get(url)  # no redirect followed
    if page == "result":
        assert response.status_code == 200
        assert "Hết giờ làm bài" in response.get_data(as_text=True)
    else:
        assert response.status_code == 302
        assert response.headers["Location"].endswith(f"/attempts/{attempt_id}/result")
    db.expire_all()
    assert db.get(Attempt, attempt_id).state == AttemptState.SUBMITTED


def test_an_overdue_submit_commits_once(app, learner_client, make_quiz_course, db, monkeypatch):
    """A POST on an overdue attempt closes it and submits in one transaction."""
    make_quiz_course(time_limit_minutes=5)
    attempt_id = start(learner_client)
    attempt = db.get(Attempt, attempt_id)
    attempt.deadline_dt = attempt.deadline_dt - dt.timedelta(hours=1)
    db.commit()
    commits = []
    real_commit = sa.orm.Session.commit

    def counting_commit(session):
        commits.append(session)
        return real_commit(session)

    # Counted by patching (not an after_commit listener: removing a listener from a
    # sessionmaker fails on SQLAlchemy 2.0.30, the lowest version allowed).
    monkeypatch.setattr(sa.orm.Session, "commit", counting_commit)
    response = learner_client.post(f"/attempts/{attempt_id}/submit")
    monkeypatch.undo()
    assert response.status_code == 302 and response.headers["Location"].endswith("/result")
    assert len(commits) == 1
    db.expire_all()
    assert db.get(Attempt, attempt_id).closed_by_deadline is True


def review_items(page: str) -> list[tuple[str, str]]:
    """(verdict class, verdict text) of each reviewed question, in order."""
    return re.findall(r'<p class="lms-verdict lms-verdict-(\w+)"><span aria-hidden="true">(.)</span> ([^<(]+)',
                      page)


def test_the_review_marks_each_question_with_a_sign_and_a_word_and_lists_options(
        learner_client, make_quiz_course, db):
    make_quiz_course(review="after_last_attempt", max_attempts=1, multiple_scoring="partial")
    attempt_id = start(learner_client)
    answers = {**WRONG, "phishing": CORRECT["phishing"],
               "twofa": {"pick": ["Bật xác thực hai lớp"]}}  # one of two right picks: half
    answer_all(learner_client, db, attempt_id, answers)
    learner_client.post(f"/attempts/{attempt_id}/submit")
    page = learner_client.get(f"/attempts/{attempt_id}/result").get_data(as_text=True)
    order = keys_in_order(db, attempt_id)
    expected = {"phishing": ("correct", "✓", "Đúng"), "twofa": ("partial", "◐", "Đúng một phần")}
    assert [(cls, sign, word.strip()) for cls, sign, word in review_items(page)] == [
        expected.get(key, ("wrong", "✗", "Sai")) for key in order]
    assert "(50\u00a0%)" in page  # the partial credit, written the Vietnamese way
    # The two correct choices of "twofa" are two list items, not one ".;"-joined line.
    assert "<li>Bật xác thực hai lớp</li>" in page and "<li>Dùng cụm mật khẩu dài</li>" in page
    assert "; " not in re.sub(r"<[^>]+>", "", page.split('class="lms-review"')[1])
    assert "Còn " not in page  # no attempt left: nothing says one is
    learner_client.post("/language", data={"locale": "en", "next": "/"})
    page = learner_client.get(f"/attempts/{attempt_id}/result").get_data(as_text=True)
    assert {word.strip() for _cls, _sign, word in review_items(page)} == {"Right", "Partly right", "Wrong"}
    assert "Score: 30%" in page  # (1 + 0.5) / 5, the English way


def test_a_timed_attempt_shows_the_minutes_left_as_text_and_loads_the_countdown(
        learner_client, make_quiz_course, db, app):
    from lms.db import utcnow

    make_quiz_course(time_limit_minutes=10)
    attempt_id = start(learner_client)
    attempt = db.get(Attempt, attempt_id)
    for seconds, text in ((125, "Còn 2 phút"), (45, "Còn chưa đến 1 phút"), (-10, "Đã hết giờ")):
        attempt.deadline_dt = utcnow() + dt.timedelta(seconds=seconds)
        db.commit()
        for url in (f"/attempts/{attempt_id}/questions/1", f"/attempts/{attempt_id}/submit"):
            page = learner_client.get(url).get_data(as_text=True)
            assert f'<strong class="lms-countdown">{text}</strong>' in page, (seconds, url)
            left = int(re.search(r'data-seconds-left="(\d+)"', page).group(1))
            assert max(seconds, 0) - 5 <= left <= max(seconds, 0)
            src = re.search(r'<script src="(/static/countdown\.[0-9a-f]+\.js)" defer></script>',
                            page).group(1)  # a content-hashed name (lms/assets.py)
    script = learner_client.get(src)
    script.close()
    assert script.status_code == 200


def test_an_untimed_attempt_has_no_countdown(learner_client, make_quiz_course):
    make_quiz_course()
    attempt_id = start(learner_client)
    page = learner_client.get(f"/attempts/{attempt_id}/questions/1").get_data(as_text=True)
    assert "data-countdown" not in page and "/static/countdown." not in page
