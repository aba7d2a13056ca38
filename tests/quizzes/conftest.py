"""Fixtures of the quiz tests: a course with the quiz of tests/quizzes/quiz_helpers.py, and
a signed-in learner."""
import pytest

from tests.quizzes.quiz_helpers import quiz_pack


@pytest.fixture
def make_quiz_course(app, db, app_context):
    from courses.pack_operations import import_pack
    from courses.pack_validation import validate_pack

    def make(lessons=1, **settings):
        with app_context():
            pack, errors = validate_pack(quiz_pack(lessons, **settings), app.extensions["lms"].pack_parts)
            assert errors == [], errors
            course = import_pack(pack, publish=True).course
            db.commit()
        return course

    return make


@pytest.fixture
def learner_client(client, create_learner, login):
    create_learner("Lò Thị Hoa", username="hoa")
    login("hoa")
    return client
