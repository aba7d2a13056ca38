"""Lesson design (issue 12, points 4, 6 and 8): self-checks that teach and count for
nothing, safe SVG figures with alt text in both languages, competences at lesson grain."""
import re
from pathlib import Path

import pytest
import sqlalchemy as sa

from courses.models import CourseCompletion, LessonProgress
from courses.pack_files import PackError, read_folder
from courses.pack_validation import competence_codes, validate_pack
from courses.rendering import image_alts
from courses.svg_safety import svg_problems
from quizzes.models import Attempt, Response
from quizzes.question_types import default_registry
from quizzes.pack_part import pack_parts
from tests.conftest import SELF_CHECK_TEXT, pack_files

SHIPPED = Path(__file__).resolve().parents[2] / "courses" / "content"
SHIPPED_PACKS = sorted(path.name for path in SHIPPED.iterdir() if (path / "course.yaml").is_file())
VI_1, EN_1 = "lessons/01-bai-1.vi.md", "lessons/01-bai-1.en.md"


@pytest.fixture
def learner(create_learner, create_unit):
    return create_learner("Lò Thị Hoa", username="hoa", unit=create_unit())


@pytest.fixture
def reading(client, learner, login, create_course):
    """A learner enrolled in a course whose lesson 1 ends with a self-check."""
    create_course(code="CHECK01", self_check=True)
    login("hoa")
    client.post("/courses/CHECK01/enrol")
    return client


def _rows(db):
    return [db.scalar(sa.select(sa.func.count()).select_from(model))
            for model in (Attempt, Response, CourseCompletion)]


# --- answering without JavaScript ------------------------------------------------------------

def test_lesson_page_shows_the_self_check_without_its_key(reading):
    html = reading.get("/courses/CHECK01/lessons/1").get_data(as_text=True)

    assert 'id="self-check-1"' in html and "Tự kiểm tra" in html
    assert SELF_CHECK_TEXT["vi"][0] in html
    # Before answering, no feedback and nothing marking the key is on the page.
    assert "✓" not in html and "✗" not in html and "correct" not in html.lower()
    assert "self-check" not in html.split('<article', 1)[1].split("<section", 1)[0]  # no raw block


def test_answering_shows_the_feedback_of_that_choice_and_stores_nothing(reading, db):
    before = _rows(db)
    progress_before = db.scalars(sa.select(LessonProgress.active_seconds)).all()

    wrong = reading.post("/courses/CHECK01/lessons/1/self-check/1", data={"choice": "0"})
    right = reading.post("/courses/CHECK01/lessons/1/self-check/1", data={"choice": "1"})

    assert wrong.status_code == right.status_code == 200
    wrong_html, right_html = wrong.get_data(as_text=True), right.get_data(as_text=True)
    assert "Chưa đúng." in wrong_html and SELF_CHECK_TEXT["vi"][1] + " ✗" in wrong_html
    assert "Chính xác." in right_html and SELF_CHECK_TEXT["vi"][2] + " ✓" in right_html
    assert "✓" not in wrong_html  # the key's feedback is not given away with a wrong answer
    # The form posts back to the question's own anchor: the reader lands on the feedback.
    assert 'action="/courses/CHECK01/lessons/1/self-check/1#self-check-1"' in right_html
    assert _rows(db) == before == [0, 0, 0]
    assert db.scalars(sa.select(LessonProgress.active_seconds)).all() == progress_before


def test_english_page_gives_english_feedback(reading):
    reading.post("/language", data={"locale": "en"})

    html = reading.post("/courses/CHECK01/lessons/1/self-check/1", data={"choice": "1"}).get_data(as_text=True)

    assert "Correct." in html and SELF_CHECK_TEXT["en"][2] + " ✓" in html


@pytest.mark.parametrize("data", [{}, {"choice": "7"}, {"choice": "-1"}, {"choice": "abc"}])
def test_no_or_impossible_choice_is_a_400_with_a_message(reading, db, data):
    response = reading.post("/courses/CHECK01/lessons/1/self-check/1", data=data)

    assert response.status_code == 400
    assert "Anh/chị hãy chọn một phương án trước." in response.get_data(as_text=True)
    assert _rows(db) == [0, 0, 0]


@pytest.mark.parametrize("url", ["/courses/CHECK01/lessons/1/self-check/2",
                                 "/courses/CHECK01/lessons/2/self-check/1",
                                 "/courses/CHECK01/lessons/9/self-check/1",
                                 "/courses/NOPE01/lessons/1/self-check/1"])
def test_a_question_that_does_not_exist_is_404(reading, url):
    assert reading.post(url, data={"choice": "0"}).status_code == 404


def test_self_check_needs_enrolment(client, learner, login, create_course):
    create_course(code="CHECK02", self_check=True)
    login("hoa")

    assert client.post("/courses/CHECK02/lessons/1/self-check/1", data={"choice": "1"}).status_code == 404


def test_self_check_form_needs_its_csrf_token(app, reading):
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = reading.post("/courses/CHECK01/lessons/1/self-check/1", data={"choice": "1"})
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert response.status_code == 400


def test_self_check_questions_count_a_minute_each(app):
    from courses.pack_validation import lesson_minutes_estimate

    files = pack_files(self_check=True)
    body = files[VI_1].decode().split("\n---\n", 1)[1]
    without = body.split("```self-check")[0]

    assert lesson_minutes_estimate(body) == lesson_minutes_estimate(without) + 1


# --- a malformed self-check is refused with file:line ---------------------------------------

def _errors(files, app):
    """Problems of a pack, messages in English (no request, so no Vietnamese locale)."""
    return validate_pack(files, pack_parts(default_registry()))[1]


def _lines(files, name):
    return files[name].decode().split("\n")


@pytest.mark.parametrize("old, new, message", [
    ("      correct: true\n", "", "Self-check question 1 must have exactly one correct choice."),
    ("      correct: true\n", "      correct: yes please\n", '"correct" must be true or false.'),
    ("\"Không bao giờ đưa cho ai ✓\"", "\"\"", 'Every choice needs "feedback": what the learner reads after choosing it.'),
    ("      feedback: \"Có, nếu người đó là đồng nghiệp ✗\"\n", "      hint: x\n", 'Unknown key "hint".'),
])
def test_malformed_self_check_names_its_file_and_line(app, old, new, message):
    files = pack_files(self_check=True)
    files[VI_1] = files[VI_1].decode().replace(old, new, 1).encode()
    lines = _lines(files, VI_1)

    errors = [error for error in _errors(files, app) if error.file == VI_1]

    assert [error.message for error in errors][:1] == [message]
    assert errors[0].line is not None and 1 <= errors[0].line <= len(lines)
    # The line points into the block, at the question, choice or key at fault.
    fence = next(i for i, line in enumerate(lines, start=1) if line.startswith("```self-check"))
    assert errors[0].line > fence


def test_self_check_that_is_not_a_list_is_refused_at_its_line(app):
    files = pack_files(self_check=True)
    text = files[VI_1].decode()
    files[VI_1] = (text.split("```self-check")[0] + "```self-check\nquestion: x\n```\n").encode()
    fence = next(i for i, line in enumerate(_lines(files, VI_1), start=1) if line == "```self-check")

    assert [e for e in _errors(files, app) if e.file == VI_1] == [PackError(VI_1, fence + 1, (
        'A self-check block is a list of 1 to 5 questions, each with "question" and "choices".'))]


def test_invalid_yaml_in_a_self_check_is_refused_at_its_line(app):
    files = pack_files(self_check=True)
    files[VI_1] = files[VI_1].decode().replace("  choices:\n", "  choices: [\n", 1).encode()

    errors = [e for e in _errors(files, app) if e.file == VI_1]

    assert len(errors) == 1 and errors[0].message.startswith("Invalid YAML") and errors[0].line


def test_twins_must_ask_the_same_questions(app):
    files = pack_files(self_check=True)
    files[EN_1] = files[EN_1].decode().split("```self-check")[0].encode()

    assert PackError(EN_1, None, (
        "The Vietnamese lesson has 1 self-check questions and the English one 0: both languages "
        "ask the same questions.")) in _errors(files, app)


def test_twins_must_key_the_same_choice(app):
    files = pack_files(self_check=True)
    text = files[EN_1].decode()
    files[EN_1] = text.replace("      correct: true\n", "").replace(
        '    - text: "Yes, to a colleague"\n', '    - text: "Yes, to a colleague"\n      correct: true\n').encode()

    assert PackError(EN_1, None, (
        "Self-check question 1 differs between the languages: give it the same choices, in the "
        "same order, with the same correct one.")) in _errors(files, app)


def test_self_check_block_is_not_rendered_as_code(app):
    from courses.rendering import render_markdown

    html = render_markdown(pack_files(self_check=True)[VI_1].decode().split("\n---\n", 1)[1], lambda _: None)

    assert "<pre>" not in html and "question" not in html


# --- figures: SVG safety, alt text ---------------------------------------------------------

SAFE_SVG = (b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><title>x</title>'
            b'<defs><marker id="m"><path d="M0 0L1 1"/></marker></defs>'
            b'<line x1="0" y1="0" x2="5" y2="5" marker-end="url(#m)"/><text x="1" y="9">A</text></svg>')


@pytest.mark.parametrize("svg, fragment", [
    (b'<svg xmlns="http://www.w3.org/2000/svg">\n<script>alert(1)</script></svg>', "<script>"),
    (b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', '"onload"'),
    (b'<svg xmlns="http://www.w3.org/2000/svg">\n<rect onclick="x()"/></svg>', '"onclick"'),
    (b'<svg xmlns="http://www.w3.org/2000/svg">\n<foreignObject><p>x</p></foreignObject></svg>', "<foreignObject>"),
    (b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">\n'
     b'<use xlink:href="http://evil.example/x.svg#a"/></svg>', "http://evil.example"),
    (b'<svg xmlns="http://www.w3.org/2000/svg">\n<a href="javascript:alert(1)"><text>x</text></a></svg>', "<a>"),
    (b'<svg xmlns="http://www.w3.org/2000/svg">\n<rect style="fill:url(https://evil.example/p)"/></svg>', "https://evil.example"),
    (b'<svg xmlns="http://www.w3.org/2000/svg">\n<image href="https://evil.example/p.png"/></svg>', "<image>"),
    (b'<?xml-stylesheet href="https://evil.example/s.css"?>\n<svg xmlns="http://www.w3.org/2000/svg"/>', "<?xml-stylesheet?>"),
    (b'<!DOCTYPE svg [<!ENTITY a "aaaa">]>\n<svg xmlns="http://www.w3.org/2000/svg">&a;</svg>', "DOCTYPE"),
    (b'<html><script>alert(1)</script></html>', "root must be <svg>"),
    (b'<svg xmlns="http://www.w3.org/2000/svg"><rect></svg>', "not well-formed"),
])
def test_unsafe_svg_is_refused_with_its_line(app, svg, fragment):
    files = pack_files()
    files["media/figure.svg"] = svg

    errors = [error for error in _errors(files, app) if error.file == "media/figure.svg"]

    assert errors and fragment in errors[0].message, errors
    assert errors[0].line is not None


def test_safe_svg_is_accepted_and_served_as_svg_with_a_sandbox(app, client, learner, login, db,
                                                              app_context):
    from courses.pack_operations import import_pack

    files = pack_files(code="SVG01")
    files["media/figure.svg"] = SAFE_SVG
    files[VI_1] += b"\n![S\xc6\xa1 \xc4\x91\xe1\xbb\x93](media/figure.svg)\n"
    files[EN_1] += b"\n![A diagram](media/figure.svg)\n"
    assert svg_problems(SAFE_SVG) == []
    with app_context():
        pack, errors = validate_pack(files, app.extensions["lms"].pack_parts)
        assert errors == []
        course = import_pack(pack, publish=True).course
        db.commit()
        course_id = course.id
    login("hoa")

    response = client.get(f"/course-media/{course_id}/media/figure.svg")

    assert response.status_code == 200 and response.data == SAFE_SVG
    assert response.mimetype == "image/svg+xml"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response.headers["Content-Security-Policy"]
    assert "default-src 'none'" in response.headers["Content-Security-Policy"]


def test_image_without_alt_text_is_refused_at_its_line(app):
    files = pack_files()
    files[EN_1] = files[EN_1].decode().replace("![Sơ đồ minh họa]", "![]").encode()
    line = next(i for i, text in enumerate(_lines(files, EN_1), start=1) if text.startswith("![]"))

    assert PackError(EN_1, line, (
        "An image needs an alternative text in the lesson's language: ![What it shows](media/…).")) \
        in _errors(files, app)


# --- the shipped packs ----------------------------------------------------------------------

@pytest.fixture(scope="module")
def shipped():
    return {name: validate_pack(read_folder(SHIPPED / name), pack_parts(default_registry()))
            for name in SHIPPED_PACKS}


@pytest.mark.parametrize("name", SHIPPED_PACKS)
def test_every_shipped_lesson_has_objectives_summary_and_self_checks(shipped, name):
    pack, errors = shipped[name]
    assert errors == []
    for lesson in pack.lessons:
        for lang, (objectives, lead, summary) in {
                "vi": ("## Mục tiêu", "Sau bài này anh/chị có thể:", "## Tóm tắt"),
                "en": ("## Objectives", "After this lesson you can:", "## Summary")}.items():
            body = lesson.source[lang]
            headings = re.findall(r"^## .*$", body, re.MULTILINE)
            assert headings[0] == objectives and lead in body, (name, lesson.number, lang)
            items = re.findall(r"^- ", body.split(objectives, 1)[1].split("\n## ", 1)[0], re.MULTILINE)
            assert 2 <= len(items) <= 3, (name, lesson.number, lang)
            assert headings[-1] == summary, (name, lesson.number, lang)
            assert 2 <= len(lesson.self_checks[lang]) <= 3, (name, lesson.number, lang)
            for question in lesson.self_checks[lang]:
                assert all(choice.feedback for choice in question.choices)


@pytest.mark.parametrize("name", SHIPPED_PACKS)
def test_shipped_self_check_keys_are_not_always_in_one_place(shipped, name):
    pack, _errors = shipped[name]
    keys = [question.key_index for lesson in pack.lessons for question in lesson.self_checks["vi"]]
    assert len(set(keys)) >= 2, keys


@pytest.mark.parametrize("name", SHIPPED_PACKS)
def test_every_shipped_figure_has_alt_text_in_both_languages(shipped, name):
    pack, _errors = shipped[name]
    figures = 0
    for lesson in pack.lessons:
        vi, en = image_alts(lesson.source["vi"]), image_alts(lesson.source["en"])
        assert len(vi) == len(en), (name, lesson.number)
        for (_l1, src_vi, alt_vi), (_l2, src_en, alt_en) in zip(vi, en):
            assert len(alt_vi.split()) >= 5 and len(alt_en.split()) >= 5
            assert re.search(r"[ăâđêôơưàáảãạèéẻẽẹìíỉĩịòóỏõọùúủũụỳýỷỹỵ]", alt_vi.lower())
            assert alt_vi != alt_en
            # Vietnamese labels in the Vietnamese lesson, English in the English one.
            assert src_vi.endswith(".vi.svg") and src_en.endswith(".en.svg")
            assert len(pack.media[src_vi]) < 4096 and len(pack.media[src_en]) < 4096
            figures += 1
        assert vi, (name, lesson.number)  # at least one figure in every lesson
    assert figures >= len(pack.lessons), name


@pytest.mark.parametrize("name", SHIPPED_PACKS)
def test_shipped_course_claims_only_what_its_lessons_teach_with_levels(shipped, name):
    pack, _errors = shipped[name]
    taught = {code for lesson in pack.lessons for code in competence_codes(lesson.competences)}
    for framework, codes in pack.competences.items():
        assert set(codes) <= taught, (name, framework)
    for lesson in pack.lessons:
        assert lesson.competences and all(
            isinstance(item, dict) and 1 <= item["level"] <= 8 for item in lesson.competences)


def test_cyber_lesson_4_teaches_deepfakes_and_cloud_is_not_over_tagged(shipped):
    cyber, _ = shipped["cybersecurity-officials"]
    assert "6.3" in competence_codes(cyber.lessons[3].competences)
    cloud, _ = shipped["cloud-collaboration"]
    assert len(cloud.competences["digcomp"]) <= 6


def test_course_claiming_an_untaught_competence_is_refused(app):
    import yaml

    files = pack_files()
    course = yaml.safe_load(files["course.yaml"])
    course["competences"]["digcomp"].append("5.4")
    files["course.yaml"] = yaml.safe_dump(course, allow_unicode=True).encode()

    errors = _errors(files, app)

    assert [e.message for e in errors] == [
        "The course claims digcomp 5.4, but no lesson is tagged with it: tag the lesson that "
        "teaches it, or remove it from the course."]
    assert errors[0].line is not None


@pytest.mark.parametrize("tags, ok", [
    ('[{code: "4.1", level: 3}, "6.2"]', True),
    ('[{code: "4.1", level: 9}, "6.2"]', False),
    ('[{code: "4.1"}, "6.2"]', False),
    ('[{code: "4.1", level: 3, extra: 1}, "6.2"]', False),
    ('[{code: "9.9", level: 3}, "6.2"]', False),
])
def test_lesson_competence_levels(app, tags, ok):
    files = pack_files()
    files[VI_1] = files[VI_1].decode().replace('competences: ["4.1", "6.2"]', f"competences: {tags}").encode()

    errors = [e for e in _errors(files, app) if e.file == VI_1]

    assert (errors == []) is ok, errors
    if not ok:
        assert errors[0].line == 4
