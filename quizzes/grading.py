"""Pure grading functions, one per question type.

Every function takes the question ``payload`` (the JSON-able dict stored in
the database) and the learner's ``response`` dict, and returns a `Grade`.
Responses come from the browser, so they are untrusted: a missing, empty or
ill-typed response scores 0 and never raises.

Feedback keys tell the page which per-answer feedback to show:

* ``single`` / ``multiple``: the ids of the selected choices that have feedback;
* ``true_false``: ``"true"`` or ``"false"`` (the value the learner picked);
* ``matching``: none (graded per pair);
* ``short_answer`` / ``numeric``: the position (as a string, e.g. ``"0"``) of
  the best matching entry in ``payload["answers"]``.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

SCORING_MODES = ("all_or_nothing", "partial")

# GIFT authors write thirds as 33.333 or 33.33, so the positive weights of a
# multiple-answer question may add up to 99.99%; validation accepts sums this
# close to 100 (in percent) and grading treats them as full marks.
WEIGHT_SUM_TOLERANCE = 0.1
FULL_MARKS_TOLERANCE = WEIGHT_SUM_TOLERANCE / 100

# Absolute slack, scaled by the expected value, for float error in numeric
# answers (0.1 + 0.2 must match 0.3 with tolerance 0).
NUMERIC_EPSILON = 1e-9

_DECIMAL = re.compile(r"[+-]?(?:[0-9]+(?:[.,][0-9]*)?|[.,][0-9]+)")

# đ/Đ are letters of their own, not d plus a combining mark, so NFD leaves
# them alone. U+00D0 (Icelandic eth) is often typed by mistake for Đ.
_UNDECOMPOSABLE = str.maketrans({"đ": "d", "Đ": "D", "Ð": "D"})


@dataclass(frozen=True)
class Grade:
    """Outcome of grading one response: a score in [0, 1] and feedback to show."""

    score: float
    is_correct: bool
    feedback_keys: tuple[str, ...] = ()


ZERO = Grade(0.0, False, ())


def _make_grade(score: float, feedback_keys: tuple[str, ...] = ()) -> Grade:
    """Clamp ``score`` into [0, 1] and derive ``is_correct`` from it."""
    if not math.isfinite(score):
        score = 0.0
    score = min(1.0, max(0.0, float(score)))
    return Grade(score, score == 1.0, tuple(feedback_keys))


def _as_number(value: Any) -> float | None:
    """Return ``value`` as a finite float, or None (bools are not numbers here)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def _field(response: Any, key: str) -> Any:
    """Read ``key`` from a response that may not even be a mapping."""
    return response.get(key) if isinstance(response, Mapping) else None


def _entries(payload: Any, key: str) -> list[Mapping[str, Any]]:
    """The dict entries of ``payload[key]``; anything malformed is skipped."""
    items = _field(payload, key)
    if not isinstance(items, list):
        return []
    return [item for item in items if isinstance(item, Mapping)]


def grade_single(payload: Mapping[str, Any], response: Any) -> Grade:
    """Single choice: 1 when the chosen choice is the correct one; a wrong one scores
    its GIFT weight / 100 (Moodle's partial credit; 0 without one), floored at 0."""
    chosen = _field(response, "choice")
    if not isinstance(chosen, str) or not chosen:
        return ZERO
    for choice in _entries(payload, "choices"):
        if choice.get("id") == chosen:
            keys = (chosen,) if choice.get("feedback") else ()
            if choice.get("correct") is True:
                return _make_grade(1.0, keys)
            return _make_grade(_choice_weight(choice) / 100, keys)  # no weight: 0
    return ZERO


def grade_matching(payload: Mapping[str, Any], response: Any) -> Grade:
    """Matching: the share of prompts given their answer. An answer counts by its text,
    so two prompts sharing one answer ("mammal") are right with either copy of it;
    unknown ids and unanswered prompts count as wrong."""
    pairs = [pair for pair in _entries(payload, "pairs") if isinstance(pair.get("id"), str)]
    answers = {pair["id"]: pair.get("answer") for pair in pairs}
    prompts = [pair for pair in pairs if pair.get("prompt")]
    matches = _field(response, "matches")
    if not prompts or not isinstance(matches, Mapping):
        return ZERO
    right = sum(1 for pair in prompts
                if isinstance(matches.get(pair["id"]), str)
                and matches[pair["id"]] in answers
                and answers[matches[pair["id"]]] == pair.get("answer"))
    return _make_grade(right / len(prompts))


def _choice_weight(choice: Mapping[str, Any]) -> float:
    """A choice's GIFT weight in percent; a missing or bad weight counts as 0."""
    return _as_number(choice.get("weight")) or 0.0


def grade_multiple(
    payload: Mapping[str, Any], response: Any, scoring: str = "all_or_nothing"
) -> Grade:
    """Multiple answers, scored ``all_or_nothing`` or ``partial``.

    Without weights, partial credit is (right picks - wrong picks) / number of
    correct choices, floored at 0. When any choice carries a GIFT ``weight``
    (percent), partial credit is the sum of the picked weights / 100, and the
    "correct" choices are those with a positive weight.
    """
    if scoring not in SCORING_MODES:
        raise ValueError(f"unknown scoring mode {scoring!r}; expected one of {SCORING_MODES}")
    picked = _field(response, "choices")
    if not isinstance(picked, (list, tuple)) or not all(isinstance(p, str) for p in picked):
        return ZERO
    choices = {c["id"]: c for c in _entries(payload, "choices") if isinstance(c.get("id"), str)}
    # Ids the page never offered are ignored rather than punished.
    selected = set(picked) & choices.keys()
    weighted = any("weight" in choice for choice in choices.values())
    if weighted:
        correct = {cid for cid, c in choices.items() if _choice_weight(c) > 0}
    else:
        correct = {cid for cid, c in choices.items() if c.get("correct") is True}
    if not correct:
        return ZERO
    if scoring == "all_or_nothing":
        score = 1.0 if selected == correct else 0.0
    elif weighted:
        score = sum(_choice_weight(choices[cid]) for cid in selected) / 100
        if score >= 1.0 - FULL_MARKS_TOLERANCE:
            score = 1.0
    else:
        right, wrong = len(selected & correct), len(selected - correct)
        score = max(0.0, (right - wrong) / len(correct))
    keys = tuple(cid for cid, c in choices.items() if cid in selected and c.get("feedback"))
    return _make_grade(score, keys)


def grade_true_false(payload: Mapping[str, Any], response: Any) -> Grade:
    """True/false: 1 when the picked boolean equals ``payload["answer"]``."""
    value, answer = _field(response, "value"), _field(payload, "answer")
    if not isinstance(value, bool) or not isinstance(answer, bool):
        return ZERO
    key = "true" if value else "false"
    keys = (key,) if _field(payload, f"feedback_{key}") else ()
    return _make_grade(1.0 if value == answer else 0.0, keys)


def strip_vietnamese_diacritics(text: str) -> str:
    """Remove tone marks and vowel marks (and map đ/Đ to d/D): "Mã độc" -> "Ma doc"."""
    decomposed = unicodedata.normalize("NFD", text)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return unicodedata.normalize("NFC", bare.translate(_UNDECOMPOSABLE))


def normalise_answer_text(text: str, ignore_diacritics: bool = False) -> str:
    """Canonical form used to compare short answers.

    NFC-normalises (typed Vietnamese may arrive decomposed), casefolds,
    optionally strips diacritics, trims and collapses internal whitespace.
    """
    folded = unicodedata.normalize("NFC", unicodedata.normalize("NFC", text).casefold())
    if ignore_diacritics:
        folded = strip_vietnamese_diacritics(folded)
    return " ".join(folded.split())


def _fraction(entry: Mapping[str, Any]) -> float:
    """An answer's fraction clamped to [0, 1]; missing means full credit."""
    raw = entry.get("fraction", 1.0)
    number = _as_number(raw)
    return 0.0 if number is None else min(1.0, max(0.0, number))


def _best(matches: list[tuple[int, Mapping[str, Any]]]) -> Grade:
    """Grade from the matching answer with the highest fraction (first wins ties)."""
    if not matches:
        return ZERO
    index, entry = max(matches, key=lambda match: (_fraction(match[1]), -match[0]))
    keys = (str(index),) if entry.get("feedback") else ()
    return _make_grade(_fraction(entry), keys)


def grade_short_answer(payload: Mapping[str, Any], response: Any) -> Grade:
    """Short answer: best fraction among accepted answers equal after normalisation."""
    text = _field(response, "text")
    if not isinstance(text, str):
        return ZERO
    ignore = _field(payload, "ignore_diacritics") is True
    given = normalise_answer_text(text, ignore)
    if not given:
        return ZERO
    answers = _entries(payload, "answers")
    matches = [
        (index, entry)
        for index, entry in enumerate(answers)
        if isinstance(entry.get("text"), str)
        and normalise_answer_text(entry["text"], ignore) == given
    ]
    return _best(matches)


def parse_decimal(raw: Any) -> float | None:
    """Read a learner's number: "6,5", " 6.5 ", "-3" or a JSON number; else None."""
    if isinstance(raw, str):
        candidate = raw.strip()
        if not _DECIMAL.fullmatch(candidate):
            return None
        return float(candidate.replace(",", "."))
    return _as_number(raw)


def grade_numeric(payload: Mapping[str, Any], response: Any) -> Grade:
    """Numeric: best fraction among answers whose value ± tolerance contains the response."""
    given = parse_decimal(_field(response, "value"))
    if given is None:
        return ZERO
    matches = []
    for index, entry in enumerate(_entries(payload, "answers")):
        expected = _as_number(entry.get("value"))
        tolerance = _as_number(entry.get("tolerance", 0.0))
        if expected is None or tolerance is None:
            continue
        slack = abs(tolerance) + NUMERIC_EPSILON * max(1.0, abs(expected))
        if abs(given - expected) <= slack:
            matches.append((index, entry))
    return _best(matches)
