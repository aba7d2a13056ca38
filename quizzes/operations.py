"""The attempt lifecycle, owned by the server: start, save, submit, close at deadline.

Safe under repetition and concurrency (double click, two tabs, two devices, two workers):
- at most one attempt in progress per learner and quiz: a database constraint;
- attempt numbers are unique per learner and quiz, so parallel starts cannot exceed
  the attempt limit;
- an answer is one row per (attempt, question), written with an upsert;
- grading happens once: the transition in_progress → submitted is a conditional UPDATE,
  and only the request whose UPDATE changed the row grades; every other caller reads
  the stored result.
"""
from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.exc import IntegrityError

from lms import signals
from lms.db import get_session, utcnow
from lms.extension import get_state
from lms.i18n import _, ngettext
from quizzes.drawing import PoolQuestion, draw
from quizzes.models import Attempt, AttemptState, Question, Quiz, Response

_system_random = random.SystemRandom()


class QuizError(ValueError):
    """The learner cannot do this now; the message (translated) says why."""


@dataclass
class StartDecision:
    attempt: Attempt | None
    reason: str | None = None


def grace() -> dt.timedelta:
    return dt.timedelta(seconds=current_app.config["LMS_QUIZ_GRACE_SECONDS"])


def open_attempt(quiz: Quiz, learner_id: int) -> Attempt | None:
    return get_session().scalar(sa.select(Attempt).where(
        Attempt.quiz_id == quiz.id, Attempt.learner_id == learner_id,
        Attempt.state == AttemptState.IN_PROGRESS))


def finished_attempts(quiz: Quiz, learner_id: int) -> list[Attempt]:
    return list(get_session().scalars(sa.select(Attempt).where(
        Attempt.quiz_id == quiz.id, Attempt.learner_id == learner_id,
        Attempt.state == AttemptState.SUBMITTED).order_by(Attempt.number)))


def why_cannot_start(quiz: Quiz, learner_id: int, now: dt.datetime) -> str | None:
    """A translated reason the learner may not start a new attempt now, or None."""
    from courses.queries import lessons_left_before_quiz

    lessons_left = lessons_left_before_quiz(quiz.course, learner_id)
    if lessons_left:
        return ngettext("The final quiz opens once every lesson is done: %(num)d lesson is left.",
                        "The final quiz opens once every lesson is done: %(num)d lessons are left.",
                        lessons_left)
    finished = finished_attempts(quiz, learner_id)
    limit = quiz.settings.get("max_attempts")
    if limit and len(finished) >= limit:
        return _("You have used all %(count)d attempts of this quiz.", count=limit)
    wait = quiz.settings.get("wait_minutes") or 0
    if wait and finished:
        ready = finished[-1].submitted_dt + dt.timedelta(minutes=wait)
        if now < ready:
            minutes = int((ready - now).total_seconds() // 60) + 1
            return _("You can start a new attempt in %(minutes)d minutes.", minutes=minutes)
    return None


def start_attempt(quiz: Quiz, learner_id: int, *, rng: random.Random | None = None) -> Attempt:
    """Resume the attempt in progress, or start a new one (drawing its questions)."""
    existing = open_attempt(quiz, learner_id)
    if existing is not None:
        return existing
    now = utcnow()
    reason = why_cannot_start(quiz, learner_id, now)
    if reason:
        raise QuizError(reason)
    pool = [PoolQuestion(q.id, tuple(q.tags), tuple(c["id"] for c in q.payload.get("choices", [])))
            for q in quiz.questions]
    question_ids, choice_orders = draw(pool, quiz.settings, rng or _system_random)
    limit_minutes = quiz.settings.get("time_limit_minutes")
    number = len(finished_attempts(quiz, learner_id)) + 1
    attempt = Attempt(quiz_id=quiz.id, learner_id=learner_id, number=number,
                      question_ids=question_ids, choice_orders=choice_orders, started_dt=now,
                      deadline_dt=now + dt.timedelta(minutes=limit_minutes) if limit_minutes else None)
    session = get_session()
    try:
        with session.begin_nested():
            session.add(attempt)
    except IntegrityError:
        # Another tab or worker started one at the same moment: use that one.
        existing = open_attempt(quiz, learner_id)
        if existing is None:
            raise QuizError(_("You have used all attempts of this quiz.")) from None
        return existing
    return attempt


def is_overdue(attempt: Attempt, now: dt.datetime) -> bool:
    return attempt.deadline_dt is not None and now > attempt.deadline_dt + grace()


def save_answer(attempt: Attempt, question: Question, answer: dict) -> None:
    """Store (or replace) the answer to one question of an attempt in progress."""
    if attempt.state != AttemptState.IN_PROGRESS:
        raise QuizError(_("This attempt has been submitted; answers can no longer change."))
    if is_overdue(attempt, utcnow()):
        raise QuizError(_("The time for this attempt is over; your saved answers were graded."))
    if question.id not in attempt.question_ids:
        raise QuizError(_("This question is not part of the attempt."))
    session = get_session()
    values = {"attempt_id": attempt.id, "question_id": question.id, "answer": answer,
              "saved_dt": utcnow()}
    insert = _dialect_insert(session)(Response).values(**values)
    session.execute(insert.on_conflict_do_update(
        index_elements=["attempt_id", "question_id"],
        set_={"answer": insert.excluded.answer, "saved_dt": insert.excluded.saved_dt}))


def _dialect_insert(session):
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert


def submit_attempt(attempt: Attempt, *, by_deadline: bool = False) -> Attempt:
    """Grade the attempt exactly once; later or parallel calls get the stored result."""
    session = get_session()
    changed = session.execute(
        sa.update(Attempt)
        .where(Attempt.id == attempt.id, Attempt.state == AttemptState.IN_PROGRESS)
        .values(state=AttemptState.SUBMITTED, open_marker=None, submitted_dt=utcnow(),
                closed_by_deadline=by_deadline)
        .execution_options(synchronize_session=False)).rowcount
    session.refresh(attempt)
    if changed == 1:
        _grade(attempt)
        signals.quiz_submitted.send(current_app._get_current_object(), attempt=attempt)
        _complete_course_if_passed(attempt)
    return attempt


def _grade(attempt: Attempt) -> None:
    session = get_session()
    registry = get_state().question_types
    questions = {q.id: q for q in session.scalars(
        sa.select(Question).where(Question.id.in_(attempt.question_ids)))}
    responses = {r.question_id: r for r in session.scalars(
        sa.select(Response).where(Response.attempt_id == attempt.id))}
    total = 0.0
    for question_id in attempt.question_ids:
        question = questions[question_id]
        response = responses.get(question_id)
        grade = registry.get(question.type).grade(
            question.payload, response.answer if response else {}, attempt.quiz.settings)
        total += grade.score
        if response is not None:
            response.score = grade.score
    attempt.score = total / len(attempt.question_ids) if attempt.question_ids else 0.0
    pass_mark = attempt.quiz.course.pass_mark
    attempt.passed = attempt.score * 100 + 1e-9 >= pass_mark
    session.flush()


def _complete_course_if_passed(attempt: Attempt) -> None:
    from courses import operations as course_operations
    from courses.queries import enrollment_for
    from lms.accounts.models import Learner

    if not attempt.passed:
        return
    course = attempt.quiz.course
    enrollment = enrollment_for(attempt.learner_id, course.code)
    if enrollment is None or enrollment.course_id != course.id:
        return
    learner = get_session().get(Learner, attempt.learner_id)
    course_operations.complete_course_if_done(enrollment, learner,
                                              quiz_score_percent=best_score_percent(attempt.quiz, attempt.learner_id))


def best_score_percent(quiz: Quiz, learner_id: int) -> float | None:
    """The best graded attempt counts."""
    best = get_session().scalar(sa.select(sa.func.max(Attempt.score)).where(
        Attempt.quiz_id == quiz.id, Attempt.learner_id == learner_id,
        Attempt.state == AttemptState.SUBMITTED))
    return None if best is None else round(best * 100, 1)


def has_passed(quiz: Quiz, learner_id: int) -> bool:
    return get_session().scalar(sa.select(sa.func.count()).select_from(Attempt).where(
        Attempt.quiz_id == quiz.id, Attempt.learner_id == learner_id,
        Attempt.passed.is_(True))) > 0


def close_if_overdue(attempt: Attempt) -> bool:
    """Grade an attempt whose time (plus grace) is over, on the answers saved so far."""
    if attempt.state == AttemptState.IN_PROGRESS and is_overdue(attempt, utcnow()):
        submit_attempt(attempt, by_deadline=True)
        return True
    return False


def close_overdue_attempts() -> int:
    """Close every overdue attempt (``flask lms close-overdue``); returns how many."""
    session = get_session()
    candidates = session.scalars(sa.select(Attempt).where(
        Attempt.state == AttemptState.IN_PROGRESS, Attempt.deadline_dt.is_not(None),
        Attempt.deadline_dt < utcnow() - grace())).all()
    return sum(1 for attempt in candidates if close_if_overdue(attempt))
