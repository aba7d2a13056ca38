"""Importing content packs into the database, course versions, the pack CLI, shipped packs."""
from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
import sqlalchemy as sa

from courses import operations, queries
from courses.models import Course, CourseCompletion, CourseMedia, Enrollment, Lesson
from courses.pack_files import read_folder, read_zip
from courses.pack_operations import PackImportError, import_pack
from courses.pack_validation import competence_codes, validate_pack, vietnamese_word_share
from lms.audit.models import AuditEvent
from quizzes.models import Question, Quiz
from tests.conftest import PASSWORD, TINY_PNG, pack_files

SHIPPED = Path(__file__).resolve().parents[2] / "courses" / "content"
SHIPPED_PACKS = sorted(path.name for path in SHIPPED.iterdir() if (path / "course.yaml").is_file())

#: One question of every built-in type.
RICH_QUIZ = """\
settings:
  questions_per_attempt: 4
  shuffle_choices: false
  max_attempts: 3
  review: after_last_attempt
  multiple_scoring: partial
questions:
  - id: sender
    type: single
    tags: [phishing]
    text: {vi: "Dấu hiệu nào đáng ngờ nhất?", en: "Which sign is most suspicious?"}
    choices:
      - text: {vi: "Địa chỉ gửi lạ", en: "An odd sender address"}
        correct: true
        feedback: {vi: "Đúng vậy.", en: "Right."}
      - text: {vi: "Có lời chào", en: "A greeting"}
        correct: false
      - text: {vi: "Có chữ ký", en: "A signature"}
        correct: false
    explanation: {vi: "Kẻ gian giả mạo địa chỉ.", en: "Crooks fake addresses."}
  - id: safe-habits
    type: multiple
    lesson: 2
    text: {vi: "Chọn thói quen an toàn.", en: "Pick the safe habits."}
    choices:
      - text: {vi: "Bật xác thực hai bước", en: "Turn on two-step sign-in"}
        correct: true
      - text: {vi: "Dùng chung mật khẩu", en: "Share passwords"}
        correct: false
      - text: {vi: "Cập nhật phần mềm", en: "Update software"}
        correct: true
    explanation: {vi: "Hai thói quen đầu tiên và cuối cùng.", en: "The first and the last."}
  - id: report
    type: true_false
    text: {vi: "Cần báo cáo sự cố ngay.", en: "Report incidents at once."}
    answer: true
    explanation: {vi: "Báo sớm giảm thiệt hại.", en: "Early reports limit harm."}
  - id: otp-digits
    type: numeric
    text: {vi: "Mã OTP thường có mấy chữ số?", en: "How many digits has an OTP?"}
    answer: 6
    explanation: {vi: "Thường là sáu.", en: "Usually six."}
  - id: hotline
    type: short_answer
    text: {vi: "Đường dây nóng?", en: "Hotline?"}
    answers: {vi: ["Năm sáu một"], en: ["561"]}
    ignore_diacritics: true
    explanation: {vi: "Số 561.", en: "Number 561."}
"""


def validated(app, files):
    pack, errors = validate_pack(files, app.extensions["lms"].pack_parts)
    assert errors == [], errors
    return pack


@pytest.fixture
def import_files(app, db, app_context):
    """Validate and import a files dict (committed); returns the PackImportResult."""

    def do_import(files, *, publish=True):
        pack = validated(app, files)
        with app_context():
            result = import_pack(pack, publish=publish)
            db.commit()
        return result

    return do_import


def count(db, model, *where) -> int:
    return db.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def imported_events(db, code="TEST01") -> int:
    """`content.pack_imported` events about ``code``. Events of other tests are not counted:
    a test that commits for real may leave one behind, even with a since reused course id."""
    events = db.scalars(sa.select(AuditEvent).where(AuditEvent.action == "content.pack_imported"))
    return sum(1 for event in events if event.details.get("code") == code)


def signed_in_client(app, username):
    client = app.test_client()
    response = client.post("/auth/login", data={"username": username, "password": PASSWORD})
    assert response.status_code == 302, response.text
    return client


def v2_files(**options):
    """Version 2 of the test pack, with titles a learner can tell apart from v1's."""
    files = pack_files(version=2, title_vi="Phiên bản hai về an toàn", **options)
    for name in list(files):
        if name.endswith(".vi.md"):
            files[name] = files[name].replace("title: Bài học số".encode(), "title: Bài mới số".encode())
    return files


# --- versions --------------------------------------------------------------------------

def test_reimporting_the_same_version_is_idempotent(import_files, db):
    first = import_files(pack_files())
    assert first.created is True
    assert imported_events(db) == 1

    second = import_files(pack_files())

    assert second.created is False
    assert second.course.id == first.course.id
    assert count(db, Course, Course.code == "TEST01") == 1
    assert count(db, Lesson, Lesson.course_id == first.course.id) == 2
    assert count(db, CourseMedia, CourseMedia.course_id == first.course.id) == 1
    assert imported_events(db) == 1


def test_reimporting_a_draft_with_publish_publishes_it(import_files, db):
    draft = import_files(pack_files(), publish=False)
    assert draft.course.is_published is False

    again = import_files(pack_files(), publish=True)

    assert again.created is False and again.course.id == draft.course.id
    assert db.get(Course, draft.course.id).is_published is True
    assert count(db, Course, Course.code == "TEST01") == 1


def test_same_version_with_different_content_is_refused(app, import_files, db, app_context):
    original = import_files(pack_files())
    changed = pack_files()
    changed["lessons/02-bai-2.en.md"] += b"\nOne more sentence.\n"
    pack = validated(app, changed)

    with app_context(), pytest.raises(PackImportError) as raised:
        import_pack(pack, publish=True)
    db.rollback()

    assert "TEST01" in str(raised.value)
    assert count(db, Course, Course.code == "TEST01") == 1
    assert "One more sentence" not in db.get(Course, original.course.id).lessons[1].source_en
    assert imported_events(db) == 1


def test_lower_version_than_one_imported_is_refused(app, import_files, db, app_context):
    import_files(pack_files(version=3))
    pack = validated(app, pack_files(version=2))

    with app_context(), pytest.raises(PackImportError) as raised:
        import_pack(pack, publish=True)
    db.rollback()

    assert "TEST01" in str(raised.value)
    assert db.scalars(sa.select(Course.version).where(Course.code == "TEST01")).all() == [3]


def test_new_version_is_a_new_course_and_enrolled_learners_stay_on_theirs(
        app, import_files, db, app_context, create_learner):
    v1 = import_files(pack_files()).course
    early = create_learner("Nguyễn Văn Sớm", username="early")
    with app_context():
        operations.enrol(early, v1)
        db.commit()

    result = import_files(v2_files(lessons=3))

    v2 = result.course
    assert result.created is True and v2.id != v1.id
    assert sorted(db.scalars(sa.select(Course.version).where(Course.code == "TEST01"))) == [1, 2]
    assert [lesson.title_vi for lesson in v2.lessons] == ["Bài mới số 1", "Bài mới số 2", "Bài mới số 3"]
    assert db.get(Course, v1.id).is_published is True  # the old version stays for its learners
    with app_context():
        assert queries.enrollment_for(early.id, "TEST01").course_id == v1.id
        assert queries.current_course("TEST01").id == v2.id

    page = signed_in_client(app, "early").get("/courses/TEST01").text
    assert "An toàn thông tin thử nghiệm" in page
    assert "Bài học số 1" in page and "Bài học số 2" in page
    assert "Phiên bản hai" not in page and "Bài mới số" not in page

    late = create_learner("Trần Thị Muộn", username="late")
    client = signed_in_client(app, "late")
    page = client.get("/courses/TEST01").text
    assert "Phiên bản hai về an toàn" in page
    assert "Bài mới số 3" in page and "Bài học số 1" not in page
    assert client.post("/courses/TEST01/enrol").status_code == 302
    with app_context():
        assert queries.enrollment_for(late.id, "TEST01").course_id == v2.id
        assert queries.enrollment_for(early.id, "TEST01").course_id == v1.id


def test_completion_stays_on_the_version_it_was_earned_on(import_files, db, app_context,
                                                         create_learner):
    v1 = import_files(pack_files()).course  # no quiz: reading every lesson completes it
    learner = create_learner("Lê Văn Xong")
    with app_context():
        enrollment = operations.enrol(learner, v1)
        for lesson in v1.lessons:
            assert operations.mark_lesson_done(enrollment, lesson, learner) is True
        db.commit()
    completion = db.scalar(sa.select(CourseCompletion).where(CourseCompletion.learner_id == learner.id))
    assert completion is not None and completion.course_id == v1.id

    v2 = import_files(v2_files()).course

    completions = db.scalars(sa.select(CourseCompletion)
                             .where(CourseCompletion.learner_id == learner.id)).all()
    assert [(c.course_code, c.course_id) for c in completions] == [("TEST01", v1.id)]
    assert v2.id != v1.id
    enrollment = db.scalar(sa.select(Enrollment).where(Enrollment.learner_id == learner.id))
    assert (enrollment.course_id, enrollment.lessons_done) == (v1.id, 2)


# --- what is stored --------------------------------------------------------------------

def test_quiz_questions_are_stored_with_lettered_choices(import_files, db):
    files = pack_files()
    files["quiz.yaml"] = RICH_QUIZ.encode()

    course = import_files(files).course

    quiz = db.scalar(sa.select(Quiz).where(Quiz.course_id == course.id))
    expected_settings = {"questions_per_attempt": 4, "shuffle_questions": True,  # default kept
                         "shuffle_choices": False, "time_limit_minutes": None, "max_attempts": 3,
                         "wait_minutes": 0, "review": "after_last_attempt",
                         "multiple_scoring": "partial"}
    assert {key: quiz.settings.get(key, "missing") for key in expected_settings} == expected_settings
    questions = db.scalars(sa.select(Question).where(Question.quiz_id == quiz.id)
                           .order_by(Question.number)).all()
    assert [(q.number, q.key, q.type) for q in questions] == [
        (1, "sender", "single"), (2, "safe-habits", "multiple"), (3, "report", "true_false"),
        (4, "otp-digits", "numeric"), (5, "hotline", "short_answer")]
    single, multiple, true_false, numeric, short = questions
    assert [c["id"] for c in single.payload["choices"]] == ["a", "b", "c"]
    assert [c["correct"] for c in single.payload["choices"]] == [True, False, False]
    assert single.payload["choices"][0]["text"] == {"vi": "Địa chỉ gửi lạ", "en": "An odd sender address"}
    assert single.payload["choices"][0]["feedback"] == {"vi": "Đúng vậy.", "en": "Right."}
    assert single.payload["choices"][1]["feedback"] is None
    assert single.tags == ["phishing"]
    assert multiple.tags == ["lesson-02"]  # "lesson: 2" is stored as a tag, no column of its own
    assert single.text == {"vi": "Dấu hiệu nào đáng ngờ nhất?", "en": "Which sign is most suspicious?"}
    assert single.explanation == {"vi": "Kẻ gian giả mạo địa chỉ.", "en": "Crooks fake addresses."}
    assert [(c["id"], c["correct"]) for c in multiple.payload["choices"]] == [
        ("a", True), ("b", False), ("c", True)]
    assert true_false.payload == {"answer": True}
    assert numeric.payload == {"answers": [{"value": 6.0, "tolerance": 0.0, "fraction": 1.0}]}
    assert short.payload == {"answers": [{"text": "Năm sáu một", "fraction": 1.0},
                                         {"text": "561", "fraction": 1.0}],
                             "ignore_diacritics": True}


def test_a_pack_without_quiz_stores_no_quiz(import_files, db):
    course = import_files(pack_files()).course

    assert count(db, Quiz, Quiz.course_id == course.id) == 0


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def article_of(page: str) -> str:
    match = re.search(r'<article class="lms-lesson"[^>]*>(.*?)</article>', page, re.DOTALL)
    assert match, "the lesson page has no lesson article"
    # The page's own aids (progress line, contents list) are not the pack's content.
    article = re.sub(r'<p class="lms-lesson-top">.*?</p>', "", match.group(1), flags=re.DOTALL)
    return re.sub(r'<nav class="lms-toc".*?</nav>', "", article, flags=re.DOTALL)


def test_lesson_html_is_sanitised_and_images_point_at_the_course_media(
        app, import_files, db, app_context, create_learner):
    files = pack_files()
    files["lessons/01-bai-1.vi.md"] += (
        "\nNội dung thêm <script>alert('xss')</script> cho bài này.\n\n"
        "<iframe src=\"https://evil.example/\"></iframe>\n\n"
        "<img src=\"x\" onerror=\"alert(2)\">\n\n"
        "[Trang chính thức](https://example.gov.vn)\n").encode()
    course = import_files(files).course
    for lesson in course.lessons:
        for html in (lesson.html_vi, lesson.html_en):
            assert "<script" not in html and "<iframe" not in html and "<img src=\"x\"" not in html
    learner = create_learner("Phạm Thị Đọc", username="reader")
    with app_context():
        operations.enrol(learner, course)
        db.commit()
    client = signed_in_client(app, "reader")

    response = client.get("/courses/TEST01/lessons/1")

    assert response.status_code == 200
    page = response.text
    assert "<script" not in page.lower() and "<iframe" not in page.lower()
    parser = _Tags()
    parser.feed(article_of(page))
    images = [attrs for tag, attrs in parser.tags if tag == "img"]
    assert [image["src"] for image in images] == [f"/course-media/{course.id}/media/pic.png"]
    assert images[0]["alt"] == "Sơ đồ minh họa"
    assert not any(name.startswith("on") for _tag, attrs in parser.tags for name in attrs)
    assert {tag for tag, _attrs in parser.tags} <= {"h1", "h2", "p", "img", "a"}
    assert ("a", {"href": "https://example.gov.vn", "rel": "noopener noreferrer"}) in parser.tags
    picture = client.get(images[0]["src"])
    assert picture.status_code == 200
    assert picture.mimetype == "image/png" and picture.data == TINY_PNG

    english = client.get("/courses/TEST01/lessons/1?lang=en").text
    assert "This is lesson 1 about protecting" in article_of(english)
    assert f'src="/course-media/{course.id}/media/pic.png"' in article_of(english)


# --- the CLI ---------------------------------------------------------------------------

def write_folder(root: Path, files: dict[str, bytes]) -> Path:
    for name, data in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return root


def run_cli(app, *args):
    """`flask lms ARGS` as the `flask` command runs it: its FlaskGroup pushes an app context
    before the command starts. (The test runner alone does not: see the test below.)"""
    with app.app_context():
        return app.test_cli_runner().invoke(args=["lms", *args])


def test_pack_commands_run_under_the_flask_test_runner(app, tmp_path):
    """FlaskCliRunner, like any caller that is not Flask's own `flask` command, pushes no app
    context: a command must bring its own (``with_appcontext``), as `lms create-admin` does."""
    folder = write_folder(tmp_path / "good-pack", pack_files())

    result = app.test_cli_runner().invoke(args=["lms", "validate-pack", str(folder)])

    assert result.exit_code == 0, repr(result.exception)
    assert "TEST01 v1: 2 lessons, 0 quiz questions — OK" in result.output


def test_cli_validate_pack_accepts_a_good_folder(app, tmp_path):
    folder = write_folder(tmp_path / "good-pack", pack_files(quiz=True))

    result = run_cli(app, "validate-pack", str(folder))

    assert result.exit_code == 0, result.output
    assert "TEST01 v1: 2 lessons, 1 quiz questions — OK" in result.output


@pytest.mark.parametrize("app_config", [{"LMS_DEFAULT_LOCALE": "en"}])
def test_cli_validate_pack_lists_every_problem_of_a_bad_folder(app, tmp_path):
    files = pack_files()
    files["course.yaml"] = files["course.yaml"].replace(b"version: 1", b"version: 0")
    version_line = files["course.yaml"].decode().splitlines().index("version: 0") + 1
    files["lessons/01-bai-1.en.md"] = files["lessons/01-bai-1.en.md"].replace(
        b"media/pic.png", b"media/gone.png")
    folder = write_folder(tmp_path / "bad-pack", files)

    result = run_cli(app, "validate-pack", str(folder))

    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert f'{folder}/course.yaml:{version_line}: "version" must be a whole number from 1 to 10000.' in lines
    assert (f'{folder}/lessons/01-bai-1.en.md:11: Broken image reference "media/gone.png": '
            "put the image in media/ and refer to it as media/NAME.") in lines
    assert "OK" not in result.output


def test_cli_validate_pack_refuses_a_bad_zip(app, tmp_path):
    path = tmp_path / "pack.zip"
    path.write_bytes(b"not a zip at all")

    result = run_cli(app, "validate-pack", str(path))

    assert result.exit_code == 1
    assert f"{path}/(zip):" in result.output


def test_cli_import_then_export_round_trips(app, db, tmp_path):
    files = pack_files()
    files["quiz.yaml"] = RICH_QUIZ.encode()
    folder = write_folder(tmp_path / "pack", files)
    imported = run_cli(app, "import-pack", str(folder))
    assert imported.exit_code == 0, imported.output
    assert "TEST01 v1: imported" in imported.output
    assert db.scalar(sa.select(Course.is_published).where(Course.code == "TEST01")) is True
    again = run_cli(app, "import-pack", str(folder))
    assert again.exit_code == 0 and "TEST01 v1: unchanged" in again.output

    output = tmp_path / "exported.zip"
    exported = run_cli(app, "export-pack", "TEST01", "--output", str(output))
    assert exported.exit_code == 0, exported.output
    assert output.is_file()

    checked = run_cli(app, "validate-pack", str(output))
    assert checked.exit_code == 0, checked.output
    original = validated(app, files)
    round_trip = validated(app, read_zip(output.read_bytes()))
    assert [lesson.source for lesson in round_trip.lessons] == [lesson.source for lesson in original.lessons]
    assert [lesson.title for lesson in round_trip.lessons] == [lesson.title for lesson in original.lessons]
    assert (round_trip.code, round_trip.version, round_trip.title) == ("TEST01", 1, original.title)
    assert round_trip.media == original.media
    assert [q.key for q in round_trip.parts["quiz.yaml"].questions] == [q.key for q in original.parts["quiz.yaml"].questions]
    assert [q.payload for q in round_trip.parts["quiz.yaml"].questions] == [q.payload for q in original.parts["quiz.yaml"].questions]
    # The lesson comes back as "lesson: 2", not as a lesson-02 tag (which a pack may not write).
    assert [(q.lesson, q.tags) for q in round_trip.parts["quiz.yaml"].questions] == [
        (q.lesson, q.tags) for q in original.parts["quiz.yaml"].questions]
    assert original.parts["quiz.yaml"].questions[1].lesson == 2
    assert round_trip.parts["quiz.yaml"].settings == original.parts["quiz.yaml"].settings


def test_cli_import_pack_refuses_a_changed_version(app, db, tmp_path):
    folder = write_folder(tmp_path / "pack", pack_files())
    assert run_cli(app, "import-pack", str(folder)).exit_code == 0
    (folder / "lessons/02-bai-2.en.md").write_bytes(pack_files()["lessons/02-bai-2.en.md"] + b"\nMore.\n")

    result = run_cli(app, "import-pack", str(folder))

    assert result.exit_code == 1
    assert count(db, Course, Course.code == "TEST01") == 1


@pytest.mark.parametrize("name", SHIPPED_PACKS)
def test_shipped_pack_validates(app, name):
    result = run_cli(app, "validate-pack", "--strict", str(SHIPPED / name))

    assert result.exit_code == 0, result.output
    assert result.output.rstrip().endswith("— OK")
    assert "warning" not in result.output


@pytest.mark.parametrize("app_config", [{"LMS_DEFAULT_LOCALE": "en"}])
def test_cli_validate_pack_strict_fails_on_cue_lint_warnings(app, tmp_path):
    """The small pack's quiz has one true/false question and no lesson reference: both are
    warnings, which --strict turns into a failure."""
    folder = write_folder(tmp_path / "pack", pack_files(quiz=True))

    relaxed = run_cli(app, "validate-pack", str(folder))
    strict = run_cli(app, "validate-pack", "--strict", str(folder))

    assert relaxed.exit_code == 0, relaxed.output
    assert "TEST01 v1: 2 lessons, 1 quiz questions — OK (2 warnings)" in relaxed.output
    lines = relaxed.output.splitlines()
    assert lines[:2] == [  # pack_files() writes "questions:" on line 1, question q1 from line 2
        f"{folder}/quiz.yaml:1: warning: True/false keys lean one way: 1 true and 0 false. Have "
        "at least 2 of each, and the rarer at least 30% of the true/false questions.",
        f'{folder}/quiz.yaml:2: warning: Question "q1" names no lesson: add "lesson: N" so '
        "a failed attempt can point back to it."]
    assert strict.exit_code == 1
    assert "TEST01 v1: 2 warnings — refused (--strict)" in strict.output
    assert "— OK" not in strict.output


@pytest.mark.parametrize("name", SHIPPED_PACKS)
def test_shipped_quiz_banks_meet_the_bar(app, name):
    """Issue 12: at least 25 questions, each tied to a lesson of its pack (every lesson
    tested), with a real explanation, and no cue-lint warning."""
    pack = validated(app, read_folder(SHIPPED / name))
    quiz, numbers = pack.parts["quiz.yaml"], {lesson.number for lesson in pack.lessons}

    assert len(quiz.questions) >= 25
    assert {q.lesson for q in quiz.questions} == numbers  # every lesson is tested, none unknown
    assert all(len(q.explanation["vi"]) >= 80 and len(q.explanation["en"]) >= 60 for q in quiz.questions)
    assert pack.warnings == []


@pytest.mark.parametrize("name", ["ai-public-service", "cloud-collaboration", "cybersecurity-officials",
                                  "data-management", "iot-smart-tourism", "online-public-services"])
def test_the_shipped_quizzes_draw_from_every_lesson(app, name):
    """Settings of the six 2026 banks: 12–15 of 28 questions, drawn per lesson so every
    attempt covers every lesson, as many as the quiz page announces."""
    pack = validated(app, read_folder(SHIPPED / name))
    settings, numbers = pack.parts["quiz.yaml"].settings, {lesson.number for lesson in pack.lessons}

    assert 10 <= settings["questions_per_attempt"] <= 15 < len(pack.parts["quiz.yaml"].questions)
    assert set(settings["questions_per_tag"]) == {f"lesson-{n:02d}" for n in numbers}
    assert sum(settings["questions_per_tag"].values()) == settings["questions_per_attempt"]
    assert 1 <= settings["time_limit_minutes"] <= 600 and 1 <= settings["max_attempts"] <= 100
    assert settings["review"] == "after_passing"  # a failed attempt shows no key to retry with


def test_shipped_short_answers_accept_the_usual_variants(app):
    """A trailing full stop, "hiện tượng", no accents and the English term all score."""
    from quizzes.grading import grade_short_answer

    pack = validated(app, read_folder(SHIPPED / "ai-public-service"))
    payload = next(q.payload for q in pack.parts["quiz.yaml"].questions if q.key == "hallucination-term")

    for typed in ("ảo giác", "Ảo giác.", "hiện tượng ảo giác", "Hiện tượng ảo giác.", "ao giac",
                  "ảo giác của AI", "hallucination", "AI hallucination."[:-1]):
        assert grade_short_answer(payload, {"text": typed}).score == 1.0, typed
    assert grade_short_answer(payload, {"text": "thiên lệch"}).score == 0.0


def test_six_packs_are_shipped():
    assert SHIPPED_PACKS == ["ai-public-service", "cloud-collaboration", "cybersecurity-officials",
                             "data-management", "iot-smart-tourism", "online-public-services"]


def test_a_site_holding_version_1_of_the_shipped_packs_gets_the_current_content(app, db, tmp_path):
    """Version 1 of every shipped pack was imported by sites before the 2026 rewrite. Its files
    differ from today's, so today's files must carry a higher version: then `import-pack
    --shipped` adds them as the new published version (learners already enrolled stay on
    theirs); under the same number the import would be refused."""
    editions = {}
    for name in SHIPPED_PACKS:
        files = read_folder(SHIPPED / name)
        current = validated(app, files)
        old = dict(files)
        old["course.yaml"] = re.sub(rb"(?m)^version: \d+$", b"version: 1", files["course.yaml"], count=1)
        first = sorted(key for key in old if key.endswith(".vi.md"))[0]
        old[first] = old[first] + "\nĐoạn văn của phiên bản cũ.\n".encode()
        assert run_cli(app, "import-pack", str(write_folder(tmp_path / name, old))).exit_code == 0
        editions[current.code] = current

    # The same files relabelled as version 1 are refused: that is why the version was raised.
    relabelled = dict(read_folder(SHIPPED / SHIPPED_PACKS[0]))
    relabelled["course.yaml"] = re.sub(rb"(?m)^version: \d+$", b"version: 1", relabelled["course.yaml"], count=1)
    refused = run_cli(app, "import-pack", str(write_folder(tmp_path / "same-number", relabelled)))
    assert refused.exit_code == 1 and "tăng số phiên bản (version)" in refused.output

    result = run_cli(app, "import-pack", "--shipped")

    assert result.exit_code == 0, result.output
    from lms.db import get_session

    with app.app_context():  # a session of its own (the test's `db` would lose its savepoint)
        for code, pack in editions.items():
            assert pack.version > 1 and f"{code} v{pack.version}: imported" in result.output
            newest = queries.current_course(code)
            assert newest.version == pack.version and newest.is_published
            assert [lesson.source_vi for lesson in newest.lessons] == [
                lesson.source["vi"] for lesson in pack.lessons]
            assert "Đoạn văn của phiên bản cũ." not in newest.lessons[0].source_vi
            assert sorted(get_session().scalars(sa.select(Course.version).where(Course.code == code))) == [
                1, pack.version]


def test_dvc01_short_answer_accepts_the_usual_variants(app):
    """The file-term question: a trailing full stop, no accents, "hồ sơ công việc" and the
    English terms score; a neighbouring term from the lesson does not."""
    from quizzes.grading import grade_short_answer

    pack = validated(app, read_folder(SHIPPED / "online-public-services"))
    payload = next(q.payload for q in pack.parts["quiz.yaml"].questions if q.key == "file-term")

    for typed in ("hồ sơ", "Hồ sơ.", "ho so", "hồ sơ công việc", "Hồ sơ điện tử.", "file", "a file",
                  "Case file."):
        assert grade_short_answer(payload, {"text": typed}).score == 1.0, typed
    for typed in ("văn bản", "lưu trữ", "danh mục hồ sơ"):
        assert grade_short_answer(payload, {"text": typed}).score == 0.0, typed


def test_dvc01_teaches_digital_public_services_at_lesson_level(app):
    """Issue 12, point 8: DigComp/TT02 2.3 (engaging in citizenship through digital
    technologies) is tagged on the lessons that teach it, and the course claims only
    competences its lessons carry."""
    pack = validated(app, read_folder(SHIPPED / "online-public-services"))
    codes = [competence_codes(lesson.competences) for lesson in pack.lessons]
    lesson_codes = {code for lesson_codes in codes for code in lesson_codes}

    assert pack.code == "DVC01" and pack.topic.value == "e-government"
    assert "2.3" in codes[0] and "2.3" in codes[1]
    assert set(pack.competences["tt02"]) == lesson_codes
    assert set(pack.competences["digcomp"]) == lesson_codes  # no 6.x (AI) codes here
    assert all(2 <= len(lesson.competences) <= 3 for lesson in pack.lessons)
    assert all(3 <= item["level"] <= 4 for lesson in pack.lessons for item in lesson.competences)


@pytest.mark.parametrize("number", [1, 2, 3, 4, 5])
def test_dvc01_lessons_open_with_objectives_and_close_with_a_summary(app, number):
    """Each lesson starts with "Mục tiêu" / "Objectives" and ends with "Tóm tắt" /
    "Summary", and the English twin has the same shape: headings, list items, table rows."""
    pack = validated(app, read_folder(SHIPPED / "online-public-services"))
    lesson = pack.lessons[number - 1]
    vi, en = lesson.source["vi"], lesson.source["en"]

    def shape(text):
        lines = text.splitlines()
        return (sum(1 for line in lines if line.startswith("## ")),
                sum(1 for line in lines if re.match(r"(- |\d+\. )", line)),
                sum(1 for line in lines if line.startswith("|")))

    headings = {lang: [line for line in text.splitlines() if line.startswith("## ")]
                for lang, text in (("vi", vi), ("en", en))}
    assert headings["vi"][0] == "## Mục tiêu" and headings["vi"][-1] == "## Tóm tắt"
    assert headings["en"][0] == "## Objectives" and headings["en"][-1] == "## Summary"
    assert "Sau bài này anh/chị có thể:" in vi and "After this lesson you can:" in en
    assert shape(vi) == shape(en)


@pytest.mark.parametrize("name", SHIPPED_PACKS)
def test_shipped_lessons_are_in_the_right_language(app, name):
    pack = validated(app, read_folder(SHIPPED / name))

    assert pack.lessons
    for lesson in pack.lessons:
        assert vietnamese_word_share(lesson.source["vi"]) >= 0.5, (name, lesson.number, "vi")
        assert vietnamese_word_share(lesson.source["en"]) < 0.05, (name, lesson.number, "en")
