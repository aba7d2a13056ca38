"""Hostile content packs: every case is refused with its own message and the file:line
it comes from, before anything is written (on PostgreSQL these were 500s: NUL cannot be
stored, a 5,000-digit number crashed the YAML reader, an over-long title overflowed its
column). Messages are the English msgids: no app context here."""
from __future__ import annotations

import io

import pytest

from courses.pack_files import read_zip
from quizzes.question_types import default_registry
from tests.conftest import pack_files
from tests.courses.pack_helpers import base_files, errors_of, make_zip, with_course, with_quiz

NUMBER_RANGE = "numbers in a pack lie between -9007199254740992 and 9007199254740992."


@pytest.fixture
def registry():
    return default_registry()


def messages(errors) -> list[str]:
    return [str(error) for error in errors]


def test_raw_nul_in_course_yaml_names_its_line(registry):
    files = with_course(**{"topic: cybersecurity": "topic: cyber\x00security"})
    assert messages(errors_of(files, registry)) == [
        "course.yaml:3: The file holds a NUL character (U+0000): save it again as plain UTF-8 text."]


def test_escaped_nul_in_a_yaml_value_names_its_line(registry):
    files = with_course(**{"  vi: An toàn thông tin thử nghiệm": '  vi: "An toàn\\0 thông tin"'})
    assert messages(errors_of(files, registry)) == [
        "course.yaml:5: Invalid YAML: A value holds a NUL character (\\0)."]


def test_nul_in_a_lesson_body_names_its_line(registry):
    files = base_files()
    files["lessons/01-bai-1.vi.md"] += "\nDòng có ký tự\x00lạ.\n".encode()  # the 13th line
    [error] = errors_of(files, registry)
    assert error.file == "lessons/01-bai-1.vi.md" and error.line == 13
    assert "NUL character" in error.message


def test_a_character_yaml_refuses_is_a_reader_error_with_its_line(registry):
    files = with_course(**{"periods: 2": "periods: 2\x01"})
    assert messages(errors_of(files, registry)) == [
        "course.yaml:10: Invalid YAML: The character U+0001 is not allowed in a YAML file."]


def test_a_5000_digit_version_number(registry):
    files = with_course(**{"version: 1": "version: " + "9" * 5000})
    [message] = messages(errors_of(files, registry))
    assert message.startswith('course.yaml:2: Invalid YAML: The number "9999')
    assert message.endswith(NUMBER_RANGE)


@pytest.mark.parametrize("value", [str(2**63), "1" + "0" * 20, "-" + str(2**60), "0x" + "f" * 30])
def test_huge_whole_numbers_are_refused_where_they_stand(registry, value):
    files = with_course(**{"minutes: 90": f"minutes: {value}"})
    [message] = messages(errors_of(files, registry))
    assert message.startswith("course.yaml:11: Invalid YAML: The number") and message.endswith(NUMBER_RANGE)


@pytest.mark.parametrize("value", [".inf", "-.inf", ".nan", "1.0e+400"])
def test_infinite_and_not_a_number_values_are_refused(registry, value):
    files = with_quiz(f"settings:\n  questions_per_attempt: {value}\nquestions: []\n")
    [message] = messages(errors_of(files, registry))
    assert message.startswith("quiz.yaml:2: Invalid YAML: The number") and message.endswith(NUMBER_RANGE)


def test_numbers_within_range_still_reach_the_range_checks(registry):
    files = with_course(**{"version: 1": f"version: {2**31}"})
    assert messages(errors_of(files, registry)) == [
        'course.yaml:2: "version" must be a whole number from 1 to 10000.']


def test_an_impossible_date_is_a_yaml_error_with_its_line(registry):
    files = with_course(**{"mandatory: false": "mandatory: 2026-02-31"})
    assert messages(errors_of(files, registry)) == [
        'course.yaml:13: Invalid YAML: The value "2026-02-31" cannot be read.']


def test_an_over_long_course_title(registry):
    files = with_course(**{"  en: Test cybersecurity": "  en: " + "x" * 5000})
    assert messages(errors_of(files, registry)) == [
        'course.yaml:6: "title" is longer than 300 characters.']


def test_an_over_long_lesson_title(registry):
    files = base_files()
    files["lessons/01-bai-1.en.md"] = files["lessons/01-bai-1.en.md"].replace(
        b"title: Lesson 1", b"title: " + b"Long " * 100)
    assert messages(errors_of(files, registry)) == [
        'lessons/01-bai-1.en.md:2: "title" is longer than 300 characters.']


def test_an_over_long_lesson_file_name(registry):
    files = base_files()
    slug = "-".join(["dai"] * 30)
    for lang in ("vi", "en"):
        files[f"lessons/01-{slug}.{lang}.md"] = files.pop(f"lessons/01-bai-1.{lang}.md")
    errors = errors_of(files, registry)
    assert [error.message for error in errors][:1] == [
        'The lesson file name is too long: at most 80 characters between "NN-" and the language.']


def test_an_over_long_media_path_in_a_zip():
    files = pack_files()
    files["media/" + "a" * 250 + ".png"] = files["media/pic.png"]
    with pytest.raises(Exception) as raised:
        read_zip(make_zip(files))
    assert [error.message for error in raised.value.errors] == [
        "The file name is longer than 200 characters."]


def test_an_over_long_question_id(registry):
    files = with_quiz("questions:\n  - id: " + "q" * 81 + "\n    type: true_false\n"
                      "    text: {vi: \"Đúng không?\", en: \"True?\"}\n    answer: true\n")
    assert messages(errors_of(files, registry)) == [
        "quiz.yaml:2: A question id must be lowercase letters, digits and '-'."]


@pytest.fixture
def author_client(client, create_learner, login):
    create_learner("Tác Giả", username="tac-gia", roles=["author"])
    login("tac-gia")
    return client


@pytest.mark.parametrize("replacement, line, expected", [
    ({"topic: cybersecurity": "topic: cyber\x00security"}, 3, "ký tự NUL"),
    ({"version: 1": "version: " + "9" * 5000}, 2, "quá lớn"),
    ({"  en: Test cybersecurity": "  en: " + "x" * 5000}, 6, "dài quá 300 ký tự"),
])
def test_uploads_of_hostile_packs_show_the_error_on_both_databases(author_client, replacement,
                                                                   line, expected):
    files = with_course(**replacement)
    response = author_client.post("/author/packs/upload", content_type="multipart/form-data",
                                  data={"pack": (io.BytesIO(make_zip(files)), "pack.zip")})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert f"<td>course.yaml</td><td>{line}</td>" in page
    assert expected in page
