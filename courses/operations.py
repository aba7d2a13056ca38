"""Learning writes: enrol, mark a lesson done, complete a course (mutate → flush → signal).

Every operation is safe to repeat (double click, two tabs, two workers): uniqueness is
enforced by the database and counters move with atomic SQL, never read-modify-write.
"""
from __future__ import annotations

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.exc import IntegrityError

from courses.models import Course, CourseCompletion, Enrollment, Lesson, LessonProgress
from lms import signals
from lms.db import get_session, utcnow
from quizzes.models import Quiz


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


def mark_lesson_done(enrollment: Enrollment, lesson: Lesson, learner) -> bool:
    """Record the lesson as done; True if this call recorded it (False if already done)."""
    if lesson.course_id != enrollment.course_id:
        raise ValueError("lesson of another course version")
    session = get_session()
    try:
        with session.begin_nested():
            session.add(LessonProgress(enrollment_id=enrollment.id, lesson_id=lesson.id))
    except IntegrityError:
        return False
    session.execute(
        sa.update(Enrollment).where(Enrollment.id == enrollment.id)
        .values(lessons_done=Enrollment.lessons_done + 1, last_activity_dt=utcnow())
        .execution_options(synchronize_session=False))
    session.refresh(enrollment)
    complete_course_if_done(enrollment, learner, quiz_score_percent=_passing_quiz_score(enrollment))
    return True


def _passing_quiz_score(enrollment: Enrollment) -> float | None:
    """Best score of a passed final quiz (the quiz may be passed before the last lesson)."""
    from quizzes import operations as quiz_operations

    quiz = get_session().scalar(sa.select(Quiz).where(Quiz.course_id == enrollment.course_id))
    if quiz is None or not quiz_operations.has_passed(quiz, enrollment.learner_id):
        return None
    return quiz_operations.best_score_percent(quiz, enrollment.learner_id)


def _has_quiz(course_id: int) -> bool:
    return get_session().scalar(sa.select(Quiz.id).where(Quiz.course_id == course_id)) is not None


def lesson_count(course_id: int) -> int:
    return get_session().scalar(sa.select(sa.func.count()).select_from(Lesson)
                                .where(Lesson.course_id == course_id))


def complete_course_if_done(enrollment: Enrollment, learner, *,
                            quiz_score_percent: float | None) -> CourseCompletion | None:
    """Record the completion once all lessons are done (and, for a course with a final
    quiz, the quiz engine reports a passing score). Returns the new completion, or None
    when not complete yet or already recorded. Sends ``course_completed`` once."""
    if enrollment.lessons_done < lesson_count(enrollment.course_id):
        return None
    if _has_quiz(enrollment.course_id) and quiz_score_percent is None:
        return None
    session = get_session()
    completion = CourseCompletion(learner_id=learner.id, course_code=enrollment.course_code,
                                  course_id=enrollment.course_id,
                                  score_percent=quiz_score_percent)
    try:
        with session.begin_nested():
            session.add(completion)
    except IntegrityError:
        return None  # completed already (another tab, another worker)
    signals.course_completed.send(current_app._get_current_object(), completion=completion,
                                  learner=learner, course=enrollment.course)
    return completion
