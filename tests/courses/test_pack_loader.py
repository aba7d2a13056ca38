"""The content-pack loader: reading folders and zips, and validating every file.

Everything here runs without an app context, so messages are the English msgids and
can be compared exactly. See docs/content-packs.md for the format.
"""
from __future__ import annotations

import io
import unicodedata
import zipfile

import pytest

from courses.pack_files import MAX_FILES, PackError, PackFilesError, read_folder, read_zip
from courses.pack_validation import validate_pack
from courses.yaml_lines import YamlError, load_with_lines
from quizzes.question_types import default_registry
from quizzes.pack_part import pack_parts
from tests.conftest import TINY_PNG, pack_files
from tests.courses.pack_helpers import (COURSE_YAML, base_files, errors_of, make_zip, with_course,
                                        with_quiz)

NOT_ALLOWED = ("This file is not allowed in a pack: only course.yaml, quiz.yaml, lessons/*.md "
               "and images (png, jpg, gif, webp, svg) in media/.")

#: quiz.yaml with known lines: question "q-single" starts on line 5, "q-true" on line 14.
QUIZ_YAML = """\
settings:
  questions_per_attempt: 1
  review: after_passing
questions:
  - id: q-single
    type: single
    text: {vi: "Câu hỏi một?", en: "Question one?"}
    choices:
      - text: {vi: "Có", en: "Yes"}
        correct: true
      - text: {vi: "Không", en: "No"}
        correct: false
    explanation: {vi: "Vì vậy.", en: "Because."}
  - id: q-true
    type: true_false
    text: {vi: "Đúng không?", en: "True?"}
    answer: true
    explanation: {vi: "Vì đúng.", en: "Because."}
"""

VI_1 = "lessons/01-bai-1.vi.md"
EN_1 = "lessons/01-bai-1.en.md"
VI_2 = "lessons/02-bai-2.vi.md"
EN_2 = "lessons/02-bai-2.en.md"


@pytest.fixture
def registry():
    return default_registry()


def edit(files: dict[str, bytes], name: str, old: str, new: str) -> dict[str, bytes]:
    text = files[name].decode()
    assert old in text, (name, old)
    files[name] = text.replace(old, new, 1).encode()
    return files


def write_folder(root, files: dict[str, bytes]):
    for name, data in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return root


# --- a valid pack ----------------------------------------------------------------------

def test_valid_pack_has_no_errors_and_keeps_every_field(registry):
    pack, errors = validate_pack(pack_files(), pack_parts(registry))

    assert errors == []
    assert pack.code == "TEST01"
    assert pack.version == 1
    assert pack.topic.value == "cybersecurity"
    assert pack.title == {"vi": "An toàn thông tin thử nghiệm", "en": "Test cybersecurity"}
    assert pack.summary == {"vi": "Khóa học ngắn để kiểm thử phần mềm.", "en": "A short course for tests."}
    assert (pack.periods, pack.minutes, pack.pass_mark, pack.mandatory) == (1, 23, 70, False)
    assert pack.competences == {"digcomp": ["4.1"], "tt02": ["4.1", "6.2"]}
    assert [(lesson.number, lesson.slug) for lesson in pack.lessons] == [(1, "bai-1"), (2, "bai-2")]
    first = pack.lessons[0]
    assert first.title == {"vi": "Bài học số 1", "en": "Lesson 1"}
    assert (first.minutes, first.competences) == (8, ["4.1", "6.2"])
    assert "Đây là bài học số 1 về bảo vệ dữ liệu" in first.source["vi"]
    assert "This is lesson 1 about protecting" in first.source["en"]
    assert "---" not in first.source["vi"] and "title:" not in first.source["en"]  # no front matter
    assert pack.media == {"media/pic.png": TINY_PNG}
    assert "quiz.yaml" not in pack.parts


def test_valid_pack_with_quiz_builds_question_payloads(registry):
    pack, errors = validate_pack(with_quiz(QUIZ_YAML), pack_parts(registry))

    assert errors == []
    assert pack.parts["quiz.yaml"].settings["questions_per_attempt"] == 1
    assert pack.parts["quiz.yaml"].settings["shuffle_questions"] is True  # default kept
    single, true_false = pack.parts["quiz.yaml"].questions
    assert (single.key, single.type) == ("q-single", "single")
    assert [(c["id"], c["correct"]) for c in single.payload["choices"]] == [("a", True), ("b", False)]
    assert single.payload["choices"][0]["text"] == {"vi": "Có", "en": "Yes"}
    assert true_false.payload == {"answer": True}
    assert true_false.explanation == {"vi": "Vì đúng.", "en": "Because."}


def test_the_shipped_registry_is_the_apps(app, registry):
    assert app.extensions["lms"].question_types.names() == registry.names()


# --- course.yaml -----------------------------------------------------------------------

def test_missing_course_yaml_in_a_folder(tmp_path, registry):
    files = pack_files()
    del files["course.yaml"]
    write_folder(tmp_path, files)

    with pytest.raises(PackFilesError) as raised:
        read_folder(tmp_path)
    assert raised.value.errors == [PackError("course.yaml", None, "The pack has no course.yaml.")]


def test_missing_course_yaml_in_a_zip():
    files = pack_files()
    del files["course.yaml"]

    with pytest.raises(PackFilesError) as raised:
        read_zip(make_zip(files))
    assert PackError("course.yaml", None, "The pack has no course.yaml.") in raised.value.errors


def test_validate_pack_reports_a_missing_course_yaml(registry):
    """validate_pack promises a Pack or the problems: never (None, [])."""
    files = pack_files()
    del files["course.yaml"]

    assert errors_of(files, registry) == [PackError("course.yaml", None, "The pack has no course.yaml.")]


def test_course_yaml_that_is_not_yaml_names_the_line(registry):
    errors = errors_of(with_course(**{"topic: cybersecurity": "topic: cyber: security"}), registry)

    assert len(errors) == 1
    assert (errors[0].file, errors[0].line) == ("course.yaml", 3)
    assert errors[0].message == "Invalid YAML: mapping values are not allowed here"


def test_course_yaml_that_is_not_a_mapping(registry):
    files = base_files()
    files["course.yaml"] = b"- just\n- a list\n"

    assert errors_of(files, registry) == [
        PackError("course.yaml", 1, "course.yaml must hold a mapping of course fields.")]


@pytest.mark.parametrize("old, new, line, message", [
    ("  vi: An toàn thông tin thử nghiệm\n", "", 4, '"title" has no Vietnamese text (vi).'),
    ("  en: Test cybersecurity\n", "  en: '   '\n", 4, '"title" has no English text (en).'),
    ("topic: cybersecurity", "topic: blockchain", 3,
     'Unknown topic "blockchain"; use one of: ai, big-data, iot, cloud, cybersecurity, e-government.'),
    ("code: TEST01", "code: test01", 1, "The course code must be 2–32 capital letters, digits or '-'."),
    ("code: TEST01", "code: T", 1, "The course code must be 2–32 capital letters, digits or '-'."),
    ("code: TEST01", "code: " + "A" * 33, 1,
     "The course code must be 2–32 capital letters, digits or '-'."),
    ("version: 1", "version: 0", 2, '"version" must be a whole number from 1 to 10000.'),
    ("version: 1", "version: '2'", 2, '"version" must be a whole number from 1 to 10000.'),
    ("pass_mark: 70", "pass_mark: 101", 12, '"pass_mark" must be a whole number from 1 to 100.'),
    ("periods: 2", "periods: true", 10, '"periods" must be a whole number from 1 to 200.'),
    ("mandatory: false", "mandatory: 'yes'", 13, '"mandatory" must be true or false.'),
    ("minutes: 90\n", "minutes: 90\nauthor: Nguyễn Văn An\n", 12, 'Unknown key "author".'),
    ('  digcomp: ["4.1"]', '  digcomp: ["4.1", "5.9"]', 15, "Unknown digcomp competence: 5.9."),
    ('  tt02: ["4.1", "6.2"]', '  tt02: ["6.4"]', 16, "Unknown tt02 competence: 6.4."),
    ('  tt02: ["4.1", "6.2"]', '  iso: ["1.1"]', 16, 'Unknown competence framework "iso".'),
])
def test_course_yaml_problem_names_its_line(registry, old, new, line, message):
    assert errors_of(with_course(**{old: new}), registry) == [PackError("course.yaml", line, message)]


def test_missing_course_field_points_at_the_top(registry):
    errors = errors_of(with_course(**{"pass_mark: 70\n": ""}), registry)

    assert errors == [PackError("course.yaml", 1, '"pass_mark" must be a whole number from 1 to 100.')]


def test_course_code_with_a_trailing_newline_is_refused(registry):
    """`code: |` (a block scalar) gives "TEST01\\n": the code rule must not let the newline in."""
    errors = errors_of(with_course(**{"code: TEST01": "code: |\n  TEST01"}), registry)

    assert errors == [PackError("course.yaml", 1,
                                "The course code must be 2–32 capital letters, digits or '-'.")]


def test_topic_written_as_a_list_is_an_error_not_a_crash(registry):
    errors = errors_of(with_course(**{"topic: cybersecurity": "topic: [ai, iot]"}), registry)

    assert [(error.file, error.line) for error in errors] == [("course.yaml", 3)]
    assert errors[0].message.startswith("Unknown topic")


@pytest.mark.parametrize("value", ["4.1", "4"])
def test_competences_written_without_a_list_are_an_error_not_a_crash(registry, value):
    """`digcomp: 4.1` (brackets forgotten) is a number, not a list of codes."""
    errors = errors_of(with_course(**{'  digcomp: ["4.1"]': f"  digcomp: {value}"}), registry)

    assert [(error.file, error.line) for error in errors] == [("course.yaml", 15)]


def test_a_recursive_yaml_alias_is_an_error_not_a_crash(registry):
    files = base_files()
    files["course.yaml"] += b"extra: &loop [*loop]\n"

    errors = errors_of(files, registry)

    assert [(error.file, error.line) for error in errors] == [("course.yaml", 17)]


def test_a_yaml_alias_bomb_is_refused():
    """A few hundred bytes of nested aliases ("billion laughs") must not be expanded: with
    9 levels instead of 5 that would hang the worker for hours and fill its memory."""
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 6)]

    with pytest.raises(YamlError) as raised:
        load_with_lines("\n".join(lines) + "\n")

    assert raised.value.line is not None


def test_a_yaml_alias_bomb_in_a_pack_is_an_error(registry):
    files = base_files()
    files["course.yaml"] += ("x0: &x0 [a, a, a, a, a, a, a, a, a, a]\n" + "".join(
        f"x{i}: &x{i} [" + ", ".join([f"*x{i - 1}"] * 10) + "]\n" for i in range(1, 6))).encode()

    errors = errors_of(files, registry)

    assert len(errors) == 1
    assert errors[0].file == "course.yaml" and 17 <= errors[0].line <= 22
    assert errors[0].message.startswith("Invalid YAML: ")


def test_plain_yaml_aliases_are_accepted(registry):
    """Our own export writes an alias when both languages share a list of answers."""
    files = with_quiz(QUIZ_YAML + """\
  - id: hotline
    type: short_answer
    text: {vi: "Đường dây nóng?", en: "Hotline?"}
    answers: {vi: &answers ["561"], en: *answers}
    explanation: {vi: "Số 561.", en: "Number 561."}
""")

    pack, errors = validate_pack(files, pack_parts(registry))

    assert errors == []
    assert pack.parts["quiz.yaml"].questions[-1].payload["answers"] == [{"text": "561", "fraction": 1.0}]


def test_deeply_nested_yaml_is_an_error_not_a_crash(registry):
    files = with_quiz(QUIZ_YAML
                      + "  - id: deep\n    type: true_false\n    text: " + "[" * 2000 + "]" * 2000 + "\n")

    errors = errors_of(files, registry)

    assert [(error.file, error.line) for error in errors] == [("quiz.yaml", 21)]
    assert errors[0].message.startswith("Invalid YAML: ")


# --- lessons ---------------------------------------------------------------------------

def test_duplicate_lesson_number(registry):
    files = pack_files()
    files["lessons/01-other.vi.md"] = files.pop(VI_2)
    files["lessons/01-other.en.md"] = files.pop(EN_2)

    errors = errors_of(files, registry)

    assert PackError("lessons/01-other.vi.md", None, "Duplicate lesson number 01.") in errors
    assert PackError("lessons/01-other.en.md", None, "Duplicate lesson number 01.") in errors
    assert {error.file for error in errors} == {"lessons/01-other.vi.md", "lessons/01-other.en.md"}


def test_lesson_numbers_with_a_gap(registry):
    files = pack_files()
    files["lessons/03-bai-3.vi.md"] = files.pop(VI_2)
    files["lessons/03-bai-3.en.md"] = files.pop(EN_2)

    errors = errors_of(files, registry)

    assert len(errors) == 1
    assert errors[0].file in ("lessons/03-bai-3.vi.md", "lessons/03-bai-3.en.md")
    assert errors[0].message == "Lesson numbers must run 01, 02, … without gaps: expected 02."


def test_lesson_without_its_english_twin(registry):
    files = pack_files()
    del files[EN_2]

    assert errors_of(files, registry) == [
        PackError(VI_2, None, f"This lesson has no English twin ({EN_2}).")]


def test_lesson_file_badly_named(registry):
    files = pack_files()
    files["lessons/2-bai-2.vi.md"] = files.pop(VI_2)

    errors = errors_of(files, registry)

    assert PackError("lessons/2-bai-2.vi.md", None,
                     "A lesson file is named NN-slug.vi.md or NN-slug.en.md, e.g. 01-phishing.vi.md.") in errors


def test_lesson_not_utf8_names_the_line_of_the_first_bad_byte(registry):
    files = pack_files()
    # Lines 1-9 are fine; line 10 holds the first Latin-1 byte (é), line 11 another.
    files[EN_2] = files[EN_2] + "Un café.\nDéjà vu.\n".encode("latin-1")
    assert files[EN_2].count(b"\n") == 11

    assert errors_of(files, registry) == [PackError(EN_2, 10, "The file is not UTF-8 text.")]


def test_not_utf8_line_is_right_after_a_byte_order_mark(registry):
    files = pack_files()
    # The bad byte starts line 10: a count that forgets the 3 BOM bytes lands on line 9.
    files[EN_2] = b"\xef\xbb\xbf" + files[EN_2] + "Été.\n".encode("latin-1")

    assert errors_of(files, registry) == [PackError(EN_2, 10, "The file is not UTF-8 text.")]


def test_course_yaml_not_utf8(registry):
    files = base_files()
    files["course.yaml"] = COURSE_YAML.replace("Test cybersecurity", "Café").encode("latin-1",
                                                                                   errors="replace")
    # "toàn" on line 5 holds the first Latin-1 byte.
    assert errors_of(files, registry) == [PackError("course.yaml", 5, "The file is not UTF-8 text.")]


def test_lesson_without_front_matter(registry):
    files = pack_files()
    files[EN_2] = b"## Main points\n\nThis is lesson 2.\n"

    assert errors_of(files, registry) == [
        PackError(EN_2, 1, 'A lesson starts with front matter between two "---" lines.')]


def test_lesson_front_matter_not_closed(registry):
    files = pack_files()
    files[EN_2] = b"---\ntitle: Lesson 2\nminutes: 8\n\n## Main points\n"

    assert errors_of(files, registry) == [
        PackError(EN_2, 1, 'The front matter is not closed by a "---" line.')]


def test_lesson_front_matter_without_title(registry):
    files = edit(pack_files(), EN_2, "title: Lesson 2\n", "")

    assert errors_of(files, registry) == [PackError(EN_2, 2, "The lesson has no title.")]


@pytest.mark.parametrize("old, new, line, message", [
    ("minutes: 8", "minutes: 0", 3, '"minutes" must be a whole number from 1 to 120.'),
    ('competences: ["4.1"]', 'competences: ["4.1", "9.9"]', 4, "Unknown competence: 9.9."),
    ("minutes: 8\n", "minutes: 8\nauthor: me\n", 4, 'Unknown key "author".'),
    ("minutes: 8\n", "minutes: 8: 9\n", 3, "Invalid YAML: mapping values are not allowed here"),
])
def test_lesson_front_matter_problem_names_its_file_line(registry, old, new, line, message):
    errors = errors_of(edit(pack_files(), EN_2, old, new), registry)

    assert errors == [PackError(EN_2, line, message)]


def test_lesson_competences_without_a_list_are_an_error_not_a_crash(registry):
    files = edit(pack_files(), EN_2, 'competences: ["4.1"]', "competences: 4.1")

    errors = errors_of(files, registry)

    assert [(error.file, error.line) for error in errors] == [(EN_2, 4)]


def test_broken_image_reference_counts_the_front_matter_lines(registry):
    # Lesson 1: 5 lines of front matter, then the body; the image is on file line 11.
    files = edit(pack_files(), VI_1, "](media/pic.png)", "](media/missing.png)")
    assert files[VI_1].decode().splitlines()[10].startswith("![")

    assert errors_of(files, registry) == [PackError(VI_1, 11, (
        'Broken image reference "media/missing.png": put the image in media/ and refer '
        "to it as media/NAME."))]


def test_image_outside_media_is_a_broken_reference(registry):
    files = edit(pack_files(), EN_1, "](media/pic.png)", "](https://tracker.example/pixel.png)")

    errors = errors_of(files, registry)

    assert [(error.file, error.line) for error in errors] == [(EN_1, 11)]
    assert errors[0].message.startswith('Broken image reference "https://tracker.example/pixel.png"')


def test_javascript_link_names_its_line(registry):
    files = pack_files()
    files[EN_2] += b"\nRead [the rules](javascript:alert(1)) first.\n"  # lines 10 (blank) and 11

    assert errors_of(files, registry) == [PackError(
        EN_2, 11, 'Link "javascript:alert(1)" is not allowed: use http, https or mailto.')]


VIETNAMESE_ERROR = "This does not read as Vietnamese with diacritics: check the language and the accents."


@pytest.mark.parametrize("body", [
    "## Main points\n\nThis is lesson 2 about protecting the agency's data.\n",
    "## Noi dung chinh\n\nDay la bai hoc so 2 ve bao ve du lieu cua co quan.\n",
], ids=["english", "no-accents"])
def test_vietnamese_lesson_that_is_not_vietnamese(registry, body):
    files = pack_files()
    files[VI_2] = ("---\ntitle: Bài học số 2\nminutes: 8\n---\n\n" + body).encode()

    assert errors_of(files, registry) == [PackError(VI_2, 5, VIETNAMESE_ERROR)]


@pytest.mark.parametrize("name", ["script.js", "media/x.bmp", "lessons/notes.txt", "media/sub/pic.png",
                                  "quiz.yml", "lessons/extra/01-a.vi.md"])
def test_disallowed_files_are_refused(tmp_path, name):
    files = pack_files()
    files[name] = b"<svg onload='alert(1)'/>" if name.endswith(".svg") else b"alert(1)"

    with pytest.raises(PackFilesError) as from_zip:
        read_zip(make_zip(files))
    with pytest.raises(PackFilesError) as from_folder:
        read_folder(write_folder(tmp_path, files))

    assert from_zip.value.errors == [PackError(name, None, NOT_ALLOWED)]
    assert from_folder.value.errors == [PackError(name, None, NOT_ALLOWED)]


UNREAD_PART = ("No feature of this site reads %(file)s, so it is left out: check the file "
               "name, or ask the administrator to turn on the feature it belongs to.")


def test_a_part_no_feature_reads_is_named_and_left_out(registry):
    """The layout lets any top-level YAML through (features own their files); the
    validator then names the one nobody registered, e.g. a typo, as a warning that
    ``--strict`` turns into a failure."""
    files = pack_files(quiz=True)
    files["quizz.yaml"] = files.pop("quiz.yaml")
    warnings = []

    pack, errors = validate_pack(files, pack_parts(registry), warnings=warnings)

    assert errors == [] and "quizz.yaml" not in pack.parts
    assert warnings == [PackError("quizz.yaml", None, UNREAD_PART % {"file": "quizz.yaml"})]


def test_without_the_quiz_feature_its_file_is_named_not_silently_dropped():
    warnings = []

    pack, errors = validate_pack(pack_files(quiz=True), {}, warnings=warnings)

    assert errors == [] and pack.parts == {}
    assert warnings == [PackError("quiz.yaml", None, UNREAD_PART % {"file": "quiz.yaml"})]


def test_hidden_files_of_a_folder_are_skipped(tmp_path):
    files = pack_files()
    files[".git/config"] = b"[core]\n"
    files[".DS_Store"] = b"\x00\x00"

    read = read_folder(write_folder(tmp_path, files))

    assert sorted(read) == sorted(pack_files())


@pytest.mark.parametrize("name, data, kind", [
    ("media/pic.png", b"GIF89a" + b"\x00" * 20, "PNG"),
    ("media/photo.jpg", TINY_PNG, "JPG"),
    ("media/anim.gif", b"<html>", "GIF"),
])
def test_media_file_that_is_not_the_image_it_claims(registry, name, data, kind):
    files = pack_files()
    files[name] = data

    assert errors_of(files, registry) == [PackError(name, None, f"The file is not a real {kind} image.")]


# --- quiz.yaml -------------------------------------------------------------------------

def quiz_with(old: str, new: str) -> dict[str, bytes]:
    assert old in QUIZ_YAML, old
    return with_quiz(QUIZ_YAML.replace(old, new, 1))


def test_quiz_unknown_question_type(registry):
    errors = errors_of(quiz_with("type: true_false", "type: essay"), registry)

    assert errors == [PackError("quiz.yaml", 15, 'Unknown question type "essay"; known: single, '
                                                  "multiple, true_false, short_answer, numeric, "
                                                  "matching, description.")]


def test_quiz_single_choice_with_two_correct_answers(registry):
    errors = errors_of(quiz_with("        correct: false", "        correct: true"), registry)

    assert errors == [PackError("quiz.yaml", 8, "A single-choice question needs exactly one "
                                                 "correct choice; this one has 2.")]


def test_quiz_choice_question_without_a_correct_choice(registry):
    errors = errors_of(quiz_with("        correct: true", "        correct: false"), registry)

    assert errors == [PackError("quiz.yaml", 8, "A single-choice question needs exactly one "
                                                 "correct choice; this one has 0.")]


def test_quiz_question_without_explanation(registry):
    errors = errors_of(quiz_with('    explanation: {vi: "Vì đúng.", en: "Because."}\n', ""), registry)

    assert errors == [PackError("quiz.yaml", 14, "The explanation needs non-empty text in Vietnamese "
                                                  "(vi) and English (en).")]


def test_quiz_duplicate_question_id(registry):
    errors = errors_of(quiz_with("id: q-true", "id: q-single"), registry)

    assert errors == [PackError("quiz.yaml", 14, 'Duplicate question id "q-single".')]


def test_quiz_draws_more_questions_than_the_pool_holds(registry):
    errors = errors_of(quiz_with("questions_per_attempt: 1", "questions_per_attempt: 5"), registry)

    assert errors == [PackError("quiz.yaml", 2,
                                "questions_per_attempt is 5 but the pool has only 2 questions.")]


@pytest.mark.parametrize("setting, value, bounds", [
    ("time_limit_minutes", 601, "from 1 to 600"), ("max_attempts", 101, "from 1 to 100")])
def test_quiz_settings_have_upper_bounds(registry, setting, value, bounds):
    errors = errors_of(quiz_with("  review: after_passing\n",
                                 f"  review: after_passing\n  {setting}: {value}\n"), registry)

    assert errors == [PackError("quiz.yaml", 4, f'"{setting}" must be a whole number {bounds}.')]


def test_quiz_settings_at_their_upper_bounds_are_accepted(registry):
    pack, errors = validate_pack(quiz_with("  review: after_passing\n",
                                           "  review: after_passing\n  time_limit_minutes: 600\n"
                                           "  max_attempts: 100\n"), pack_parts(registry))

    assert errors == []
    assert (pack.parts["quiz.yaml"].settings["time_limit_minutes"], pack.parts["quiz.yaml"].settings["max_attempts"]) == (600, 100)


def test_quiz_draws_more_of_a_tag_than_the_pool_holds(registry):
    errors = errors_of(quiz_with("  review: after_passing\n",
                                 "  review: after_passing\n  questions_per_tag: {lesson-01: 1}\n"),
                       registry)

    assert errors == [PackError("quiz.yaml", 4, 'questions_per_tag asks for 1 questions tagged '
                                                '"lesson-01" but the pool has 0.')]


def test_quiz_draw_by_tag_must_agree_with_questions_per_attempt(registry):
    """Both questions test lesson 1, so lesson-01 can give 2; the page would say 1."""
    files = quiz_with("  review: after_passing\n",
                      "  review: after_passing\n  questions_per_tag: {lesson-01: 2}\n")
    text = files["quiz.yaml"].decode().replace("    type: single\n", "    type: single\n    lesson: 1\n")
    files["quiz.yaml"] = text.replace("    type: true_false\n", "    type: true_false\n    lesson: 1\n").encode()

    errors = errors_of(files, registry)

    assert errors == [PackError("quiz.yaml", 4, "questions_per_tag draws 2 questions but "
                                                "questions_per_attempt is 1: make them agree.")]
    agreeing = edit(files, "quiz.yaml", "questions_per_attempt: 1", "questions_per_attempt: 2")
    pack, errors = validate_pack(agreeing, pack_parts(registry))
    assert errors == [] and pack.parts["quiz.yaml"].settings["questions_per_tag"] == {"lesson-01": 2}


def test_quiz_unknown_setting(registry):
    errors = errors_of(quiz_with("  review: after_passing\n",
                                 "  review: after_passing\n  shuffle: true\n"), registry)

    assert errors == [PackError("quiz.yaml", 4, 'Unknown setting "shuffle".')]


def test_quiz_question_id_with_a_trailing_newline_is_refused(registry):
    errors = errors_of(quiz_with("  - id: q-true\n", '  - id: "q-true\\n"\n'), registry)

    assert errors == [PackError("quiz.yaml", 14, "A question id must be lowercase letters, digits and '-'.")]


def test_quiz_that_is_not_yaml(registry):
    errors = errors_of(quiz_with("    answer: true", "    answer: [true"), registry)

    assert len(errors) == 1
    assert errors[0].file == "quiz.yaml" and errors[0].line is not None
    assert errors[0].message.startswith("Invalid YAML: ")


# --- every problem at once -------------------------------------------------------------

def test_all_errors_are_reported_at_once(registry):
    files = with_course(**{"version: 1": "version: 0"})
    edit(files, VI_1, "](media/pic.png)", "](media/missing.png)")
    files["quiz.yaml"] = QUIZ_YAML.replace("  review: after_passing\n",
                                           "  review: after_passing\n  shuffle: true\n").encode()

    errors = errors_of(files, registry)

    assert sorted(errors, key=str) == sorted([
        PackError("course.yaml", 2, '"version" must be a whole number from 1 to 10000.'),
        PackError(VI_1, 11, 'Broken image reference "media/missing.png": put the image in media/ '
                            "and refer to it as media/NAME."),
        PackError("quiz.yaml", 4, 'Unknown setting "shuffle".'),
    ], key=str)


def test_several_course_yaml_problems_are_all_reported(registry):
    errors = errors_of(with_course(**{"version: 1": "version: 0", "pass_mark: 70": "pass_mark: 101",
                                      "topic: cybersecurity": "topic: space"}), registry)

    assert sorted((error.line, error.message.split(" ")[0]) for error in errors) == [
        (2, '"version"'), (3, "Unknown"), (12, '"pass_mark"')]


def test_zip_reports_every_layout_problem_at_once():
    files = pack_files()
    files["script.js"] = b"x"
    files["media/x.bmp"] = b"BM"

    with pytest.raises(PackFilesError) as raised:
        read_zip(make_zip(files))

    assert sorted(raised.value.errors, key=str) == [PackError("media/x.bmp", None, NOT_ALLOWED),
                                                    PackError("script.js", None, NOT_ALLOWED)]


# --- zips ------------------------------------------------------------------------------

def test_zip_of_the_folder_contents_loads(registry):
    files = read_zip(make_zip(pack_files(quiz=True)))

    assert files == pack_files(quiz=True)
    pack, errors = validate_pack(files, pack_parts(registry))
    assert errors == [] and len(pack.lessons) == 2 and len(pack.parts["quiz.yaml"].questions) == 1


def test_zip_with_one_top_level_folder_loads(registry):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("cyber-pack/"), b"")  # directory entries, as zip tools write
        archive.writestr(zipfile.ZipInfo("cyber-pack/lessons/"), b"")
        for name, data in pack_files().items():
            archive.writestr(f"cyber-pack/{name}", data)

    files = read_zip(buffer.getvalue())

    assert files == pack_files()
    assert validate_pack(files, pack_parts(registry))[1] == []


def test_zip_made_by_macos_finder_loads(registry):
    """Finder's "Compress" adds __MACOSX/ resource forks next to the zipped folder."""
    entries = {}
    for name, data in pack_files().items():
        entries[f"cyber-pack/{name}"] = data
        folder, _slash, base = f"cyber-pack/{name}".rpartition("/")
        entries[f"__MACOSX/{folder}/._{base}"] = b"\x00\x05\x16\x07\x00\x02\x00\x00Mac OS X"

    files = read_zip(make_zip(entries))

    assert files == pack_files()


@pytest.mark.parametrize("name", ["../evil.yaml", "/abs.md", "a\\b.md", "lessons/../../evil.md"])
def test_zip_slip_names_are_refused(name):
    files = pack_files()
    files[name] = b"pwned"

    with pytest.raises(PackFilesError) as raised:
        read_zip(make_zip(files))

    assert raised.value.errors == [PackError(name, None, "Unsafe path in the archive.")]


def test_not_a_zip():
    expected = [PackError("(zip)", None, "The file is not a valid .zip archive.")]
    for data in (b"", b"course.yaml: not a zip", b"PK\x03\x04 truncated", TINY_PNG):
        with pytest.raises(PackFilesError) as raised:
            read_zip(data)
        assert raised.value.errors == expected


def test_zip_with_a_corrupt_member_is_refused_not_a_crash():
    data = bytearray(make_zip(pack_files(), compression=zipfile.ZIP_STORED))
    position = data.find(b"code: TEST01")
    data[position:position + 4] = b"kode"  # the CRC no longer matches

    with pytest.raises(PackFilesError) as raised:
        read_zip(bytes(data))

    assert raised.value.errors == [PackError("(zip)", None, "The file is not a valid .zip archive.")]


def test_zip_with_an_encrypted_member_is_refused_not_a_crash():
    data = bytearray(make_zip(pack_files()))  # course.yaml is the first entry
    central = data.index(b"PK\x01\x02")  # its central-directory header
    data[central + 8] |= 0x1  # general-purpose flag "encrypted": reading needs a password
    assert zipfile.ZipFile(io.BytesIO(data)).infolist()[0].flag_bits & 0x1

    with pytest.raises(PackFilesError) as raised:
        read_zip(bytes(data))

    assert raised.value.errors == [PackError("(zip)", None, "The file is not a valid .zip archive.")]


def test_zip_with_more_than_max_files_is_refused():
    files = pack_files()
    for number in range(MAX_FILES):
        files[f"media/p{number}.png"] = TINY_PNG
    assert len(files) > MAX_FILES

    with pytest.raises(PackFilesError) as raised:
        read_zip(make_zip(files))

    assert raised.value.errors == [
        PackError("(zip)", None, f"The archive holds more than {MAX_FILES} files.")]


def test_zip_with_exactly_max_files_is_not_refused_for_its_count():
    files = pack_files()
    for number in range(MAX_FILES - len(files)):
        files[f"media/p{number}.png"] = TINY_PNG
    assert len(files) == MAX_FILES

    assert len(read_zip(make_zip(files))) == MAX_FILES


def test_zip_declaring_a_huge_unpacked_size_is_refused():
    files = pack_files()
    files["media/zeros.png"] = bytes(21 * 1024 * 1024)
    data = make_zip(files)
    assert len(data) < 100_000  # tiny on the wire

    with pytest.raises(PackFilesError) as raised:
        read_zip(data)

    assert raised.value.errors == [
        PackError("(zip)", None, "The unpacked pack would be larger than 20 MB.")]


def test_zip_member_larger_than_the_file_limit_is_refused():
    files = pack_files()
    files["media/big.png"] = b"\x89PNG" + bytes(3 * 1024 * 1024)

    with pytest.raises(PackFilesError) as raised:
        read_zip(make_zip(files))

    assert raised.value.errors == [PackError("media/big.png", None, "The file is larger than 2 MB.")]


# --- line endings, BOM, Unicode --------------------------------------------------------

def test_crlf_line_endings_and_a_bom_are_accepted(registry):
    files = pack_files(quiz=True)
    for name in list(files):
        if not name.startswith("media/"):
            files[name] = b"\xef\xbb\xbf" + files[name].replace(b"\n", b"\r\n")

    pack, errors = validate_pack(files, pack_parts(registry))

    assert errors == []
    assert pack.title["vi"] == "An toàn thông tin thử nghiệm"
    assert pack.lessons[0].title == {"vi": "Bài học số 1", "en": "Lesson 1"}
    for lesson in pack.lessons:
        for source in lesson.source.values():
            assert "\r" not in source and "\ufeff" not in source
    assert len(pack.parts["quiz.yaml"].questions) == 1


def test_crlf_does_not_shift_error_lines(registry):
    files = edit(pack_files(), VI_1, "](media/pic.png)", "](media/missing.png)")
    files[VI_1] = files[VI_1].replace(b"\n", b"\r\n")

    assert [(error.file, error.line) for error in errors_of(files, registry)] == [(VI_1, 11)]


def test_decomposed_vietnamese_is_stored_composed(registry):
    files = pack_files(title_vi=unicodedata.normalize("NFD", "An toàn thông tin thử nghiệm"))
    files[VI_1] = unicodedata.normalize("NFD", files[VI_1].decode()).encode()
    assert "Bài".encode() not in files[VI_1]  # really decomposed

    pack, errors = validate_pack(files, pack_parts(registry))

    assert errors == []
    assert pack.title["vi"] == unicodedata.normalize("NFC", "An toàn thông tin thử nghiệm")
    assert unicodedata.is_normalized("NFC", pack.title["vi"])
    lesson = pack.lessons[0]
    assert lesson.title["vi"] == "Bài học số 1"
    assert unicodedata.is_normalized("NFC", lesson.source["vi"])
    assert "Đây là bài học số 1" in lesson.source["vi"]


# --- learning-time settings in course.yaml ------------------------------------------------

SHARE_MESSAGE = ("\"min_lesson_share\" must be a number from 0 to 1 (a share of each lesson's "
                 "minutes, e.g. 0.3; 0 turns the minimum off).")


@pytest.mark.parametrize("value", ["1.5", "-0.1", "\"0.3\"", "true", "[0.3]", "1e400"])
def test_min_lesson_share_outside_0_to_1_names_its_line(registry, value):
    files = with_course(**{"mandatory: false\n": f"mandatory: false\nmin_lesson_share: {value}\n"})
    assert errors_of(files, registry) == [PackError("course.yaml", 14, SHARE_MESSAGE)]


@pytest.mark.parametrize("value", [".nan", ".inf", "1.0e+400", "1" + "0" * 100])
def test_min_lesson_share_that_is_no_finite_number_is_refused_by_the_reader(registry, value):
    files = with_course(**{"mandatory: false\n": f"mandatory: false\nmin_lesson_share: {value}\n"})
    [error] = errors_of(files, registry)
    assert (error.file, error.line) == ("course.yaml", 14)
    assert error.message.startswith("Invalid YAML: The number")


def test_quiz_requires_lessons_must_be_true_or_false(registry):
    files = with_course(**{"mandatory: false\n": "mandatory: false\nquiz_requires_lessons: yes please\n"})
    assert errors_of(files, registry) == [PackError(
        "course.yaml", 14, "\"quiz_requires_lessons\" must be true or false.")]


@pytest.mark.parametrize("lines, share, gate", [
    ("", None, None),
    ("min_lesson_share: 0\nquiz_requires_lessons: false\n", 0.0, False),
    ("min_lesson_share: 0.3\nquiz_requires_lessons: true\n", 0.3, True),
    ("min_lesson_share: 1\n", 1.0, None),
])
def test_learning_time_settings_are_read(registry, lines, share, gate):
    files = with_course(**{"mandatory: false\n": "mandatory: false\n" + lines})
    pack, errors = validate_pack(files, pack_parts(registry))
    assert errors == []
    assert (pack.min_lesson_share, pack.quiz_requires_lessons) == (share, gate)


def test_learning_time_settings_survive_export_and_import(app, app_context, db, registry):
    from courses.pack_export import pack_files_of
    from courses.pack_operations import import_pack

    files = with_course(**{"mandatory: false\n": "mandatory: false\nmin_lesson_share: 0.3\n"
                                                 "quiz_requires_lessons: false\n"})
    with app_context():
        pack, _errors = validate_pack(files, pack_parts(registry))
        course = import_pack(pack, publish=False).course
        exported = pack_files_of(course)
        plain, _errors = validate_pack(with_course(**{"code: TEST01": "code: PLAIN1"}), pack_parts(registry))
        plain_export = pack_files_of(import_pack(plain, publish=False).course)
    again, errors = validate_pack(exported, pack_parts(registry))
    assert errors == [] and (again.min_lesson_share, again.quiz_requires_lessons) == (0.3, False)
    # A pack that did not set them exports without them: it keeps following the site.
    assert b"min_lesson_share" not in plain_export["course.yaml"]
    assert b"quiz_requires_lessons" not in plain_export["course.yaml"]
