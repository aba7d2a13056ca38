"""Saving and grading never interleave, with real threads and real HTTP requests on the
test database (SQLite by default, PostgreSQL with LMS_TEST_DATABASE_URL).

For each of ATTEMPTS attempts, SAVES autosave requests and one submit start together.
Afterwards: no response was saved after its attempt's ``submitted_dt``, every response
and every attempt is graded, and each late save got 409 with the message an answer
after the deadline gets.
"""
import datetime as dt
import threading

import pytest
import sqlalchemy as sa
import yaml

from lms.db import Database
from quizzes.models import Attempt, AttemptState, Question, Quiz, Response
from tests.conftest import PASSWORD, pack_files

ATTEMPTS = 32
SAVES = 10
QUESTIONS = [
    {"id": f"tf-{n}", "type": "true_false", "text": {"vi": f"Mệnh đề {n}", "en": f"Statement {n}"},
     "answer": n % 2 == 0, "explanation": {"vi": "Vì vậy.", "en": "Because."}}
    for n in range(3)
] + [
    {"id": f"one-{n}", "type": "single", "text": {"vi": f"Câu {n}", "en": f"Question {n}"},
     "choices": [{"text": {"vi": "Có", "en": "Yes"}, "correct": True},
                 {"text": {"vi": "Không", "en": "No"}, "correct": False}],
     "explanation": {"vi": "Vì vậy.", "en": "Because."}}
    for n in range(2)
]


@pytest.fixture
def race_world(app, engine, commits_for_real):
    """A published quiz of 5 questions and a learner with an account, committed for
    real (the request threads must see them); removed afterwards."""
    from flask import g

    from courses.models import Course, Enrollment
    from courses.pack_operations import import_pack
    from courses.pack_validation import validate_pack
    from lms.accounts import operations as accounts
    from lms.accounts.models import Learner, User

    database = Database(engine)
    files = pack_files(code="RACES1", lessons=1, media=False)
    files["quiz.yaml"] = yaml.safe_dump({"settings": {"questions_per_attempt": 5},
                                         "questions": QUESTIONS}, allow_unicode=True).encode()
    with app.app_context():
        session = database.new_session(for_write=True)
        g._lms_session = session
        pack, errors = validate_pack(files, app.extensions["lms"].pack_parts)
        assert errors == []
        course = import_pack(pack, publish=True).course
        learner = accounts.create_learner(full_name="Người Đua", staff_code="RACES-1")
        accounts.create_account(learner, "nguoidua", PASSWORD)
        session.commit()
        ids = {"quiz": session.scalar(sa.select(Quiz.id).where(Quiz.course_id == course.id)),
               "learner": learner.id}
        session.close()
        g.pop("_lms_session")
    yield database, ids
    with database.write_session() as session:
        session.execute(sa.delete(Attempt).where(Attempt.quiz_id == ids["quiz"]))
        session.execute(sa.delete(Enrollment).where(Enrollment.learner_id == ids["learner"]))
        session.execute(sa.delete(Course).where(Course.code == "RACES1"))
        session.execute(sa.delete(Learner).where(Learner.staff_code == "RACES-1"))
        session.execute(sa.delete(User).where(User.username == "nguoidua"))
        session.commit()


def signed_in_clients(app, count):
    clients = []
    for _ in range(count):
        client = app.test_client()
        assert client.post("/auth/login", data={"username": "nguoidua", "password": PASSWORD}).status_code == 302
        clients.append(client)
    return clients


def start_attempt(client) -> int:
    client.post("/courses/RACES1/enrol")
    location = client.post("/courses/RACES1/quiz/start").headers["Location"]
    return int(location.split("/")[2])


def first_token(database, attempt_id, position) -> str:
    with database.write_session() as session:
        attempt = session.get(Attempt, attempt_id)
        return attempt.choice_orders[str(attempt.question_ids[position - 1])][0][0]


def test_saves_racing_a_submit_are_graded_or_refused(app, race_world):
    database, ids = race_world
    clients = signed_in_clients(app, SAVES + 1)
    outcomes = []  # (status, json) of every save
    for _ in range(ATTEMPTS):
        attempt_id = start_attempt(clients[0])
        tokens = [first_token(database, attempt_id, position) for position in range(1, 6)]
        barrier = threading.Barrier(SAVES + 1)
        errors = []

        def save(client, number):
            position = number % 5 + 1
            try:
                barrier.wait(timeout=10)
                response = client.post(f"/attempts/{attempt_id}/questions/{position}",
                                       data={"answer": tokens[position - 1]},
                                       headers={"Accept": "application/json"})
                outcomes.append((response.status_code, response.get_json()))
            except Exception as error:  # asserted below
                errors.append(repr(error))

        def submit(client):
            try:
                barrier.wait(timeout=10)
                assert client.post(f"/attempts/{attempt_id}/submit").status_code == 302
            except Exception as error:
                errors.append(repr(error))

        threads = [threading.Thread(target=save, args=(clients[n + 1], n)) for n in range(SAVES)]
        threads.append(threading.Thread(target=submit, args=(clients[0],)))
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []

    with database.write_session() as session:
        attempts = session.scalars(sa.select(Attempt).where(Attempt.quiz_id == ids["quiz"])).all()
        assert len(attempts) == ATTEMPTS
        assert all(a.state == AttemptState.SUBMITTED and a.score is not None and a.passed is not None
                   for a in attempts)
        rows = session.execute(
            sa.select(Response.saved_dt, Attempt.submitted_dt, Response.score)
            .join(Attempt, Response.attempt_id == Attempt.id).where(Attempt.quiz_id == ids["quiz"])).all()
        late = [row for row in rows if row.saved_dt > row.submitted_dt]
        ungraded = [row for row in rows if row.score is None]
        assert (late, ungraded) == ([], [])
        stored = len(rows)
    saved = [body for status, body in outcomes if status == 200]
    refused = [body for status, body in outcomes if status == 409]
    assert len(outcomes) == ATTEMPTS * SAVES and len(saved) + len(refused) == len(outcomes)
    assert all(body == {"saved": True} for body in saved)
    assert 0 < stored <= len(saved)  # saves to the same question replace each other
    # A late answer hears what an answer after the deadline hears.
    deadline_message = after_deadline_message(clients[0], database)
    assert {body["error"] for body in refused} <= {deadline_message}
    assert {body["saved"] for body in refused} <= {False}


def after_deadline_message(client, database) -> str:
    attempt_id = start_attempt(client)
    token = first_token(database, attempt_id, 1)
    with database.write_session() as session:
        attempt = session.get(Attempt, attempt_id)
        attempt.deadline_dt = attempt.started_dt - dt.timedelta(hours=1)
        session.commit()
    response = client.post(f"/attempts/{attempt_id}/questions/1", data={"answer": token},
                           headers={"Accept": "application/json"})
    assert response.status_code == 409
    return response.get_json()["error"]


def test_a_save_after_grading_is_refused_at_the_operations_layer(app, race_world):
    """The state is read from the locked row, not from what the caller loaded: a save
    holding an attempt object loaded before the submit is still refused."""
    from flask import g

    from quizzes import operations

    database, ids = race_world
    with app.app_context():
        session = database.new_session(for_write=True)
        g._lms_session = session
        attempt = operations.start_attempt(session.get(Quiz, ids["quiz"]), ids["learner"])
        session.commit()
        stale = database.new_session(for_write=True)
        stale_attempt = stale.get(Attempt, attempt.id)  # loaded while in progress
        question = stale.get(Question, stale_attempt.question_ids[0])
        stale.commit()
        operations.submit_attempt(attempt)
        session.commit()
        session.close()
        g._lms_session = stale
        with pytest.raises(operations.QuizError) as refused:
            operations.save_answer(stale_attempt, question, {})
        assert str(refused.value) == str(operations.attempt_closed_message())
        stale.rollback()
        stale.close()
        g.pop("_lms_session")
