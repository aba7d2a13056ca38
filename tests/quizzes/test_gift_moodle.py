"""Moodle's documented GIFT examples import as Moodle users expect (issue 13 point 15):
partial credit in single choice, missing word, matching, descriptions; essays refused
with their line, or skipped on request and reported; questions without a blank line
between them told so."""
import io
from pathlib import Path

import pytest
import sqlalchemy as sa

from quizzes.gift import GiftParseError, parse_gift
from quizzes.gift_export import export_gift
from quizzes.models import Quiz
from quizzes.question_types import default_registry

DATA = Path(__file__).resolve().parent.parent / "data" / "gift"
EXAMPLES = DATA / "moodle_examples.en.gift"
REGISTRY = default_registry()
ESSAY_LINE = 58


def examples():
    return parse_gift(EXAMPLES.read_text(encoding="utf-8"), "en", skipped=[])


def by_title(title):
    return next(q for q in examples() if q.title == title)


def test_every_example_but_the_essay_is_read_with_its_type_and_line():
    skipped = []
    questions = parse_gift(EXAMPLES.read_text(encoding="utf-8"), "en", skipped=skipped)
    assert [q.type for q in questions] == [
        "single", "single", "short_answer", "matching", "matching", "true_false", "short_answer",
        "numeric", "numeric", "multiple", "description"]
    assert [(e.line, e.code) for e in skipped] == [(ESSAY_LINE, "unsupported-essay")]
    for question in questions:
        assert REGISTRY.get(question.type).validate(question.payload) == [], question.title


def test_without_skipping_the_essay_is_refused_with_its_line():
    with pytest.raises(GiftParseError) as caught:
        parse_gift(EXAMPLES.read_text(encoding="utf-8"), "en")
    assert (caught.value.line, caught.value.code) == (ESSAY_LINE, "unsupported-essay")


def test_single_choice_with_partial_credit_keeps_its_weights():
    tomb = by_title("Tomb")
    assert [(c["text"]["en"], c["weight"], c["correct"]) for c in tomb.payload["choices"]] == [
        ("Grant's wife", 50.0, False), ("no one", 0.0, False), ("Grant", 100.0, True),
        ("Grant's horse", -25.0, False)]
    kind = REGISTRY.get("single")
    scores = {c["text"]["en"]: kind.grade(tomb.payload, {"choice": c["id"]}).score
              for c in tomb.payload["choices"]}
    assert scores == {"Grant's wife": 0.5, "no one": 0.0, "Grant": 1.0, "Grant's horse": 0.0}
    assert kind.feedback_for(tomb.payload, {"choice": "c1"}, "en") == ["Half right: both are buried there."]


def test_missing_word_questions_keep_their_sentence_with_a_blank():
    grant, paris = examples()[1:3]
    assert grant.type == "single" and grant.payload["blank"] is True
    assert grant.text == {"en": "Grant is _____ in Grant's tomb."}
    assert [c["text"]["en"] for c in grant.payload["choices"] if c["correct"]] == ["entombed"]
    assert paris.type == "short_answer" and paris.text == {"en": "_____ is the capital of France."}


def test_matching_keeps_its_pairs_and_extra_answers_and_grades_per_pair():
    ports = by_title("Ports")
    assert [(p["prompt"] and p["prompt"]["en"], p["answer"]["en"]) for p in ports.payload["pairs"]] == [
        ("HTTPS", "443"), ("SSH", "22"), ("SMTP", "25"), (None, "3389")]
    kind = REGISTRY.get("matching")
    assert kind.grade(ports.payload, {"matches": {"m1": "m1", "m2": "m4", "m3": "m3"}}).score == pytest.approx(2 / 3)
    animals = by_title("Animals")
    # Cat and Dog share "mammal": one option, right for both.
    assert len(kind.option_values(animals.payload)) == 2
    assert kind.grade(animals.payload, {"matches": {"m1": "m1", "m2": "m1", "m3": "m3"}}).score == 1.0


def test_weights_of_the_other_documented_types():
    year, pick = by_title("Year"), by_title("Pick")
    assert [a["fraction"] for a in year.payload["answers"]] == [1.0, 0.5]
    assert [c["weight"] for c in pick.payload["choices"]] == [50.0, 50.0, -50.0, -50.0]
    assert by_title("Range").payload["answers"][0] | {"feedback": None} == {
        "value": 3.0, "tolerance": 2.0, "fraction": 1.0, "feedback": None}


def test_a_description_is_an_information_item_not_graded():
    description = examples()[-1]
    assert description.type == "description" and description.payload == {}
    assert REGISTRY.get("description").graded is False


def test_the_examples_round_trip():
    questions = examples()
    assert parse_gift(export_gift(questions, "en"), "en") == questions


# --- the command and the author page ----------------------------------------------------

def quiz_questions(db, course):
    db.expire_all()
    quiz = db.scalars(sa.select(Quiz).where(Quiz.course_id == course.id)).one_or_none()
    return [] if quiz is None else list(quiz.questions)


def test_the_command_refuses_an_essay_and_names_its_line(app, create_course, db):
    course = create_course(code="MOODLE1", publish=False)
    result = app.test_cli_runner().invoke(args=["lms", "import-gift", str(EXAMPLES), "--course",
                                                "MOODLE1", "--lang", "en"])
    assert result.exit_code == 1
    assert f"dòng {ESSAY_LINE}: câu tự luận không chấm tự động được" in result.output
    assert quiz_questions(db, course) == []


def test_the_command_skips_unsupported_questions_and_reports_each(app, create_course, db):
    course = create_course(code="MOODLE2", publish=False)
    result = app.test_cli_runner().invoke(args=["lms", "import-gift", str(EXAMPLES), "--course",
                                                "MOODLE2", "--lang", "en", "--skip-unsupported"])
    assert result.exit_code == 0, result.output
    assert f"dòng {ESSAY_LINE}: đã bỏ qua: câu tự luận" in result.output
    assert "11 question(s) added to MOODLE2 v1, 1 skipped." in result.output
    stored = quiz_questions(db, course)
    assert [q.type for q in stored].count("matching") == 2
    assert "description" in [q.type for q in stored]


@pytest.fixture
def author_client(client, create_learner, login):
    create_learner("Tác Giả GIFT", username="tacgia-gift", roles=["author"])
    login("tacgia-gift")
    return client


def upload(client, course, data: bytes, **fields):
    return client.post(f"/author/courses/{course.id}/gift",
                       data={"gift": (io.BytesIO(data), "moodle.gift"), "lang": "en", **fields},
                       content_type="multipart/form-data")


def test_the_page_refuses_the_essay_then_skips_it_when_asked(author_client, create_course, db):
    course = create_course(code="MOODLE3", publish=False)
    page = upload(author_client, course, EXAMPLES.read_bytes()).get_data(as_text=True)
    assert "Không có dữ liệu nào được nhập" in page
    assert f"dòng {ESSAY_LINE}: câu tự luận" in page and quiz_questions(db, course) == []
    assert 'name="skip_unsupported"' in page
    response = upload(author_client, course, EXAMPLES.read_bytes(), skip_unsupported="y")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Đã bỏ qua 1 câu hỏi" in page and f"dòng {ESSAY_LINE}: đã bỏ qua: câu tự luận" in page
    assert len(quiz_questions(db, course)) == 11


def test_questions_without_a_blank_line_between_them_are_told_so(author_client, create_course, db):
    course = create_course(code="MOODLE4", publish=False)
    data = "::A::First question? {T}\n::B::Second question? {F}\n".encode()
    page = upload(author_client, course, data).get_data(as_text=True)
    assert "dòng 2: một câu hỏi mới bắt đầu ở đây mà không có dòng trống phía trước" in page
    assert "điền khuyết" not in page.split("lms-error-summary")[1].split("</div>")[0]
    assert quiz_questions(db, course) == []


@pytest.mark.parametrize(("payload", "fragment"), [
    ({"choices": [{"id": "a", "text": {"en": "x"}, "correct": True, "weight": 50},
                  {"id": "b", "text": {"en": "y"}, "correct": False, "weight": 0}]}, "iff weight is 100"),
    ({"choices": [{"id": "a", "text": {"en": "x"}, "correct": True, "weight": 100},
                  {"id": "b", "text": {"en": "y"}, "correct": False}]}, "every choice has a weight"),
    ({"choices": [{"id": "a", "text": {"en": "x"}, "correct": True, "weight": 100},
                  {"id": "b", "text": {"en": "y"}, "correct": False, "weight": -150}]}, "from -100 to 100"),
    ({"blank": "yes", "choices": [{"id": "a", "text": {"en": "x"}, "correct": True},
                                  {"id": "b", "text": {"en": "y"}, "correct": False}]}, "blank must be"),
])
def test_single_choice_weights_and_blanks_are_checked(payload, fragment):
    assert any(fragment in problem for problem in REGISTRY.get("single").validate(payload))


@pytest.mark.parametrize(("payload", "fragment"), [
    ({"pairs": [{"id": "m1", "prompt": {"en": "a"}, "answer": {"en": "1"}}]}, "at least 2"),
    ({"pairs": [{"id": "m1", "prompt": {"en": "a"}, "answer": {"en": "1"}},
                {"id": "m1", "prompt": {"en": "b"}, "answer": {"en": "2"}}]}, "unique"),
    ({"pairs": [{"id": "m1", "prompt": {"en": "a"}, "answer": {"en": "1"}},
                {"id": "m2", "prompt": {"en": "b"}, "answer": None}]}, "answer must be"),
    ({"pairs": "m1"}, "pairs must be a list"),
])
def test_matching_payloads_are_checked(payload, fragment):
    assert any(fragment in problem for problem in REGISTRY.get("matching").validate(payload))


def test_stored_examples_export_and_import_again_unchanged(app, create_course, db, tmp_path):
    """The round trip through the database: import (skipping the essay), export, import
    into another draft: the same types, texts and payloads, matching and blanks included."""
    create_course(code="MOODLE5", publish=False)
    target = create_course(code="MOODLE6", publish=False)
    runner = app.test_cli_runner()
    runner.invoke(args=["lms", "import-gift", str(EXAMPLES), "--course", "MOODLE5", "--lang", "en",
                        "--skip-unsupported"])
    exported = tmp_path / "round.gift"
    result = runner.invoke(args=["lms", "export-gift", "--course", "MOODLE5", "--lang", "en",
                                 "--output", str(exported)])
    assert result.exit_code == 0, result.output
    result = runner.invoke(args=["lms", "import-gift", str(exported), "--course", "MOODLE6", "--lang", "en"])
    assert result.exit_code == 0, result.output
    stored = [(q.type, q.text, q.payload) for q in quiz_questions(db, target)]
    assert stored == [(q.type, q.text, q.payload) for q in examples()]
