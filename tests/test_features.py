"""Features plug into the core through the feature list (lms/features.py).

An app without quizzes (``LMS_FEATURES = ["courses"]``) still runs: courses, the home
page and completion work; quiz pages, quiz commands and the final-quiz requirement are
simply absent. The feature list refuses what cannot work.
"""
import pytest
import sqlalchemy as sa
from flask import Flask

from courses.models import CourseCompletion
from lms import features
from lms.extension import LMS
from tests.conftest import make_test_config


@pytest.fixture
def app_config():
    return {"LMS_FEATURES": ["courses"]}


@pytest.fixture
def signed_in(client, create_learner, login):
    create_learner("Hà Văn Bình", username="binh")
    login("binh")
    return client


def test_without_quizzes_the_registries_hold_only_what_courses_brings(app):
    state = app.extensions["lms"]
    assert state.features == ["courses"]
    assert state.question_types is None
    assert state.completion_requirements.names() == ["lessons"]
    assert state.pack_parts.names() == []
    # The core's admin pages, then only what courses brings.
    assert state.nav_links.names() == ["admin.learners", "admin.units", "admin.import", "admin.audit",
                                       "courses.catalog", "courses.my_learning", "courses.author"]
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert "lms.courses.catalog" in endpoints
    assert not any(e.startswith(("lms.quizzes.", "lms.reports.")) for e in endpoints)


def test_without_quizzes_a_course_completes_on_its_lessons(app, db, signed_in, create_course):
    course = create_course(code="NOQUIZ", lessons=1, quiz=True)  # quiz.yaml: nobody reads it
    home = signed_in.get("/")
    assert home.status_code == 200 and "/my-learning" in home.text  # the courses section
    signed_in.post("/courses/NOQUIZ/enrol")
    page = signed_in.get("/courses/NOQUIZ")
    assert page.status_code == 200 and "/quiz" not in page.text
    assert signed_in.get("/courses/NOQUIZ/quiz").status_code == 404
    signed_in.post("/courses/NOQUIZ/lessons/1/done")
    completions = db.scalars(sa.select(CourseCompletion).where(
        CourseCompletion.course_id == course.id)).all()
    assert len(completions) == 1 and completions[0].score_percent is None


def test_without_quizzes_the_quiz_commands_are_absent(app):
    result = app.test_cli_runner().invoke(args=["lms", "--help"])
    assert result.exit_code == 0
    assert "validate-pack" in result.output and "import-pack" in result.output
    assert "import-gift" not in result.output and "close-overdue" not in result.output
    assert "create-admin" in result.output  # the core's own commands stay


def test_the_default_list_runs_every_shipped_feature(tmp_path, engine):
    flask_app = Flask("full", instance_path=str(tmp_path / "instance"))
    flask_app.config.update(make_test_config())
    LMS(flask_app, engine=engine)
    state = flask_app.extensions["lms"]
    assert state.features == list(features.FEATURES) == ["courses", "quizzes", "lms.credits",
                                                         "certificates", "lms.reports",
                                                         "lms.exports"]
    # The credits feature adds "a verified external completion" (lms/credits/external).
    assert state.completion_requirements.names() == ["lessons", "final_quiz", "external"]
    assert state.pack_parts.names() == ["quiz.yaml"]
    help_text = flask_app.test_cli_runner().invoke(args=["lms", "--help"]).output
    assert "import-gift" in help_text and "close-overdue" in help_text


@pytest.mark.parametrize("names, message", [
    (["quizzes"], "needs courses"),
    (["courses", "lms.reports"], "needs quizzes"),
    (["courses", "no_such_feature_pkg"], "cannot be imported"),
    (["courses", "courses"], "twice"),
    ("courses", "list of dotted package names"),
    (["courses", "lms.i18n"], "has no init_app"),
])
def test_a_feature_list_that_cannot_work_refuses_to_start(tmp_path, engine, names, message):
    flask_app = Flask("broken", instance_path=str(tmp_path / "instance"))
    flask_app.config.update(make_test_config(LMS_FEATURES=names))
    with pytest.raises(features.FeatureError, match=message):
        LMS(flask_app, engine=engine)


def test_two_apps_keep_their_own_features(app, tmp_path, engine):
    """The courses-only app and a full app in one process: commands and receivers are
    per app (a quiz submitted in one never reaches the other's receivers)."""
    from lms import signals

    full = Flask("full", instance_path=str(tmp_path / "instance2"))
    full.config.update(make_test_config())
    LMS(full, engine=engine)
    assert "import-gift" in full.test_cli_runner().invoke(args=["lms", "--help"]).output
    assert "import-gift" not in app.test_cli_runner().invoke(args=["lms", "--help"]).output
    assert app.extensions["lms"].cli is not full.extensions["lms"].cli
    assert bool(signals.quiz_submitted.receivers_for(full))
