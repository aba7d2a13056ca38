"""Tests for quizzes.grading: worked examples plus hypothesis properties."""

from __future__ import annotations

import unicodedata
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quizzes.grading import (
    Grade,
    grade_multiple,
    grade_numeric,
    grade_short_answer,
    grade_single,
    grade_true_false,
    normalise_answer_text,
    parse_decimal,
    strip_vietnamese_diacritics,
)

MODES = st.sampled_from(["partial", "all_or_nothing"])


def choice(cid: str, correct: bool, feedback: str | None = None, **extra) -> dict:
    text = {"vi": f"Phương án {cid}"}
    return {"id": cid, "text": text, "correct": correct,
            "feedback": {"vi": feedback} if feedback else None, **extra}


SINGLE = {"choices": [choice("c1", False, "Sai"), choice("c2", True, "Đúng"), choice("c3", False)]}
MULTIPLE = {"choices": [choice("c1", True), choice("c2", True, "Tốt"),
                        choice("c3", False), choice("c4", False, "Không")]}
WEIGHTED = {"choices": [choice("a", True, weight=50), choice("b", True, weight=50),
                        choice("c", False, weight=-100), choice("d", False, weight=0)]}
SHORT = {"answers": [{"text": "mã độc", "fraction": 1.0},
                     {"text": "virus", "fraction": 0.5, "feedback": {"vi": "Gần"}}],
         "ignore_diacritics": False}
NUMERIC = {"answers": [{"value": 6.0, "tolerance": 0.0, "fraction": 1.0},
                       {"value": 6.0, "tolerance": 1.0, "fraction": 0.5,
                        "feedback": {"vi": "Gần"}}]}


def test_single_choice() -> None:
    assert grade_single(SINGLE, {"choice": "c2"}) == Grade(1.0, True, ("c2",))
    assert grade_single(SINGLE, {"choice": "c1"}) == Grade(0.0, False, ("c1",))
    assert grade_single(SINGLE, {"choice": "c3"}) == Grade(0.0, False, ())
    assert grade_single(SINGLE, {"choice": "nope"}) == Grade(0.0, False, ())


def test_multiple_all_or_nothing() -> None:
    assert grade_multiple(MULTIPLE, {"choices": ["c2", "c1"]}).score == 1.0
    assert grade_multiple(MULTIPLE, {"choices": ["c1"]}).score == 0.0
    wrong_extra = grade_multiple(MULTIPLE, {"choices": ["c1", "c2", "c4"]})
    assert wrong_extra == Grade(0.0, False, ("c2", "c4"))


@pytest.mark.parametrize(("picked", "expected"), [
    (["c1"], 0.5), (["c1", "c2"], 1.0), (["c1", "c3"], 0.0), (["c1", "c2", "c3"], 0.5),
    (["c3", "c4"], 0.0), ([], 0.0), (["c1", "unknown"], 0.5),
])
def test_multiple_partial(picked: list[str], expected: float) -> None:
    score = grade_multiple(MULTIPLE, {"choices": picked}, "partial").score
    assert score == pytest.approx(expected)


@pytest.mark.parametrize(("picked", "partial", "all_or_nothing"), [
    (["a"], 0.5, 0.0), (["a", "b"], 1.0, 1.0), (["a", "b", "d"], 1.0, 0.0), (["a", "c"], 0.0, 0.0),
])
def test_multiple_weighted(picked: list[str], partial: float, all_or_nothing: float) -> None:
    assert grade_multiple(WEIGHTED, {"choices": picked}, "partial").score == partial
    assert grade_multiple(WEIGHTED, {"choices": picked}, "all_or_nothing").score == all_or_nothing


def test_weights_written_as_thirds_give_full_marks() -> None:
    thirds = [choice(c, True, weight=33.333) for c in "abc"]
    payload = {"choices": [*thirds, choice("d", False, weight=-100)]}
    grade = grade_multiple(payload, {"choices": ["a", "b", "c"]}, "partial")
    assert grade.score == 1.0 and grade.is_correct


def test_unknown_scoring_mode_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="scoring"):
        grade_multiple(MULTIPLE, {"choices": ["c1"]}, "lenient")


def test_true_false_and_feedback_key() -> None:
    payload = {"answer": False, "feedback_true": {"vi": "Sai rồi"}, "feedback_false": None}
    assert grade_true_false(payload, {"value": False}) == Grade(1.0, True, ())
    assert grade_true_false(payload, {"value": True}) == Grade(0.0, False, ("true",))
    assert grade_true_false(payload, {"value": "false"}).score == 0.0


@pytest.mark.parametrize(("typed", "score"), [
    ("mã độc", 1.0), ("  MÃ   ĐỘC ", 1.0), (unicodedata.normalize("NFD", "Mã Độc"), 1.0),
    ("ma doc", 0.0), ("Virus", 0.5), ("mã", 0.0), ("", 0.0),
])
def test_short_answer(typed: str, score: float) -> None:
    assert grade_short_answer(SHORT, {"text": typed}).score == score


def test_short_answer_ignoring_diacritics_and_feedback_key() -> None:
    payload = {**SHORT, "ignore_diacritics": True}
    assert grade_short_answer(payload, {"text": "MA DOC"}).score == 1.0
    assert grade_short_answer(payload, {"text": "vírus"}) == Grade(0.5, False, ("1",))


@pytest.mark.parametrize(("typed", "score"), [
    ("6", 1.0), (" 6,0 ", 1.0), ("6.", 1.0), ("6,5", 0.5), ("+5.0", 0.5), (7, 0.5), (6.0, 1.0),
    ("7,01", 0.0), ("6,5,1", 0.0), ("sáu", 0.0), ("", 0.0), ("1e1", 0.0), ("nan", 0.0),
    (True, 0.0),
])
def test_numeric(typed, score: float) -> None:
    assert grade_numeric(NUMERIC, {"value": typed}).score == score


def test_numeric_tolerates_float_error_and_ranges() -> None:
    exact = {"answers": [{"value": 0.3, "tolerance": 0.0, "fraction": 1.0}]}
    assert grade_numeric(exact, {"value": 0.1 + 0.2}).is_correct
    # The range 1..24 is stored as its midpoint and half-width.
    span = {"answers": [{"value": 12.5, "tolerance": 11.5, "fraction": 1.0}]}
    scores = [grade_numeric(span, {"value": v}).score for v in ("1", "24", "0,99", "24.01")]
    assert scores == [1, 1, 0, 0]


def test_numeric_best_fraction_and_feedback() -> None:
    assert grade_numeric(NUMERIC, {"value": "6.5"}) == Grade(0.5, False, ("1",))


def test_parse_decimal() -> None:
    assert [parse_decimal(v) for v in ("6,5", " -0.5 ", ",5", "12")] == [6.5, -0.5, 0.5, 12.0]
    unreadable = ("1.000,5", "--1", "", None, [], float("inf"))
    assert [parse_decimal(v) for v in unreadable] == [None] * 6


def test_vietnamese_helpers() -> None:
    assert strip_vietnamese_diacritics("Đường Hồ Chí Minh, ĐẮK LẮK") == "Duong Ho Chi Minh, DAK LAK"
    decomposed = unicodedata.normalize("NFD", "Mã độc tống tiền")
    assert strip_vietnamese_diacritics(decomposed) == "Ma doc tong tien"
    assert normalise_answer_text("  Mã\t ĐỘC\n") == "mã độc"
    assert normalise_answer_text("  Mã\t ĐỘC\n", ignore_diacritics=True) == "ma doc"


BAD_RESPONSES = [
    None, {}, [], "c1", 5, {"choice": 5}, {"choice": ["c2"]}, {"choices": "c1"}, {"choices": [1]},
    {"value": "true"}, {"value": None}, {"text": None}, {"text": ["mã độc"]}, {"value": {"x": 1}},
]
GRADERS = [
    lambda r: grade_single(SINGLE, r),
    lambda r: grade_multiple(MULTIPLE, r, "partial"),
    lambda r: grade_true_false({"answer": True}, r),
    lambda r: grade_short_answer(SHORT, r),
    lambda r: grade_numeric(NUMERIC, r),
]


@pytest.mark.parametrize("response", BAD_RESPONSES)
@pytest.mark.parametrize("grader", GRADERS)
def test_ill_typed_responses_score_zero(grader, response) -> None:
    assert grader(response) == Grade(0.0, False, ())


# ---- properties -------------------------------------------------------------
# deadline=None: timing varies on loaded CI machines; example counts keep runs short.

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner),
    max_leaves=8,
)
ids = st.sampled_from(["c1", "c2", "c3", "c4", "a", "b", "c", "d", "x"])
responses = st.one_of(
    json_values,
    st.fixed_dictionaries({"choice": ids}),
    st.fixed_dictionaries({"choices": st.lists(ids)}),
    st.fixed_dictionaries({"value": st.booleans() | st.floats() | st.text("0123456789,.- ")}),
    st.fixed_dictionaries({"text": st.sampled_from(["mã độc", "virus", "MA DOC"]) | st.text()}),
)


@st.composite
def choice_payloads(draw, weighted: bool) -> dict:
    """Choice payloads with 2-6 choices, at least one correct (weights add up to 100)."""
    flags = draw(st.lists(st.booleans(), min_size=2, max_size=6).filter(any))
    correct = flags.count(True)
    choices = []
    for number, flag in enumerate(flags, start=1):
        weight = 100 / correct if flag else -draw(st.integers(0, 100))
        extra = {"weight": weight} if weighted else {}
        feedback = "fb" if draw(st.booleans()) else None
        choices.append(choice(f"c{number}", flag, feedback, **extra))
    return {"choices": choices}


choice_cases = st.booleans().flatmap(choice_payloads)


@settings(max_examples=150, deadline=None)
@given(payload=choice_cases, response=responses, scoring=MODES)
def test_scores_stay_in_unit_interval(payload: dict, response, scoring: str) -> None:
    grades = [
        grade_single(payload, response), grade_multiple(payload, response, scoring),
        grade_true_false({"answer": True}, response), grade_short_answer(SHORT, response),
        grade_numeric(NUMERIC, response),
    ]
    for grade in grades:
        assert 0.0 <= grade.score <= 1.0
        assert grade.is_correct == (grade.score == 1.0)


@settings(max_examples=150, deadline=None)
@given(payload=choice_cases, data=st.data(), scoring=MODES)
def test_reordering_choices_never_changes_a_score(payload: dict, data, scoring: str) -> None:
    shuffled = {"choices": data.draw(st.permutations(payload["choices"]))}
    ids = [c["id"] for c in payload["choices"]]
    picked = data.draw(st.lists(st.sampled_from(ids), unique=True))
    response = {"choices": picked, "choice": picked[0] if picked else None}
    before = grade_multiple(payload, response, scoring).score
    assert grade_multiple(shuffled, response, scoring).score == before
    assert grade_single(shuffled, response) == grade_single(payload, response)


@settings(max_examples=150, deadline=None)
@given(payload=choice_cases, scoring=MODES)
def test_correct_choices_score_one(payload: dict, scoring: str) -> None:
    correct = [c["id"] for c in payload["choices"] if c["correct"]]
    assert grade_multiple(payload, {"choices": correct}, scoring).is_correct
    single = {"choices": [{**c, "correct": c["id"] == correct[0]} for c in payload["choices"]]}
    assert grade_single(single, {"choice": correct[0]}).score == 1.0


answer_texts = st.text(st.sampled_from("aăâbdđeêioôơuưyAĐƠ àáảãạềếểễệ"), min_size=1, max_size=12)
answer_texts = answer_texts.filter(str.strip)


@settings(max_examples=150, deadline=None)
@given(answers=st.lists(st.tuples(answer_texts, st.integers(0, 100)), min_size=1, max_size=5),
       ignore=st.booleans(), data=st.data())
def test_accepted_answers_score_their_fraction_in_any_order(answers, ignore: bool, data) -> None:
    entries = [{"text": text, "fraction": weight / 100} for text, weight in answers]
    entries.append({"text": data.draw(answer_texts), "fraction": 1.0})
    payload = {"answers": entries, "ignore_diacritics": ignore}
    target = data.draw(st.sampled_from(entries))
    typed = unicodedata.normalize("NFD", f"  {target['text'].upper()} ")
    grade = grade_short_answer(payload, {"text": typed})
    assert grade.score >= target["fraction"]
    reordered = {**payload, "answers": data.draw(st.permutations(entries))}
    assert grade_short_answer(reordered, {"text": typed}).score == grade.score
    assert grade_short_answer(payload, {"text": entries[-1]["text"]}).score == 1.0


finite = st.floats(min_value=-1e9, max_value=1e9, allow_nan=False)


@settings(max_examples=150, deadline=None)
@given(value=finite, tolerance=st.floats(min_value=0, max_value=1e6), comma=st.booleans(),
       answer=st.booleans())
def test_correct_numeric_and_true_false_answers_score_one(
    value: float, tolerance: float, comma: bool, answer: bool
) -> None:
    payload = {"answers": [{"value": value, "tolerance": tolerance, "fraction": 1.0}]}
    typed = format(Decimal(repr(value)), "f")  # learners never type exponents
    typed = typed.replace(".", ",") if comma else typed
    assert grade_numeric(payload, {"value": typed}).score == 1.0
    assert grade_true_false({"answer": answer}, {"value": answer}).score == 1.0


@settings(max_examples=150, deadline=None)
@given(text=st.text(max_size=30))
def test_diacritic_stripping_is_idempotent_and_leaves_no_marks(text: str) -> None:
    stripped = strip_vietnamese_diacritics(text)
    assert strip_vietnamese_diacritics(stripped) == stripped
    assert not any(unicodedata.combining(ch) for ch in unicodedata.normalize("NFD", stripped))
    assert "đ" not in stripped.lower()
