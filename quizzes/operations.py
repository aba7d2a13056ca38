"""The attempt lifecycle, owned by the server: start, save, submit, close at deadline.

Safe under repetition and concurrency (double click, two tabs, two devices, two workers):
- at most one attempt in progress per learner and quiz: a database constraint;
- attempt numbers are unique per learner and quiz, so parallel starts cannot exceed
  the attempt limit;
- an answer is one row per (attempt, question), written with an upsert;
- saving and grading never interleave: both lock the attempt row first
  (``SELECT … FOR UPDATE`` on PostgreSQL; on SQLite a writing transaction begins with
  BEGIN IMMEDIATE and so already holds the database's write lock) and read its state
  from the locked row, so an answer either lands before grading, and is graded, or is
  refused with the same 409 as one after the deadline;
- grading happens once: the transition in_progress → submitted is a conditional UPDATE,
  and only the request whose UPDATE changed the row grades; every other caller reads
  the stored result.

Answers are checked against the attempt (``answer_from_form``, ``save_answer``): a
token not drawn for the question, more picks than the question has options, or a text
longer than ``LMS_QUIZ_MAX_ANSWER_CHARS`` is an :class:`AnswerError` (400).
"""
from __future__ import annotations

import datetime as dt
import random

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.exc import IntegrityError

from lms import signals
from lms.db import get_session, once_per_read_request, utcnow
from lms.extension import get_state
from lms.i18n import _, ngettext
from quizzes import attempt_options
from quizzes.drawing import PoolQuestion, draw
from quizzes.models import Attempt, AttemptState, Question, Quiz, Response
from quizzes.pack_quiz import SETTING_BOUNDS
from quizzes.queries import question_options

_system_random = random.SystemRandom()


class QuizError(ValueError):
    """The learner cannot do this now (409); the message (translated) says why."""


class AnswerError(ValueError):
    """The answer does not fit the attempt's question (400); the message says why."""


def attempt_closed_message() -> str:
    """One message for every answer that arrives once the attempt is graded, whether the
    learner submitted it, another tab did, or its time ran out."""
    return _("This attempt has been submitted; answers can no longer change.")


def grace() -> dt.timedelta:
    return dt.timedelta(seconds=current_app.config["LMS_QUIZ_GRACE_SECONDS"])


def open_attempt(quiz: Quiz, learner_id: int) -> Attempt | None:
    return get_session().scalar(sa.select(Attempt).where(
        Attempt.quiz_id == quiz.id, Attempt.learner_id == learner_id,
        Attempt.state == AttemptState.IN_PROGRESS))


def finished_attempts(quiz: Quiz, learner_id: int) -> list[Attempt]:
    """The learner's submitted attempts, oldest first. Asked once per page view: the
    result and quiz pages ask it from several places (attempts left, the wait, the limit
    this cycle)."""
    def read() -> tuple[Attempt, ...]:
        return tuple(get_session().scalars(sa.select(Attempt).where(
            Attempt.quiz_id == quiz.id, Attempt.learner_id == learner_id,
            Attempt.state == AttemptState.SUBMITTED).order_by(Attempt.number)))

    return list(once_per_read_request(("finished_attempts", quiz.id, learner_id), read))


def finished_attempts_this_cycle(quiz: Quiz, learner_id: int) -> list[Attempt]:
    """Finished attempts that count toward ``max_attempts``: for a recurring course whose
    completion has expired, only those since the new cycle began (courses.queries)."""
    from courses.queries import current_cycle_start

    since = current_cycle_start(learner_id, quiz.course.code)
    finished = finished_attempts(quiz, learner_id)
    return finished if since is None else [a for a in finished if a.submitted_dt >= since]


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
    if limit and len(finished_attempts_this_cycle(quiz, learner_id)) >= limit:
        return _("You have used all %(count)d attempts of this quiz.", count=limit)
    ready = next_attempt_opens(quiz, finished)
    if ready is not None and now < ready:
        minutes = int((ready - now).total_seconds() // 60) + 1
        return ngettext("You can start a new attempt in %(num)d minute.",
                        "You can start a new attempt in %(num)d minutes.", minutes)
    return None


def next_attempt_opens(quiz: Quiz, finished: list[Attempt]) -> dt.datetime | None:
    """When the quiz's ``wait_minutes`` after the last finished attempt is over (None
    without a wait or before any attempt)."""
    wait = quiz.settings.get("wait_minutes") or 0
    if not wait or not finished:
        return None
    return finished[-1].submitted_dt + dt.timedelta(minutes=wait)


def start_attempt(quiz: Quiz, learner_id: int, *, rng: random.Random | None = None) -> Attempt:
    """Resume the attempt in progress, or start a new one (drawing its questions)."""
    existing = open_attempt(quiz, learner_id)
    if existing is not None:
        return existing
    now = utcnow()
    reason = why_cannot_start(quiz, learner_id, now)
    if reason:
        raise QuizError(reason)
    registry = get_state().question_types
    pool = []
    for q in quiz.questions:
        kind = registry.get(q.type)
        if not kind.graded:  # an information item is shown on the quiz page, not drawn
            continue
        pool.append(PoolQuestion(q.id, tuple(q.tags), tuple(kind.option_values(q.payload)),
                                 kind.shuffle_options))
    question_ids, choice_orders = draw(pool, quiz.settings, rng or _system_random)
    limit_minutes = quiz.settings.get("time_limit_minutes")
    low, high = SETTING_BOUNDS["time_limit_minutes"]
    if not question_ids or (limit_minutes and not low <= limit_minutes <= high):
        # Pack validation refuses both; a quiz stored before it did must not use up a try.
        raise QuizError(_("This quiz cannot be started: its questions or settings are not "
                          "valid. Please tell the course's author."))
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


def lock_attempt(attempt: Attempt) -> Attempt:
    """Lock the attempt's row until the transaction ends and reload it from that row.

    PostgreSQL: ``SELECT … FOR UPDATE`` (a parallel save or submit waits here, then sees
    the committed state). SQLite renders no FOR UPDATE: a writing transaction begins with
    BEGIN IMMEDIATE (lms.db), so it already excludes every other writer.
    """
    return get_session().scalars(
        sa.select(Attempt).where(Attempt.id == attempt.id).with_for_update()
        .execution_options(populate_existing=True)).one()


def needs_option_tokens(attempt: Attempt, questions: list[Question]) -> bool:
    registry = get_state().question_types
    return any(attempt_options.needs_tokens(attempt.choice_orders.get(str(q.id)),
                                            registry.get(q.type).option_values(q.payload))
               for q in questions)


def ensure_option_tokens(attempt: Attempt, questions: list[Question]) -> Attempt:
    """Give an attempt started before option tokens existed its tokens (once, kept).

    The row is locked first, so two devices opening the old attempt at the same moment
    end up with the same tokens; the stored order of the choices is kept.
    """
    attempt = lock_attempt(attempt)
    if attempt.state != AttemptState.IN_PROGRESS or not needs_option_tokens(attempt, questions):
        return attempt
    registry = get_state().question_types
    orders = dict(attempt.choice_orders)
    for question in questions:
        values = registry.get(question.type).option_values(question.payload)
        if attempt_options.needs_tokens(orders.get(str(question.id)), values):
            orders[str(question.id)] = attempt_options.upgrade_entry(
                orders.get(str(question.id)), values, _system_random)
    attempt.choice_orders = orders  # a new dict: the JSON column sees the change
    get_session().flush()
    return attempt


def max_answer_chars() -> int:
    return current_app.config["LMS_QUIZ_MAX_ANSWER_CHARS"]


def _too_long() -> AnswerError:
    return AnswerError(_("The answer is longer than %(count)d characters.",
                         count=max_answer_chars()))


def answer_from_form(attempt: Attempt, question: Question, form,
                     field_name: str = "answer") -> dict:
    """The response dict for what the learner posted, in the question type's own values.

    Posted tokens are mapped back to option values; a token not drawn for this
    question in this attempt, or more of them than the question has options, is an
    AnswerError, and so is a typed answer over the length limit.
    """
    from werkzeug.datastructures import MultiDict

    kind = get_state().question_types.get(question.type)
    posted = [value for value in form.getlist(field_name) if isinstance(value, str)]
    values = kind.option_values(question.payload)
    if not values:
        if any(len(value) > max_answer_chars() for value in posted):
            raise _too_long()
        return kind.response_from_form(form, field_name)
    pairs = question_options(attempt, question)
    try:
        own = kind.response_from_tokens(question.payload, form, field_name, pairs)
    except attempt_options.UnknownOption:
        raise AnswerError(_("This answer is not one of the choices offered for this question. "
                            "Reload the page and answer again.")) from None
    if own is not None:
        return own
    tokens = [token for token in posted if token]
    if len(tokens) > kind.max_picks(question.payload):
        raise AnswerError(_("This answer holds more choices than the question allows."))
    try:
        picked = attempt_options.values_of(tokens, question_options(attempt, question))
    except attempt_options.UnknownOption:
        raise AnswerError(_("This answer is not one of the choices offered for this question. "
                            "Reload the page and answer again.")) from None
    return kind.response_from_form(MultiDict([(field_name, value) for value in picked]), field_name)


def check_answer(question: Question, answer: dict) -> None:
    """AnswerError unless ``answer`` fits the question: known options only, no more of
    them than allowed, no text over the limit (whoever built the dict)."""
    kind = get_state().question_types.get(question.type)
    values = kind.option_values(question.payload)
    if values:
        chosen = kind.chosen_values(answer)
        if len(chosen) > kind.max_picks(question.payload):
            raise AnswerError(_("This answer holds more choices than the question allows."))
        if not set(chosen) <= set(values):
            raise AnswerError(_("This answer is not one of the choices offered for this question. "
                                "Reload the page and answer again."))
    if any(isinstance(text, str) and len(text) > max_answer_chars() for text in _strings(answer)):
        raise _too_long()


def _strings(tree) -> list:
    if isinstance(tree, dict):
        return [s for value in tree.values() for s in _strings(value)]
    if isinstance(tree, list):
        return [s for value in tree for s in _strings(value)]
    return [tree] if isinstance(tree, str) else []


def save_answer(attempt: Attempt, question: Question, answer: dict) -> None:
    """Store (or replace) the answer to one question of an attempt in progress.

    The attempt row is locked and its state read from it: a save racing a submit either
    commits first (and is graded) or sees the attempt graded and is refused.
    """
    if question.id not in attempt.question_ids:
        raise QuizError(_("This question is not part of the attempt."))
    check_answer(question, answer)
    attempt = lock_attempt(attempt)
    if attempt.state != AttemptState.IN_PROGRESS or is_overdue(attempt, utcnow()):
        raise QuizError(attempt_closed_message())
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
    """Grade the attempt exactly once; later or parallel calls get the stored result.

    The row lock (see lock_attempt) makes a save in flight finish first; grading then
    reads every committed answer.
    """
    session = get_session()
    lock_attempt(attempt)
    changed = session.execute(
        sa.update(Attempt)
        .where(Attempt.id == attempt.id, Attempt.state == AttemptState.IN_PROGRESS)
        .values(state=AttemptState.SUBMITTED, open_marker=None, submitted_dt=utcnow(),
                closed_by_deadline=by_deadline)
        .execution_options(synchronize_session=False)).rowcount
    session.refresh(attempt)
    if changed == 1:
        _grade(attempt)
        # Courses listens and decides completion again (courses.requirements): the quiz
        # engine never calls course operations.
        signals.quiz_submitted.send(current_app._get_current_object(), attempt=attempt,
                                    learner_id=attempt.learner_id,
                                    course_id=attempt.quiz.course_id)
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


def best_score_percent(quiz: Quiz, learner_id: int) -> float | None:
    """The best graded attempt counts."""
    best = get_session().scalar(sa.select(sa.func.max(Attempt.score)).where(
        Attempt.quiz_id == quiz.id, Attempt.learner_id == learner_id,
        Attempt.state == AttemptState.SUBMITTED))
    return None if best is None else round(best * 100, 1)


def best_passed_score_since(quiz: Quiz, learner_id: int, since) -> float | None:
    """Best score (percent) of the attempts passed at or after ``since``, or None."""
    best = get_session().scalar(sa.select(sa.func.max(Attempt.score)).where(
        Attempt.quiz_id == quiz.id, Attempt.learner_id == learner_id,
        Attempt.passed.is_(True), Attempt.submitted_dt >= since))
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
