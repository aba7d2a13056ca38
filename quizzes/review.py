"""The review page's rows, after grading only (pure: no Flask).

Each question type describes its own answers (``describe_answer``, ``describe_correct``,
``feedback_for`` in ``quizzes.question_types``), so a host's type is reviewed without
editing the LMS's templates.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from quizzes.result_summary import FULL_SCORE


@dataclass(frozen=True)
class ReviewRow:
    question: Any
    response: Any
    #: The learner's answer, the correct answer and the feedback earned, as text.
    answer_text: str
    correct_text: str
    feedback: list[str]
    #: The same answers as lists (one item per picked or correct option).
    answer_items: list[str] = field(default_factory=list)
    correct_items: list[str] = field(default_factory=list)
    #: "correct", "partial" or "wrong": shown with an icon and a word, never by colour alone.
    verdict: str = "wrong"


def review_rows(registry, questions_and_responses, lang: str) -> list[ReviewRow]:
    """One row per (question, response or None), described by the question's type."""
    rows = []
    for question, response in questions_and_responses:
        kind = registry.get(question.type)
        answer = response.answer if response is not None else None
        rows.append(ReviewRow(question, response,
                              answer_text=kind.describe_answer(question.payload, answer, lang),
                              correct_text=kind.describe_correct(question.payload, lang),
                              feedback=kind.feedback_for(question.payload, answer, lang),
                              answer_items=kind.answer_items(question.payload, answer, lang),
                              correct_items=kind.correct_items(question.payload, lang),
                              verdict=verdict(response.score if response is not None else None)))
    return rows


def verdict(score: float | None) -> str:
    """"correct" (full marks), "partial" (some credit) or "wrong" (none, or no answer)."""
    if score is None or score <= 0:
        return "wrong"
    return "correct" if score >= FULL_SCORE else "partial"
