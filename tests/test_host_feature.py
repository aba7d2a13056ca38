"""A host's own feature is a package plus one line in ``LMS_FEATURES``: its page is nested
under the LMS, its command under ``flask lms``, its link in the menu, its section on the
home page, its completion requirement in the course's decision, its export format in the
registry. Nothing in the LMS was edited for it (tests/demo_feature)."""
import pytest
import sqlalchemy as sa

from courses.models import CourseCompletion
from lms import features
from tests import demo_feature
from tests.conftest import PASSWORD


@pytest.fixture
def app_config():
    return {"LMS_FEATURES": [*features.FEATURES, "tests.demo_feature"], "LMS_URL_PREFIX": "/learn"}


@pytest.fixture
def signed_in(client, create_learner):
    learner = create_learner("Vi Thị Lan", username="lan")
    client.post("/learn/auth/login", data={"username": "lan", "password": PASSWORD})
    return client, learner


def test_the_host_feature_is_wired_in(app):
    state = app.extensions["lms"]
    assert state.features[-1] == "tests.demo_feature"
    assert "lms.demo.page" in {rule.endpoint for rule in app.url_map.iter_rules()}
    assert state.export_formats.get("demo-csv") == {"media_type": "text/csv"}
    result = app.test_cli_runner().invoke(args=["lms", "demo-hello"])
    assert result.exit_code == 0 and "hello from lms" in result.output


def test_the_host_feature_shows_in_the_menu_and_home(app, signed_in):
    client, _learner = signed_in
    home = client.get("/learn/")
    assert home.status_code == 200
    assert "Demo section for Vi Thị Lan" in home.text
    assert 'href="/learn/demo-feature"' in home.text and "Demo feature link" in home.text
    page = client.get("/learn/demo-feature")
    assert page.status_code == 200 and page.text == "demo feature page"
    assert page.headers["X-Content-Type-Options"] == "nosniff"  # the LMS's hooks apply


def test_the_host_requirement_takes_part_in_completion(app, db, create_learner, create_course,
                                                       app_context):
    from courses import operations

    course = create_course(code="SURVEY", lessons=1)
    learner = create_learner("Lục Văn Tâm")
    with app_context():
        enrollment = operations.enrol(learner, course)
        operations.mark_lesson_done(enrollment, course.lessons[0], learner)
        assert db.scalars(sa.select(CourseCompletion)).all() == []  # the survey is missing
        demo_feature.SURVEYS_DONE.add(learner.id)
        try:
            completion = operations.complete_course_if_done(enrollment, learner)
        finally:
            demo_feature.SURVEYS_DONE.discard(learner.id)
    assert completion is not None and completion.course_id == course.id
