"""Tests for quizzes.question_types: registry, validation, views and forms."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quizzes.grading import Grade
from quizzes.question_types import (
    MultipleChoice,
    QuestionType,
    QuestionTypeRegistry,
    SingleChoice,
    default_registry,
)

BUILTINS = ["single", "multiple", "true_false", "short_answer", "numeric"]
#: Types with forms or payloads of their own, tested in test_matching.py and test_gift_moodle.py.
OTHER_BUILTINS = ["matching", "description"]


class FakeForm:
    """Just enough of werkzeug's MultiDict: get() returns the first value."""

    def __init__(self, pairs: list[tuple[str, str]]) -> None:
        self.pairs = pairs

    def get(self, key: str, default=None):
        return next((value for k, value in self.pairs if k == key), default)

    def getlist(self, key: str) -> list[str]:
        return [value for k, value in self.pairs if k == key]


def choices(*flags: bool) -> list[dict]:
    return [
        {"id": f"c{n}", "text": {"vi": f"Lựa chọn {n}", "en": f"Choice {n}"}, "correct": flag,
         "feedback": {"vi": "Giải thích"} if flag else None}
        for n, flag in enumerate(flags, start=1)
    ]


def weighted(flags: tuple[bool, ...], right: float, wrong: float) -> dict:
    return {"choices": [{**c, "weight": right if c["correct"] else wrong} for c in choices(*flags)]}


VALID = {
    "single": {"choices": choices(False, True, False)},
    "multiple": {"choices": choices(True, True, False)},
    "true_false": {"answer": True, "feedback_true": None, "feedback_false": {"vi": "Sai"}},
    "short_answer": {"answers": [{"text": "mã độc", "fraction": 1.0},
                                 {"text": "virus", "fraction": 0.5}], "ignore_diacritics": True},
    "numeric": {"answers": [{"value": 6.0, "tolerance": 0.0, "fraction": 1.0}]},
}
CORRECT_FORMS = {
    "single": [("q", "c2")],
    "multiple": [("q", "c1"), ("q", "c2"), ("q", "c1")],
    "true_false": [("q", "true")],
    "short_answer": [("q", " MA DOC ")],
    "numeric": [("q", "6,0")],
}


def test_default_registry_holds_the_builtins_and_is_new_each_time() -> None:
    first, second = default_registry(), default_registry()
    assert first.names() == [*BUILTINS, *OTHER_BUILTINS]
    assert first is not second

    class Essay(QuestionType):
        name = "essay"

    first.register(Essay)
    assert "essay" in first and "essay" not in second
    assert first.get("essay") is Essay and first.get("single") is SingleChoice


def test_registry_refuses_duplicates_and_reports_unknown_names() -> None:
    registry = QuestionTypeRegistry()
    assert registry.register(MultipleChoice) is MultipleChoice
    with pytest.raises(ValueError, match="already registered"):
        registry.register(MultipleChoice)
    with pytest.raises(KeyError, match=r"unknown question type 'matching'.*multiple"):
        registry.get("matching")
    assert 42 not in registry and "multiple" in registry

    class Nameless(QuestionType):
        pass

    with pytest.raises(ValueError, match="no name"):
        registry.register(Nameless)


@pytest.mark.parametrize("name", BUILTINS)
def test_builtins_have_labels_and_accept_valid_payloads(name: str) -> None:
    cls = default_registry().get(name)
    assert cls.name == name and cls.label["vi"] and cls.label["en"]
    assert cls.has_choices == (name in ("single", "multiple"))
    assert cls.validate(VALID[name]) == []


SHORT, NUMERIC = "short_answer", "numeric"


@pytest.mark.parametrize(("name", "payload", "fragment"), [
    ("single", None, "payload must be an object"),
    ("single", {"choices": choices(True)}, "at least 2 choices"),
    ("single", {"choices": choices(True, True)}, "exactly one choice must be correct, found 2"),
    ("single", {"choices": choices(True) * 2}, "choice 2: duplicate id 'c1'"),
    ("single", {"choices": [*choices(True), {"id": "", "text": {"vi": " "}}]}, "choice 2: id"),
    ("single", {"choices": [*choices(True), {"id": "x", "text": {"vi": " "}}]}, "choice 2: text"),
    ("single", {"choices": [*choices(True), {"id": "x", "text": {"vi": "b"}}]}, "2: correct must"),
    ("multiple", {"choices": choices(False, False)},
     "at least one choice must be correct, found 0"),
    ("multiple", {"choices": [{**choices(True)[0], "weight": 100}, choices(True, False)[1]]},
     "either every choice has a weight"),
    ("multiple", weighted((True, True, False), 40, -10), "weights must add up to 100, found 80"),
    ("multiple", weighted((True, False), 100, 5), "choice 2: correct must be true iff weight"),
    ("multiple", weighted((True, False), 150, 0), "choice 1: weight must be a number from -100"),
    ("true_false", {"answer": "yes"}, "answer must be true or false"),
    ("true_false", {"answer": True, "feedback_true": "Đúng"}, "feedback_true: feedback must"),
    (SHORT, {"answers": []}, "answers must be a non-empty list"),
    (SHORT, {"answers": [{"text": "  ", "fraction": 1.0}]}, "answer 1: text must be"),
    (SHORT, {"answers": [{"text": "a", "fraction": 0.5}]}, "one answer must have fraction 1"),
    (SHORT, {"answers": [{"text": "a"}], "ignore_diacritics": "yes"}, "ignore_diacritics must be"),
    (NUMERIC, {"answers": [{"value": "6", "fraction": 1.0}]}, "answer 1: value must be"),
    (NUMERIC, {"answers": [{"value": 6, "tolerance": -1}]}, "answer 1: tolerance must be"),
    (NUMERIC, {"answers": [{"value": 6, "fraction": 2}]}, "answer 1: fraction must be a number"),
    (NUMERIC, {"answers": [{"value": float("nan")}]}, "value must be a finite number"),
])
def test_validate_explains_what_is_wrong(name: str, payload, fragment: str) -> None:
    errors = default_registry().get(name).validate(payload)
    assert any(fragment in error for error in errors), errors


@pytest.mark.parametrize("name", BUILTINS)
def test_correct_form_submission_scores_one(name: str) -> None:
    cls = default_registry().get(name)
    form = FakeForm([*CORRECT_FORMS[name], ("other", "c3")])
    assert cls.grade(VALID[name], cls.response_from_form(form, "q"), {}).score == 1.0
    empty = cls.response_from_form(FakeForm([]), "q")
    assert empty in ({}, {"choices": []})
    assert cls.grade(VALID[name], empty, {}).score == 0.0


def test_form_parsing_details() -> None:
    form = FakeForm(CORRECT_FORMS["multiple"])
    assert MultipleChoice.response_from_form(form, "q") == {"choices": ["c1", "c2"]}
    true_false = default_registry().get("true_false")
    assert true_false.response_from_form(FakeForm([("q", "false")]), "q") == {"value": False}
    assert true_false.response_from_form(FakeForm([("q", "maybe")]), "q") == {}


def test_multiple_scoring_comes_from_settings() -> None:
    payload, response = VALID["multiple"], {"choices": ["c1"]}
    assert MultipleChoice.grade(payload, response, {}).score == 0.0
    partial = MultipleChoice.grade(payload, response, {"multiple_scoring": "partial"})
    assert partial == Grade(0.5, False, ("c1",))


def test_public_view_follows_order_and_language() -> None:
    view = SingleChoice.public_view(VALID["single"], ["c3", "ghost", "c1"], "en")
    assert view == {"type": "single", "choices": [
        {"id": "c3", "text": "Choice 3"}, {"id": "c1", "text": "Choice 1"},
        {"id": "c2", "text": "Choice 2"}]}
    fallback = SingleChoice.public_view(VALID["single"], None, "fr")
    assert fallback["choices"][0]["text"] == "Lựa chọn 1"
    true_false = default_registry().get("true_false").public_view(VALID["true_false"], None, "vi")
    assert true_false["choices"] == [{"id": "true", "text": "Đúng"},
                                     {"id": "false", "text": "Sai"}]


def test_option_contract_of_the_builtin_types() -> None:
    """What the per-attempt tokens are built on: the values a learner picks among, how
    many one answer may hold, and which ones a stored response holds."""
    registry = default_registry()
    single, multiple, true_false = (registry.get(n) for n in ("single", "multiple", "true_false"))
    assert single.option_values(VALID["single"]) == ["c1", "c2", "c3"]
    assert (single.max_picks(VALID["single"]), multiple.max_picks(VALID["multiple"])) == (1, 3)
    assert true_false.option_values(VALID["true_false"]) == ["true", "false"]
    assert (single.shuffle_options, true_false.shuffle_options) == (True, False)
    assert single.chosen_values({"choice": "c2"}) == ["c2"]
    assert multiple.chosen_values({"choices": ["c1", "c3"]}) == ["c1", "c3"]
    assert true_false.chosen_values({"value": False}) == ["false"]
    assert [single.chosen_values(bad) for bad in ({}, {"choice": 3}, "x")] == [[], [], []]
    for name in ("short_answer", "numeric"):
        assert registry.get(name).option_values(VALID[name]) == []


# ---- property: nothing secret ever reaches the learner page -----------------
# deadline=None: timing varies on loaded CI machines; example counts keep runs short.

SECRET = "⟦bí mật⟧"
secret_texts = st.text(max_size=8).map(lambda t: {"vi": SECRET + t, "en": SECRET + t})
public_texts = st.text("abcđơư ", min_size=1, max_size=8).map(lambda t: {"vi": t, "en": t.upper()})


@st.composite
def payloads(draw) -> tuple[str, dict]:
    name = draw(st.sampled_from(BUILTINS))
    if name in ("single", "multiple"):
        items = [
            {"id": f"c{n}", "text": draw(public_texts), "correct": n == 0,
             "weight": draw(st.floats(-100, 100)), "feedback": draw(st.none() | secret_texts)}
            for n in range(draw(st.integers(2, 6)))
        ]
        return name, {"choices": items}
    if name == "true_false":
        feedback_true, feedback_false = draw(secret_texts), draw(secret_texts)
        return name, {"answer": draw(st.booleans()), "feedback_true": feedback_true,
                      "feedback_false": feedback_false}
    answer = {"value": draw(st.floats(allow_nan=False)), "tolerance": 1.0, "fraction": 1.0,
              "text": SECRET + draw(st.text(max_size=5)), "feedback": draw(secret_texts)}
    return name, {"answers": [answer], "ignore_diacritics": False}


def numbers_in(tree) -> list:
    if isinstance(tree, dict):
        return [n for value in tree.values() for n in numbers_in(value)]
    if isinstance(tree, list):
        return [n for value in tree for n in numbers_in(value)]
    return [tree] if isinstance(tree, (int, float)) and not isinstance(tree, bool) else []


@settings(max_examples=150, deadline=None)
@given(case=payloads(), lang=st.sampled_from(["vi", "en", "fr"]),
       order=st.lists(st.sampled_from(["c0", "c1", "c5", "x"])))
def test_public_view_never_leaks_answers(case: tuple[str, dict], lang: str, order: list) -> None:
    name, payload = case
    view = default_registry().get(name).public_view(payload, order, lang)
    dumped = json.dumps(view, ensure_ascii=False)
    assert SECRET not in dumped
    for key in ("correct", "weight", "feedback", "answer", "answers", "tolerance", "fraction"):
        assert f'"{key}"' not in dumped
    assert numbers_in(view) == []
    if name in ("single", "multiple"):
        shown = sorted(c["id"] for c in view["choices"])
        assert shown == sorted(c["id"] for c in payload["choices"])
