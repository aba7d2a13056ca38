"""The review page's rows, after grading only (pure: no Flask).

Each question type describes its own answers (``describe_answer``, ``describe_correct``,
``feedback_for`` in ``quizzes.question_types``), so a host's type is reviewed without
editing the LMS's templates.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ReviewRow:
    question: Any
    response: Any
    #: The learner's answer, the correct answer and the feedback earned, as text.
    answer_text: str
    correct_text: str
    feedback: list[str]


def review_rows(registry, questions_and_responses, lang: str) -> list[ReviewRow]:
    """One row per (question, response or None), described by the question's type."""
    rows = []
    for question, response in questions_and_responses:
        kind = registry.get(question.type)
        answer = response.answer if response is not None else None
        rows.append(ReviewRow(question, response,
                              answer_text=kind.describe_answer(question.payload, answer, lang),
                              correct_text=kind.describe_correct(question.payload, lang),
                              feedback=kind.feedback_for(question.payload, answer, lang)))
    return rows
