"""Read helpers for quiz pages: what a learner may see of an attempt, and when."""
from __future__ import annotations

import sqlalchemy as sa

from lms.db import get_session
from lms.extension import get_state
from lms.i18n import localized
from quizzes import attempt_options
from quizzes.gift import split_blank
from quizzes.models import Attempt, AttemptState, Question, Quiz, Response


def quiz_of_course(course_id: int) -> Quiz | None:
    return get_session().scalar(sa.select(Quiz).where(Quiz.course_id == course_id))


def attempt_questions(attempt: Attempt) -> list[Question]:
    """The attempt's questions in the order drawn for it."""
    by_id = {q.id: q for q in get_session().scalars(
        sa.select(Question).where(Question.id.in_(attempt.question_ids)))}
    return [by_id[question_id] for question_id in attempt.question_ids]


def responses_by_question(attempt: Attempt) -> dict[int, Response]:
    return {r.question_id: r for r in get_session().scalars(
        sa.select(Response).where(Response.attempt_id == attempt.id))}


def may_review(attempt: Attempt, *, has_passed: bool, attempts_left: int | None) -> bool:
    """Whether correct answers and explanations may be shown (the quiz's review policy)."""
    if attempt.state != AttemptState.SUBMITTED:
        return False  # never before grading
    policy = attempt.quiz.settings.get("review", "after_passing")
    if policy == "after_passing":
        return has_passed
    if policy == "after_last_attempt":
        return attempts_left == 0
    return False


def question_options(attempt: Attempt, question: Question) -> list[list[str]]:
    """[[token, value], …] of a question of the attempt, in display order ([] without options)."""
    return attempt_options.stored_pairs(attempt.choice_orders.get(str(question.id))) or []


def learner_view(attempt: Attempt, question: Question, answer: dict | None, lang: str) -> dict:
    """What the question page shows of a question: the type's public view, with each
    option as the attempt's token (and ``checked`` from the saved answer), never its value.
    """
    kind = get_state().question_types.get(question.type)
    pairs = question_options(attempt, question)
    view = kind.public_view(question.payload, [value for _, value in pairs], lang)
    if kind.option_values(question.payload):
        view = kind.tokenise(question.payload, view, pairs, answer)
    if question.payload.get("blank") is True:  # missing word: the input goes in the sentence
        view = {**view, "blank": True,
                "sentence": split_blank(localized(question.text, lang))}
    return view


def information_items(quiz: Quiz) -> list[Question]:
    """The quiz's information items (not graded): shown on its page before starting."""
    registry = get_state().question_types
    return [q for q in quiz.questions if q.type in registry and not registry.get(q.type).graded]


def graded_question_count(quiz: Quiz) -> int:
    registry = get_state().question_types
    return sum(1 for q in quiz.questions if q.type not in registry or registry.get(q.type).graded)
