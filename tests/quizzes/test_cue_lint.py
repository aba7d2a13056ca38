"""The cue lint of quiz banks, and the per-question lesson reference it relies on.

Every rule has a bank that breaks it and a bank that passes it, read through the real pack
validator so the warnings carry quiz.yaml line numbers. Runs without an app context, so
messages are the English msgids.
"""
from __future__ import annotations

import random

import pytest

from courses.pack_files import PackError
from courses.pack_validation import validate_pack
from quizzes.drawing import PoolQuestion, draw
from quizzes.pack_quiz import lesson_of, lesson_tag
from quizzes.question_types import default_registry
from quizzes.pack_part import pack_parts
from tests.conftest import pack_files


@pytest.fixture
def registry():
    return default_registry()


def choice(text_vi: str, correct: bool, text_en: str | None = None) -> dict:
    return {"vi": text_vi, "en": text_en or text_vi, "correct": correct}


def question(key: str, kind: str, *, lesson: int | None = 1, choices=(), answer=None) -> dict:
    return {"key": key, "type": kind, "lesson": lesson, "choices": list(choices), "answer": answer}


def quiz_yaml(questions: list[dict]) -> tuple[str, dict[str, int]]:
    """quiz.yaml text and the line on which each question starts (its "- id:" line)."""
    lines = ["settings:", "  review: after_passing", "questions:"]
    starts = {}
    for item in questions:
        starts[item["key"]] = len(lines) + 1
        lines += [f"  - id: {item['key']}", f"    type: {item['type']}"]
        if item["lesson"] is not None:
            lines.append(f"    lesson: {item['lesson']}")
        lines.append('    text: {vi: "Câu hỏi?", en: "Question?"}')
        if item["choices"]:
            lines.append("    choices:")
            for c in item["choices"]:
                lines.append(f'      - text: {{vi: "{c["vi"]}", en: "{c["en"]}"}}')
                lines.append(f"        correct: {'true' if c['correct'] else 'false'}")
        if item["answer"] is not None:
            lines.append(f"    answer: {'true' if item['answer'] else 'false'}")
        lines.append('    explanation: {vi: "Vì vậy.", en: "Because."}')
    return "\n".join(lines) + "\n", starts


def lint(questions: list[dict], registry) -> tuple[list[PackError], dict[str, int]]:
    text, starts = quiz_yaml(questions)
    files = pack_files()
    files["quiz.yaml"] = text.encode()
    pack, errors = validate_pack(files, pack_parts(registry))
    assert errors == [], errors
    return pack.warnings, starts


def messages(warnings) -> list[str]:
    return [warning.message for warning in warnings]


def single(key: str, key_text: str, *wrong: str, lesson: int = 1) -> dict:
    return question(key, "single", lesson=lesson,
                    choices=[choice(key_text, True), *(choice(text, False) for text in wrong)])


def balanced_true_false() -> list[dict]:
    return [question(f"tf-{n}", "true_false", answer=n % 2 == 0) for n in range(4)]


# --- longest key ----------------------------------------------------------------------

def test_longest_key_in_more_than_a_third_of_single_choice_items_is_warned(registry):
    bank = [single("s1", "Đáp án dài nhất trong bốn", "Ngắn", "Ngắn hơn", "Cũng ngắn"),
            single("s2", "Một đáp án rất dài nữa", "Sai", "Sai nữa", "Sai luôn"),
            single("s3", "Vừa", "Lựa chọn dài hơn", "Ngắn", "Lựa chọn khác")] + balanced_true_false()

    warnings, starts = lint(bank, registry)

    longest = [w for w in warnings if "is the longest" in w.message]
    assert [(w.file, w.line) for w in longest] == [("quiz.yaml", starts["s1"])] * 2  # vi, then en
    assert longest[0].message == (
        "The correct choice is the longest in 2 of 3 single-choice questions (vi), more than 1/3: "
        "s1, s2. Rewrite the keys or the distractors so length gives nothing away.")
    assert "(en)" in longest[1].message


def test_a_third_of_longest_keys_is_allowed(registry):
    bank = [single("s1", "Đáp án dài nhất trong bốn", "Ngắn", "Ngắn hơn", "Cũng ngắn"),
            single("s2", "Vừa phải", "Lựa chọn dài hơn", "Ngắn", "Lựa chọn khác"),
            single("s3", "Vừa phải", "Lựa chọn dài hơn", "Ngắn", "Lựa chọn khác")] + balanced_true_false()

    warnings, _starts = lint(bank, registry)

    assert not any("is the longest" in message for message in messages(warnings))


def test_the_english_text_is_linted_too(registry):
    """Lengths are counted per language: a cue only in the English twin is still a cue."""
    bank = [question(f"s{n}", "single", choices=[
        choice("Vừa phải", True, "A much longer English key"),
        choice("Dài hơn một chút", False, "Short"), choice("Ngắn", False, "Brief")])
        for n in range(3)] + balanced_true_false()

    warnings, _starts = lint(bank, registry)

    longest = [m for m in messages(warnings) if "is the longest" in m]
    assert len(longest) == 1 and "(en)" in longest[0]


# --- shortest key ---------------------------------------------------------------------

def test_shortest_key_in_more_than_a_third_of_single_choice_items_is_warned(registry):
    """Trimming every key is the mirror cue: "pick the shortest" must not pay either."""
    bank = [single(f"s{n}", "Ngắn", "Một lựa chọn dài hơn", "Lựa chọn khá dài", "Cũng dài hơn")
            for n in range(3)] + balanced_true_false()

    warnings, starts = lint(bank, registry)

    shortest = [w for w in warnings if "is the shortest" in w.message]
    assert [w.line for w in shortest] == [starts["s0"]] * 2
    assert shortest[0].message.startswith(
        "The correct choice is the shortest in 3 of 3 single-choice questions (vi)")


# --- key length on average ------------------------------------------------------------

def test_keys_much_longer_on_average_are_warned(registry):
    """Multiple-response keys count too; no single item has an all-but-one key."""
    bank = [question(f"m{n}", "multiple", choices=[
        choice("Một đáp án đúng được viết rất dài và chi tiết", True),
        choice("Một đáp án đúng khác cũng viết dài và kỹ", True),
        choice("Sai", False), choice("Không", False), choice("Chưa", False)])
        for n in range(2)] + balanced_true_false()

    warnings, _starts = lint(bank, registry)

    ratio = [m for m in messages(warnings) if "times as long" in m]
    assert len(ratio) == 2 and ratio[0].startswith("Correct choices are on average")
    assert ratio[0].endswith("(vi); keep it between 0.80 and 1.25.")


def test_keys_of_similar_length_pass(registry):
    bank = [question(f"m{n}", "multiple", choices=[
        choice("Đáp án đúng thứ nhất", True), choice("Đáp án đúng thứ hai", True),
        choice("Đáp án sai thứ nhất", False), choice("Đáp án sai thứ hai", False),
        choice("Đáp án sai thứ ba", False)]) for n in range(2)] + balanced_true_false()

    warnings, _starts = lint(bank, registry)

    assert warnings == []


# --- multiple response ------------------------------------------------------------------

def test_all_but_one_correct_is_warned_at_the_question(registry):
    bank = [question("m-odd-one-out", "multiple", choices=[
        choice("Đúng một", True), choice("Đúng hai", True), choice("Đúng ba", True),
        choice("Sai một", False)]),
        question("m-balanced", "multiple", choices=[
            choice("Đúng một", True), choice("Đúng hai", True),
            choice("Sai một", False), choice("Sai hai", False)])] + balanced_true_false()

    warnings, starts = lint(bank, registry)

    odd = [w for w in warnings if "every choice but one" in w.message]
    assert odd == [PackError("quiz.yaml", starts["m-odd-one-out"], (
        'Question "m-odd-one-out": every choice but one is correct, so spotting the odd one '
        "out is enough. Make at least two choices wrong."))]


def test_keys_outnumbering_the_wrong_choices_in_most_items_is_warned(registry):
    bank = [question(f"m{n}", "multiple", choices=[
        choice("Đúng một", True), choice("Đúng hai", True), choice("Đúng ba", True),
        choice("Sai một", False), choice("Sai hai", False)]) for n in range(2)] + balanced_true_false()

    warnings, _starts = lint(bank, registry)

    assert [m for m in messages(warnings) if "outnumber" in m] == [
        "In 2 of 2 multiple-response questions the correct choices outnumber the wrong ones: "
        'm0, m1. Balance them so "tick most of them" does not pay.']
    assert not any("every choice but one" in m for m in messages(warnings))


# --- true/false balance -----------------------------------------------------------------

@pytest.mark.parametrize("trues, falses", [(1, 1), (3, 0), (4, 1), (5, 2)])
def test_unbalanced_true_false_keys_are_warned(registry, trues, falses):
    """The rule: at least 2 of each value, and the rarer at least 30 % of the T/F items.
    One of each (the old banks) fails the first half; 5 true and 2 false (29 %) the second."""
    bank = ([question(f"t{n}", "true_false", answer=True) for n in range(trues)]
            + [question(f"f{n}", "true_false", answer=False) for n in range(falses)])

    warnings, _starts = lint(bank, registry)

    assert messages(warnings) == [
        f"True/false keys lean one way: {trues} true and {falses} false. Have at least 2 of "
        "each, and the rarer at least 30% of the true/false questions."]
    assert warnings[0].line == 3  # the "questions:" line


@pytest.mark.parametrize("trues, falses", [(2, 2), (4, 3), (3, 4), (7, 3)])
def test_balanced_true_false_keys_pass(registry, trues, falses):
    bank = ([question(f"t{n}", "true_false", answer=True) for n in range(trues)]
            + [question(f"f{n}", "true_false", answer=False) for n in range(falses)])

    warnings, _starts = lint(bank, registry)

    assert warnings == []


# --- lesson reference -------------------------------------------------------------------

def test_a_question_without_a_lesson_is_warned(registry):
    bank = [question("no-lesson", "true_false", lesson=None, answer=True)] + balanced_true_false()

    warnings, starts = lint(bank, registry)

    assert warnings == [PackError("quiz.yaml", starts["no-lesson"], (
        'Question "no-lesson" names no lesson: add "lesson: N" so a failed attempt can point '
        "back to it."))]


def test_an_unknown_lesson_is_an_error_at_its_line(registry):
    text, starts = quiz_yaml([question("q-far", "true_false", lesson=7, answer=True)])
    files = pack_files()  # lessons 01 and 02
    files["quiz.yaml"] = text.encode()

    pack, errors = validate_pack(files, pack_parts(registry))

    assert pack is None
    assert errors == [PackError("quiz.yaml", starts["q-far"] + 2,
                                'Question "q-far" names lesson 7, but the pack has no lesson 07.')]


@pytest.mark.parametrize("value", ["two", "0", "1.5", "true"])
def test_a_lesson_that_is_not_a_lesson_number_is_an_error(registry, value):
    text, starts = quiz_yaml([question("q-bad", "true_false", answer=True)])
    files = pack_files()
    files["quiz.yaml"] = text.replace("lesson: 1", f"lesson: {value}").encode()

    pack, errors = validate_pack(files, pack_parts(registry))

    assert pack is None
    assert errors == [PackError("quiz.yaml", starts["q-bad"] + 2,
                                '"lesson" must be the number of a lesson of this pack, e.g. 2.')]


def test_lesson_tags_are_reserved(registry):
    text, starts = quiz_yaml([question("q-tag", "true_false", lesson=None, answer=True)])
    files = pack_files()
    files["quiz.yaml"] = text.replace("    type: true_false\n",
                                      "    type: true_false\n    tags: [mail, lesson-02]\n").encode()

    pack, errors = validate_pack(files, pack_parts(registry))

    assert pack is None
    assert errors == [PackError("quiz.yaml", starts["q-tag"] + 2,
                                'Tags named lesson-NN are kept for the lesson: write "lesson: N" instead.')]


def test_the_lesson_is_stored_as_a_tag_that_questions_per_tag_can_draw_on(registry):
    bank = ([question(f"a{n}", "true_false", lesson=1, answer=n % 2 == 0) for n in range(4)]
            + [question(f"b{n}", "true_false", lesson=2, answer=n % 2 == 0) for n in range(4)])
    text, _starts = quiz_yaml(bank)
    text = text.replace("    type: true_false\n", "    type: true_false\n    tags: [mail]\n", 1)
    files = pack_files()
    files["quiz.yaml"] = text.encode()

    pack, errors = validate_pack(files, pack_parts(registry))

    assert errors == []
    first = pack.parts["quiz.yaml"].questions[0]
    assert (first.lesson, first.tags) == (1, ["mail", "lesson-01"])
    assert [lesson_of(q.tags) for q in pack.parts["quiz.yaml"].questions] == [1] * 4 + [2] * 4
    assert lesson_tag(2) == "lesson-02" and lesson_of(["mail"]) is None
    pool = [PoolQuestion(index, tuple(q.tags), ()) for index, q in enumerate(pack.parts["quiz.yaml"].questions)]
    drawn, _orders = draw(pool, {"questions_per_tag": {"lesson-01": 1, "lesson-02": 2}},
                          random.Random(4))
    assert sorted(lesson_of(pack.parts["quiz.yaml"].questions[i].tags) for i in drawn) == [1, 2, 2]
