"""Real threads against the real database (SQLite here, PostgreSQL in CI): a double
submit grades once, parallel starts never exceed the limit or open two attempts."""
import threading

import pytest
import sqlalchemy as sa
from flask import g

from lms.db import Database
from quizzes import operations
from quizzes.models import Attempt, AttemptState, Quiz
from tests.conftest import pack_files


@pytest.fixture
def committed_world(app, engine, commits_for_real):
    """A published course with a quiz and one learner, committed for real (threads need
    to see them), removed afterwards."""
    from courses.models import Course
    from courses.pack_operations import import_pack
    from courses.pack_validation import validate_pack
    from lms.accounts import operations as accounts
    from lms.accounts.models import Learner

    database = Database(engine)
    with app.app_context():
        session = database.new_session(for_write=True)
        g._lms_session = session
        files = pack_files(code="RACEQ1", lessons=1, media=False, quiz=True)
        pack, errors = validate_pack(files, app.extensions["lms"].pack_parts)
        assert errors == []
        pack.parts["quiz.yaml"].settings["max_attempts"] = 1
        course = import_pack(pack, publish=True).course
        learner = accounts.create_learner(full_name="Người Thi", staff_code="RACEQ-1")
        session.commit()
        quiz_id = session.scalar(sa.select(Quiz.id).where(Quiz.course_id == course.id))
        ids = {"quiz": quiz_id, "learner": learner.id}
        session.close()
        g.pop("_lms_session")
    yield database, ids
    with database.write_session() as session:
        session.execute(sa.delete(Attempt).where(Attempt.quiz_id == ids["quiz"]))
        session.execute(sa.delete(Course).where(Course.code == "RACEQ1"))
        session.execute(sa.delete(Learner).where(Learner.staff_code == "RACEQ-1"))
        session.commit()


def run_in_threads(app, database, count, work):
    """Run ``work(session)`` in ``count`` threads started together; collect results/errors."""
    barrier = threading.Barrier(count)
    results, errors = [], []

    def worker():
        with app.app_context():
            session = database.new_session(for_write=True)
            g._lms_session = session
            try:
                barrier.wait(timeout=10)
                results.append(work(session))
                session.commit()
            except Exception as error:  # collected and asserted by the caller
                session.rollback()
                errors.append(repr(error))
            finally:
                session.close()

    threads = [threading.Thread(target=worker) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors


def test_parallel_starts_open_one_attempt(app, committed_world):
    database, ids = committed_world

    def start(session):
        quiz = session.get(Quiz, ids["quiz"])
        return operations.start_attempt(quiz, ids["learner"]).id

    results, errors = run_in_threads(app, database, 4, start)
    assert errors == []
    assert len(set(results)) == 1  # every tab got the same attempt
    with database.write_session() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(Attempt)
                              .where(Attempt.quiz_id == ids["quiz"])) == 1


def test_double_submit_grades_once_and_both_see_the_same_result(app, committed_world):
    database, ids = committed_world
    submitted = []
    from lms import signals

    def on_submitted(sender, attempt, **kwargs):
        submitted.append(attempt.id)

    with app.app_context():
        session = database.new_session(for_write=True)
        g._lms_session = session
        attempt = operations.start_attempt(session.get(Quiz, ids["quiz"]), ids["learner"])
        question = attempt.quiz.questions[0]
        operations.save_answer(attempt, question, {"value": True})
        session.commit()
        attempt_id = attempt.id
        session.close()
        g.pop("_lms_session")
    signals.quiz_submitted.connect(on_submitted, sender=app)
    try:
        def submit(session):
            attempt = operations.submit_attempt(session.get(Attempt, attempt_id))
            return (attempt.state, attempt.score, attempt.passed)

        results, errors = run_in_threads(app, database, 3, submit)
    finally:
        signals.quiz_submitted.disconnect(on_submitted, sender=app)
    assert errors == []
    assert submitted == [attempt_id]  # graded exactly once
    assert set(results) == {(AttemptState.SUBMITTED, 1.0, True)}


def test_attempt_limit_holds_under_parallel_starts_after_a_finished_attempt(app, committed_world):
    database, ids = committed_world
    with app.app_context():
        session = database.new_session(for_write=True)
        g._lms_session = session
        attempt = operations.start_attempt(session.get(Quiz, ids["quiz"]), ids["learner"])
        operations.submit_attempt(attempt)
        session.commit()
        session.close()
        g.pop("_lms_session")

    def start(session):
        try:
            return operations.start_attempt(session.get(Quiz, ids["quiz"]), ids["learner"]).id
        except operations.QuizError:
            return "refused"

    results, errors = run_in_threads(app, database, 3, start)
    assert errors == []
    assert results == ["refused"] * 3
    with database.write_session() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(Attempt)
                              .where(Attempt.quiz_id == ids["quiz"])) == 1
