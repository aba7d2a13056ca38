"""What a graded attempt says to the learner who took it (no request, no database).

A failed attempt must not be a dead end: how many questions were right, which lessons
to revisit (from each question's ``lesson-NN`` tag, ``quizzes.pack_quiz.lesson_of``),
and, when the quiz's review policy allows it, which questions were wrong. Naming a
lesson never names a question, so it is safe under every review policy.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from quizzes.pack_quiz import lesson_of

#: A response scored this close to 1 counts as right (float sums of weights).
FULL_SCORE = 1 - 1e-9


@dataclass(frozen=True)
class AttemptSummary:
    #: Questions fully right, and questions in the attempt.
    correct: int
    total: int
    #: Positions (1-based, in the attempt's order) of questions not fully right.
    wrong_positions: list[int] = field(default_factory=list)
    #: Lesson numbers those questions test, in lesson order, each once.
    lessons_to_revisit: list[int] = field(default_factory=list)
    #: Wrong questions that name no lesson (the pack's cue lint warns of them).
    wrong_without_lesson: int = 0


def summarise(questions, scores: dict[int, float | None]) -> AttemptSummary:
    """``questions`` in the attempt's order (``id``, ``tags``); ``scores`` by question id
    (an unanswered question has none and counts as wrong)."""
    wrong, lessons, unlinked = [], set(), 0
    for position, question in enumerate(questions, start=1):
        score = scores.get(question.id)
        if score is not None and score >= FULL_SCORE:
            continue
        wrong.append(position)
        lesson = lesson_of(question.tags)
        if lesson is None:
            unlinked += 1
        else:
            lessons.add(lesson)
    return AttemptSummary(len(questions) - len(wrong), len(questions), wrong, sorted(lessons),
                          unlinked)
