"""A host's question type is shown and reviewed by what it brings: its own template on
the question page and its own review text, with no edit of the LMS's templates."""
import re

import pytest
import yaml
from flask import Flask

from lms.extension import LMS
from quizzes.grading import Grade
from quizzes.question_types import QuestionType
from tests.conftest import make_test_config, pack_files

HOST_TEMPLATE = """<div class="lms-field"><label for="scale">Mức độ (1–10)</label>
<input type="number" min="1" max="10" name="answer" id="scale" data-host-scale
 value="{{ saved.get('value', '') }}"></div>"""


class ScaleQuestion(QuestionType):
    """The learner rates 1–10; right within one point of the payload's value."""

    name = "scale"
    label = {"vi": "Thang điểm", "en": "Scale"}
    template = "host/scale.html"

    @classmethod
    def validate(cls, payload):
        return [] if isinstance(payload.get("target"), int) else ["target must be a whole number"]

    @classmethod
    def grade(cls, payload, response, settings=None):
        try:
            right = abs(int(response.get("value", "")) - payload["target"]) <= 1
        except ValueError:
            right = False
        return Grade(score=1.0 if right else 0.0, is_correct=right)

    @classmethod
    def describe_answer(cls, payload, answer, lang):
        value = (answer or {}).get("value")
        return f"SCALE-GIVEN {value} / 10" if value else "—"

    @classmethod
    def describe_correct(cls, payload, lang):
        return f"SCALE-KEY {payload['target'] - 1}–{payload['target'] + 1}"

    @classmethod
    def feedback_for(cls, payload, answer, lang):
        return ["SCALE-FEEDBACK close enough counts"]


@pytest.fixture
def app(engine, tmp_path):
    templates = tmp_path / "host_templates"
    (templates / "host").mkdir(parents=True)
    (templates / "host" / "scale.html").write_text(HOST_TEMPLATE, encoding="utf-8")
    flask_app = Flask("lms", instance_path=str(tmp_path / "instance"), static_folder=None,
                      template_folder=str(templates))
    flask_app.config.update(make_test_config())
    LMS(flask_app, engine=engine)
    flask_app.extensions["lms"].question_types.register(ScaleQuestion)
    return flask_app


@pytest.fixture
def scale_course(app, db, app_context):
    from courses.pack_operations import import_pack
    from courses.pack_validation import validate_pack

    files = pack_files(code="SCALE1", lessons=1, media=False)
    files["quiz.yaml"] = yaml.safe_dump({"settings": {"review": "after_passing"}, "questions": [{
        "id": "rating", "type": "scale",
        "text": {"vi": "Mức độ rủi ro của mật khẩu 123456?", "en": "How risky is 123456?"},
        "payload": {"target": 9},
        "explanation": {"vi": "Rất dễ đoán.", "en": "Trivial to guess."}}]}, allow_unicode=True).encode()
    with app_context():
        pack, errors = validate_pack(files, app.extensions["lms"].pack_parts)
        assert errors == [], errors
        course = import_pack(pack, publish=True).course
        db.commit()
    return course


def test_a_host_type_is_shown_by_its_template_and_reviewed_by_its_text(
        client, create_learner, login, scale_course):
    create_learner("Hoàng Văn Nam", username="nam")
    login("nam")
    client.post("/courses/SCALE1/enrol")
    started = client.post("/courses/SCALE1/quiz/start")
    attempt_id = int(re.match(r"/attempts/(\d+)/questions/1$", started.headers["Location"]).group(1))
    page = client.get(f"/attempts/{attempt_id}/questions/1")
    assert page.status_code == 200
    assert 'data-host-scale' in page.text and 'id="scale"' in page.text  # its own template
    assert 'id="answer"' not in page.text  # not the LMS's text input
    assert "SCALE-KEY" not in page.text and "target" not in page.text  # no key before grading
    saved = client.post(f"/attempts/{attempt_id}/questions/1", data={"answer": "8", "go": "submit"})
    assert saved.status_code == 302
    assert client.post(f"/attempts/{attempt_id}/submit").status_code == 302
    result = client.get(f"/attempts/{attempt_id}/result")
    assert result.status_code == 200
    assert "SCALE-GIVEN 8 / 10" in result.text
    assert "SCALE-KEY 8–10" in result.text
    assert "SCALE-FEEDBACK close enough counts" in result.text
