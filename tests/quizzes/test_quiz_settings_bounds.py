"""Quiz settings are bounded when a pack is validated, each error at its quiz.yaml line:
a time limit of 1–600 minutes, 1–100 attempts, a wait of at most 7 days, at least one
question per attempt, and a questions_per_tag the pool can fill without using a
question twice. Huge numbers are errors, never a crash."""
from __future__ import annotations

import random

import pytest

from courses.pack_validation import PackError, validate_pack
from quizzes.drawing import PoolQuestion, draw
from quizzes.question_types import default_registry
from quizzes.pack_part import pack_parts
from tests.conftest import pack_files

#: Line 2 is the setting under test; questions start on line 3.
TAGGED_QUIZ = """\
settings:
  {setting}
questions:
  - id: both
    type: true_false
    tags: [mail, account]
    text: {{vi: "Một?", en: "One?"}}
    answer: true
    explanation: {{vi: "Vì vậy.", en: "Because."}}
  - id: mail-only
    type: true_false
    tags: [mail]
    text: {{vi: "Hai?", en: "Two?"}}
    answer: false
    explanation: {{vi: "Vì vậy.", en: "Because."}}
  - id: account-only
    type: true_false
    tags: [account]
    text: {{vi: "Ba?", en: "Three?"}}
    answer: true
    explanation: {{vi: "Vì vậy.", en: "Because."}}
"""


def errors_for(setting: str) -> list[PackError]:
    files = pack_files(lessons=1, media=False)
    files["quiz.yaml"] = TAGGED_QUIZ.format(setting=setting).encode()
    pack, errors = validate_pack(files, pack_parts(default_registry()))
    assert (pack is None) == bool(errors)
    return errors


#: The end of the reader's message for numbers beyond what any pack field holds.
NUMBER_RANGE = "numbers in a pack lie between -9007199254740992 and 9007199254740992."


def bound_error(key: str, low: int, high: int) -> list[PackError]:
    return [PackError("quiz.yaml", 2, f'"{key}" must be a whole number from {low} to {high}.')]


@pytest.mark.parametrize("key, low, high", [
    ("time_limit_minutes", 1, 600), ("max_attempts", 1, 100), ("wait_minutes", 0, 10080)])
def test_each_bound_holds_at_both_ends(key, low, high):
    assert errors_for(f"{key}: {low}") == []
    assert errors_for(f"{key}: {high}") == []
    for bad in (low - 1, high + 1, "1e20", "1.0e+20", "1.5", "true", '"10"'):  # 1e20 is text in YAML
        assert errors_for(f"{key}: {bad}") == bound_error(key, low, high), bad
    # Numbers no pack field can hold are refused by the reader itself, at the same line.
    for huge in (10 ** 20, 9 * 10 ** 4000):
        [error] = errors_for(f"{key}: {huge}")
        assert (error.file, error.line) == ("quiz.yaml", 2), huge
        assert error.message.endswith(NUMBER_RANGE), huge


def test_a_number_too_long_to_read_is_an_error_at_its_line():
    """5,000 digits are more than Python reads as an int by default (4,300)."""
    [error] = errors_for("time_limit_minutes: " + "9" * 5000)
    assert (error.file, error.line) == ("quiz.yaml", 2)


@pytest.mark.parametrize("value", [0, -1, "1.0e+20", "null"])
def test_questions_per_attempt_is_at_least_one(value):
    [error] = errors_for(f"questions_per_attempt: {value}")
    assert (error.file, error.line) == ("quiz.yaml", 2)


def test_questions_per_attempt_cannot_exceed_the_pool():
    assert errors_for("questions_per_attempt: 4") == [PackError(
        "quiz.yaml", 2, "questions_per_attempt is 4 but the pool has only 3 questions.")]


def test_questions_per_tag_that_the_pool_can_fill():
    # mail: both + mail-only, account: both + account-only; one each always works.
    assert errors_for("questions_per_tag: {mail: 1, account: 1}") == []
    assert errors_for("questions_per_tag: {mail: 2, account: 1}") == []


def test_a_tag_with_too_few_questions_is_named_at_its_line():
    assert errors_for("questions_per_tag: {mail: 3}") == [PackError(
        "quiz.yaml", 2, 'questions_per_tag asks for 3 questions tagged "mail" but the pool has 2.')]
    assert errors_for("questions_per_tag: {sports: 1}") == [PackError(
        "quiz.yaml", 2, 'questions_per_tag asks for 1 questions tagged "sports" but the pool has 0.')]


def test_a_question_counts_for_one_tag_only():
    """mail has 2 and account has 2, but "both" cannot count twice: 4 slots, 3 questions."""
    assert errors_for("questions_per_tag: {mail: 2, account: 2}") == [PackError(
        "quiz.yaml", 2, "questions_per_tag asks for 4 questions in all, but a question counts for "
                        "one tag only and the pool can fill just 3 of them.")]


def test_huge_tag_counts_are_errors_not_hangs():
    [error] = errors_for(f"questions_per_tag: {{mail: {10 ** 20}}}")
    assert error.line == 2


def test_the_draw_fills_every_tag_whenever_the_pool_can():
    """A blind tag-by-tag draw would give "mail" the question tagged with both half of
    the time and leave "account" empty; the draw keeps later tags fillable."""
    pool = [PoolQuestion(1, ("mail", "account")), PoolQuestion(2, ("mail",))]
    for seed in range(200):
        question_ids, _ = draw(pool, {"questions_per_tag": {"mail": 1, "account": 1}}, random.Random(seed))
        assert sorted(question_ids) == [1, 2], seed
