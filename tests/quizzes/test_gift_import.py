"""GIFT into a course's quiz through the command and the author page; all or nothing."""
import io
from pathlib import Path

import pytest
import sqlalchemy as sa

from quizzes.gift import parse_gift
from quizzes.models import Question, Quiz

GIFT_DIR = Path(__file__).resolve().parent.parent / "data" / "gift"


def questions_of(db, course):
    db.expire_all()
    quiz = db.scalars(sa.select(Quiz).where(Quiz.course_id == course.id)).one_or_none()
    return [] if quiz is None else list(quiz.questions)


def test_cli_imports_every_question_of_a_real_file(app, create_course, db):
    course = create_course(code="GIFT01", publish=False)
    source = GIFT_DIR / "an_toan_thong_tin.vi.gift"
    expected = parse_gift(source.read_text(encoding="utf-8"))
    result = app.test_cli_runner().invoke(args=["lms", "import-gift", str(source), "--course", "GIFT01"])
    assert result.exit_code == 0, result.output
    stored = questions_of(db, course)
    assert [(q.type, q.text, q.payload) for q in stored] == [(p.type, p.text, p.payload) for p in expected]


@pytest.mark.parametrize("name", ["invalid_essay.gift", "invalid_embedded.gift", "invalid_no_blank_line.gift"])
def test_unsupported_gift_imports_nothing_and_names_the_line(app, create_course, db, name):
    course = create_course(code="GIFT02", quiz=True, publish=False)
    before = len(questions_of(db, course))
    source = GIFT_DIR / name
    expected_line = source.read_text(encoding="utf-8").split("line=")[1].split()[0]
    result = app.test_cli_runner().invoke(args=["lms", "import-gift", str(source), "--course", "GIFT02"])
    assert result.exit_code == 1
    assert f"dòng {expected_line}:" in result.output
    assert len(questions_of(db, course)) == before


def test_export_then_import_gives_the_same_questions(app, create_course, db, tmp_path):
    source = create_course(code="GIFT03", publish=False)
    target = create_course(code="GIFT04", publish=False)
    runner = app.test_cli_runner()
    runner.invoke(args=["lms", "import-gift", str(GIFT_DIR / "security_basics.en.gift"),
                        "--course", "GIFT03", "--lang", "en"])
    exported = tmp_path / "out.gift"
    result = runner.invoke(args=["lms", "export-gift", "--course", "GIFT03", "--lang", "en",
                                 "--output", str(exported)])
    assert result.exit_code == 0, result.output
    result = runner.invoke(args=["lms", "import-gift", str(exported), "--course", "GIFT04", "--lang", "en"])
    assert result.exit_code == 0, result.output
    original, copy = questions_of(db, source), questions_of(db, target)
    assert [(q.type, q.text, q.payload) for q in copy] == [(q.type, q.text, q.payload) for q in original]
    assert len(original) > 3


def test_author_upload_page(client, create_learner, login, create_course, db):
    create_learner("Tác Giả", username="tacgia", roles=["author"])
    login("tacgia")
    course = create_course(code="GIFT05", publish=False)
    data = (GIFT_DIR / "an_toan_thong_tin.vi.gift").read_bytes()
    response = client.post(f"/author/courses/{course.id}/gift",
                           data={"gift": (io.BytesIO(data), "cau-hoi.gift"), "lang": "vi"},
                           content_type="multipart/form-data")
    assert response.headers["Location"] == f"/author/courses/{course.id}/preview"
    assert len(questions_of(db, course)) > 0
    bad = (GIFT_DIR / "invalid_essay.gift").read_bytes()
    count = len(questions_of(db, course))
    page = client.post(f"/author/courses/{course.id}/gift",
                       data={"gift": (io.BytesIO(bad), "x.gift"), "lang": "vi"},
                       content_type="multipart/form-data").get_data(as_text=True)
    assert "Không có dữ liệu nào được nhập" in page and "dòng 6: câu tự luận không chấm tự động được" in page
    assert len(questions_of(db, course)) == count
    exported = client.get(f"/author/courses/{course.id}/gift/export")
    assert exported.status_code == 200 and "::" in exported.get_data(as_text=True)


def test_not_utf8_gift_is_refused(app, create_course, db, tmp_path):
    course = create_course(code="GIFT06", publish=False)
    path = tmp_path / "cp1258.gift"
    path.write_bytes("Câu hỏi {T}".encode("utf-16"))
    result = app.test_cli_runner().invoke(args=["lms", "import-gift", str(path), "--course", "GIFT06"])
    assert result.exit_code == 1 and "UTF-8" in result.output
    assert questions_of(db, course) == []
    assert db.scalar(sa.select(sa.func.count()).select_from(Question)) == 0
