"""Completion is decided in one place (courses.requirements) from the requirements the
features register; quizzes take part through the registry and quiz_submitted only."""
from dataclasses import dataclass
from typing import ClassVar

import pytest
import sqlalchemy as sa

from courses import operations
from courses.models import CourseCompletion, Enrollment
from courses.requirements import Outcome, decide
from lms.registry import Registry


@pytest.fixture
def learner(create_learner, create_unit):
    return create_learner("Đinh Thị Thu", unit=create_unit())


@dataclass
class Fixed:
    """A requirement with a fixed answer, for the decision's rules."""

    met: bool
    applies_to_course: bool = True
    score: float | None = None
    sufficient: ClassVar[bool] = False

    def applies(self, course):
        return self.applies_to_course

    def check(self, enrollment, since=None):
        return Outcome(self.met, self.score)


class External(Fixed):
    sufficient: ClassVar[bool] = True


@dataclass
class FakeEnrollment:
    course: object = None


def registry(**items):
    found = Registry("completion requirement")
    for name, item in items.items():
        found.register(name, item)
    return found


def test_every_applicable_requirement_must_be_met():
    decision = decide(FakeEnrollment(), registry(lessons=Fixed(True), quiz=Fixed(False), extra=Fixed(False)))
    assert (decision.complete, decision.unmet) == (False, ["quiz", "extra"])
    decision = decide(FakeEnrollment(), registry(lessons=Fixed(True), quiz=Fixed(True, score=85.0)))
    assert (decision.complete, decision.score_percent) == (True, 85.0)


def test_a_requirement_that_does_not_apply_is_skipped():
    decision = decide(FakeEnrollment(), registry(lessons=Fixed(True), quiz=Fixed(False, applies_to_course=False)))
    assert decision.complete and decision.score_percent is None


def test_nothing_applicable_never_completes():
    assert not decide(FakeEnrollment(), registry()).complete
    assert not decide(FakeEnrollment(), registry(quiz=Fixed(True, applies_to_course=False))).complete


def test_a_verified_external_completion_is_sufficient_alone():
    """Room for ExternalCompletion: a met sufficient requirement completes the course;
    an unmet one blocks nothing."""
    decision = decide(FakeEnrollment(), registry(lessons=Fixed(False), external=External(True, score=None)))
    assert decision.complete
    decision = decide(FakeEnrollment(), registry(lessons=Fixed(True), external=External(False)))
    assert decision.complete
    assert not decide(FakeEnrollment(), registry(lessons=Fixed(False), external=External(False))).complete


def test_a_passed_quiz_completes_the_course_through_the_signal(app, db, app_context, learner,
                                                              create_course):
    """The quiz engine sends quiz_submitted; courses decides again and records the
    completion with the best score (nothing in quizzes calls course operations)."""
    from lms import signals
    from quizzes.models import Attempt, AttemptState, Quiz

    course = create_course(code="SIGNAL", lessons=1, quiz=True)
    with app_context():
        enrollment = operations.enrol(learner, course)
        operations.mark_lesson_done(enrollment, course.lessons[0], learner)
        assert db.scalars(sa.select(CourseCompletion)).all() == []
        quiz = db.scalars(sa.select(Quiz).where(Quiz.course_id == course.id)).one()
        db.add(Attempt(quiz_id=quiz.id, learner_id=learner.id, number=1, question_ids=[],
                       state=AttemptState.SUBMITTED, open_marker=None, score=0.75, passed=True))
        db.flush()
        signals.quiz_submitted.send(app, attempt=None, learner_id=learner.id, course_id=course.id)
        completion = db.scalars(sa.select(CourseCompletion)).one()
    assert (completion.course_id, completion.score_percent) == (course.id, 75.0)


def test_a_signal_for_another_app_completes_nothing(app, db, app_context, learner, create_course):
    from flask import Flask

    from lms import signals

    course = create_course(code="OTHER1", lessons=1)
    with app_context():
        enrollment = operations.enrol(learner, course)
        db.flush()
        db.execute(sa.update(Enrollment).where(Enrollment.id == enrollment.id).values(lessons_done=1))
        signals.quiz_submitted.send(Flask("elsewhere"), attempt=None, learner_id=learner.id,
                                    course_id=course.id)
        assert db.scalars(sa.select(CourseCompletion)).all() == []
        signals.quiz_submitted.send(app, attempt=None, learner_id=learner.id, course_id=course.id)
        assert len(db.scalars(sa.select(CourseCompletion)).all()) == 1
