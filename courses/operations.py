"""Learning writes: enrol, time on a lesson, mark a lesson done, complete a course
(mutate → flush → signal).

Every operation is safe to repeat (double click, two tabs, two workers): uniqueness is
enforced by the database and counters move with atomic SQL, never read-modify-write.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.exc import IntegrityError

from courses import learning_time, requirements
from courses.models import Course, CourseCompletion, Enrollment, Lesson, LessonProgress
from courses.queries import latest_completion, time_rules
from lms import signals
from lms.accounts.queries import unit_of_learner_on
from lms.dates import add_months, start_of_day, today
from lms.db import get_session, utcnow
from lms.extension import get_state


def enrol(learner, course: Course) -> Enrollment:
    """The learner's enrolment in this course code, created on first call."""
    session = get_session()
    existing = _enrollment(learner.id, course.code)
    if existing is not None:
        return existing
    try:
        with session.begin_nested():
            session.add(Enrollment(learner_id=learner.id, course_id=course.id, course_code=course.code))
    except IntegrityError:
        pass  # a parallel request enrolled first: use its row
    return _enrollment(learner.id, course.code)


def _enrollment(learner_id: int, course_code: str) -> Enrollment | None:
    return get_session().scalar(sa.select(Enrollment).where(
        Enrollment.learner_id == learner_id, Enrollment.course_code == course_code))


class LessonNotReady(Exception):
    """The lesson cannot be marked done yet: its minimum time is not reached."""

    def __init__(self, seconds_left: int):
        super().__init__(f"{seconds_left} s left")
        self.seconds_left = seconds_left

    @property
    def minutes_left(self) -> int:
        return learning_time.minutes_left(self.seconds_left)


@dataclass
class LessonTime:
    """A lesson's credited time after a request, for the page to show."""

    active_seconds: int
    seconds_left: int
    is_done: bool


def record_lesson_visit(enrollment: Enrollment, lesson: Lesson) -> LessonTime:
    """A request on the lesson's page: the first one records the opening, a later one
    credits the interval since the previous request (rules in courses.learning_time).

    Race-safe: the enrolment's row is locked first (``FOR UPDATE`` on PostgreSQL; on
    SQLite the writing transaction's BEGIN IMMEDIATE already serialises writers), so two
    tabs on the course credit each interval once; the lesson's row is created by an
    upsert and its time only ever moves by ``active_seconds + n`` in SQL.
    """
    _check_same_version(enrollment, lesson)
    now = utcnow()
    rules = time_rules(enrollment.course)
    session = get_session()
    last_activity = _lock_enrollment(enrollment.id)
    row = _progress_row(enrollment.id, lesson.id)
    if row is None:
        insert = _dialect_insert(session)(LessonProgress).values(
            enrollment_id=enrollment.id, lesson_id=lesson.id, first_opened_dt=now,
            last_seen_dt=now, active_seconds=0)
        session.execute(insert.on_conflict_do_nothing(index_elements=["enrollment_id", "lesson_id"]))
        active, is_done = 0, False
    else:
        credit = learning_time.credited_seconds(now, row.last_seen_dt, last_activity,
                                                rules.cap_seconds(lesson.minutes))
        session.execute(
            sa.update(LessonProgress).where(LessonProgress.id == row.id)
            .values(active_seconds=LessonProgress.active_seconds + credit,
                    last_seen_dt=max(now, row.last_seen_dt))
            .execution_options(synchronize_session=False))
        active, is_done = row.active_seconds + credit, row.done_dt is not None
    _touch_enrollment(enrollment.id, now, last_activity)
    left = 0 if is_done else max(0, rules.required_seconds(lesson.minutes) - active)
    return LessonTime(active, left, is_done)


def mark_lesson_done(enrollment: Enrollment, lesson: Lesson, learner) -> bool:
    """Record the lesson as done; True if this call recorded it (False if already done).

    Raises :class:`LessonNotReady` (having written nothing) when the lesson's credited
    time, with the interval this request adds, is below its minimum.
    """
    _check_same_version(enrollment, lesson)
    now = utcnow()
    rules = time_rules(enrollment.course)
    required = rules.required_seconds(lesson.minutes)
    session = get_session()
    last_activity = _lock_enrollment(enrollment.id)
    row = _progress_row(enrollment.id, lesson.id)
    if row is not None and row.done_dt is not None:
        return False
    if row is None:
        if required > 0:
            raise LessonNotReady(required)  # never opened: nothing credited yet
        try:
            with session.begin_nested():
                session.add(LessonProgress(enrollment_id=enrollment.id, lesson_id=lesson.id,
                                           first_opened_dt=now, last_seen_dt=now, done_dt=now))
        except IntegrityError:
            return False
    else:
        credit = learning_time.credited_seconds(now, row.last_seen_dt, last_activity,
                                                rules.cap_seconds(lesson.minutes))
        if row.active_seconds + credit < required:
            raise LessonNotReady(required - row.active_seconds - credit)
        changed = session.execute(
            sa.update(LessonProgress)
            .where(LessonProgress.id == row.id, LessonProgress.done_dt.is_(None))
            .values(active_seconds=LessonProgress.active_seconds + credit,
                    last_seen_dt=max(now, row.last_seen_dt), done_dt=now)
            .execution_options(synchronize_session=False)).rowcount
        if changed != 1:
            return False
    session.execute(
        sa.update(Enrollment).where(Enrollment.id == enrollment.id)
        .values(lessons_done=Enrollment.lessons_done + 1,
                last_activity_dt=max(now, last_activity))
        .execution_options(synchronize_session=False))
    session.refresh(enrollment)
    complete_course_if_done(enrollment, learner)
    return True


def _check_same_version(enrollment: Enrollment, lesson: Lesson) -> None:
    if lesson.course_id != enrollment.course_id:
        raise ValueError("lesson of another course version")


def _lock_enrollment(enrollment_id: int) -> dt.datetime:
    """Lock the enrolment's row until the transaction ends; its last activity."""
    return get_session().scalar(sa.select(Enrollment.last_activity_dt)
                                .where(Enrollment.id == enrollment_id).with_for_update())


def _progress_row(enrollment_id: int, lesson_id: int):
    return get_session().execute(
        sa.select(LessonProgress.id, LessonProgress.last_seen_dt, LessonProgress.active_seconds,
                  LessonProgress.done_dt)
        .where(LessonProgress.enrollment_id == enrollment_id,
               LessonProgress.lesson_id == lesson_id)).first()


def _touch_enrollment(enrollment_id: int, now: dt.datetime, last_activity: dt.datetime) -> None:
    if now > last_activity:
        get_session().execute(
            sa.update(Enrollment).where(Enrollment.id == enrollment_id)
            .values(last_activity_dt=now).execution_options(synchronize_session=False))


def _dialect_insert(session):
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert


def complete_course_if_done(enrollment: Enrollment, learner) -> CourseCompletion | None:
    """Record the completion once every completion requirement that applies to the
    course version is met (``courses.requirements``: all lessons done, and what other
    features register, e.g. the final quiz passed). Returns the new completion, or None
    when not complete yet or already recorded for the current cycle. Sends
    ``course_completed`` once per cycle.

    A recurring course whose last completion has expired starts the next cycle when its
    renewing requirements (the final quiz) are met again on or after the expiry date
    (docs/content-packs.md, "Recurring courses"); lessons done before stay done.
    """
    day = today()
    previous = latest_completion(learner.id, enrollment.course_code)
    since = None
    if previous is not None:
        if previous.is_current_on(day):
            return None
        since = start_of_day(previous.expires_on)
    decision = requirements.decide(enrollment, get_state().completion_requirements, since=since)
    if not decision.complete:
        return None
    session = get_session()
    completion = _completion_as_of(day, enrollment, learner, decision.score_percent,
                                   cycle=previous.cycle + 1 if previous else 1,
                                   stated=decision.stated)
    try:
        with session.begin_nested():
            session.add(completion)
    except IntegrityError:
        return None  # this cycle is completed already (another tab, another worker)
    signals.course_completed.send(current_app._get_current_object(), completion=completion,
                                  learner=learner, course=enrollment.course)
    return completion


def on_quiz_submitted(sender, *, learner_id: int, course_id: int, **_extra) -> None:
    """``quiz_submitted`` receiver: a graded attempt may complete the course (the quiz
    may be passed after, or before, the last lesson). Runs in the submit's transaction."""
    from lms.accounts.models import Learner

    course = get_session().get(Course, course_id)
    enrollment = course and _enrollment(learner_id, course.code)
    if enrollment is None or enrollment.course_id != course_id:
        return  # not enrolled in this version: nothing to complete
    complete_course_if_done(enrollment, get_session().get(Learner, learner_id))


def _completion_as_of(day: dt.date, enrollment: Enrollment, learner, score: float | None, *,
                      cycle: int, stated: requirements.StatedCompletion | None = None
                      ) -> CourseCompletion:
    """The completion row with the snapshot of ``day``: the learner's unit from the
    membership history, the version's periods and titles, and when it expires.

    A course done elsewhere (``stated`` by a sufficient requirement) is dated the day it
    was completed — the start of that day where the organisation is, so its calendar
    date is that day — and keeps the periods and title that were verified; the unit is
    the one of that day, like any other completion's.
    """
    course = enrollment.course
    periods, title_vi, title_en = course.periods, course.title_vi, course.title_en
    completed_dt = utcnow()
    if stated is not None:
        day, completed_dt = stated.completed_on, start_of_day(stated.completed_on)
        periods, title_vi, title_en = stated.periods, stated.title_vi, stated.title_en
    unit = unit_of_learner_on(learner.id, day)
    return CourseCompletion(
        learner_id=learner.id, course_code=enrollment.course_code, cycle=cycle,
        course_id=course.id, course_version=course.version, periods=periods,
        title_vi=title_vi, title_en=title_en, score_percent=score, completed_dt=completed_dt,
        expires_on=add_months(day, course.valid_for_months) if course.valid_for_months else None,
        org_unit_id=unit.id if unit else None, org_unit_code=unit.code if unit else None,
        org_unit_name_vi=unit.name_vi if unit else None,
        org_unit_name_en=unit.name_en if unit else None)
