"""What a course needs before it counts as completed: one decision, many requirements.

``courses`` owns completion. It does not know what a quiz is: each feature that adds a
condition registers a requirement on the app's ``state.completion_requirements``
(``lms.registry.Registry``) in its ``init_app``, and :func:`decide` asks every one that
applies to the course version. ``courses`` registers "all lessons done" (the time a
lesson needs is enforced when the lesson is marked done, ``courses.learning_time``, so
it is part of that requirement); ``quizzes`` registers "the final quiz passed" and
sends ``quiz_submitted``, on which ``courses`` decides again.

A verified external completion (``lms.credits.external``: a Bình dân học vụ số
confirmation, a class at the provincial political school, checked by HR) is a
requirement with ``sufficient = True`` whose check is met when HR has verified the
evidence for this learner and course. A met sufficient requirement completes the course
on its own, whatever the others say; the feature calls ``courses.operations.
complete_course_if_done`` after the verification. Such a course was done elsewhere, on
another day and with its own number of periods: the requirement says so in its
outcome (:class:`StatedCompletion`), and the completion's snapshot is taken from it —
the unit of *that* day, the periods and the title HR verified — not from today and the
catalogue row.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol

import sqlalchemy as sa

from courses.models import Course, Enrollment, Lesson
from lms.db import get_session


@dataclass(frozen=True)
class StatedCompletion:
    """What a sufficient requirement vouches for about a course done outside the LMS: the
    day it was completed, its periods (số tiết) and its title, as HR verified them."""

    completed_on: dt.date
    periods: int
    title_vi: str
    title_en: str


@dataclass(frozen=True)
class Outcome:
    """One requirement's answer for one enrolment."""

    met: bool
    #: The score (percent) this requirement gives the completion, e.g. the best quiz score.
    score_percent: float | None = None
    #: A met sufficient requirement's facts of a completion made elsewhere (None: the
    #: completion is today's, with the version's periods and titles).
    stated: StatedCompletion | None = None


class CompletionRequirement(Protocol):
    """A condition of completion, registered under a unique name."""

    #: When met, completes the course by itself (a verified external completion).
    sufficient: ClassVar[bool]
    #: Whether meeting it again shows the learning anew, so it can start the next cycle
    #: of a recurring course (the final quiz passed again); lessons done stay done.
    renews: ClassVar[bool]

    def applies(self, course: Course) -> bool:
        """Whether this course version has the condition (a course without a quiz has no
        final-quiz condition)."""

    def check(self, enrollment: Enrollment, since=None) -> Outcome:
        """Whether the enrolment's learner meets it now (read only, no writes); with
        ``since`` (the start of a new cycle), a renewing requirement counts only what was
        done at or after it."""

    # Optional: ``course_page(course, progress, next_lesson)`` returns HTML (Markup) shown
    # on an enrolled learner's course page (the final quiz: its link and when it opens).


@dataclass
class Decision:
    """The result of asking every requirement that applies."""

    complete: bool
    #: The completion's score: the first score a met requirement gave, None otherwise.
    score_percent: float | None = None
    #: Names of the requirements not met yet, in registration order.
    unmet: list[str] = field(default_factory=list)
    #: The facts a met sufficient requirement stated (:class:`StatedCompletion`).
    stated: StatedCompletion | None = None


class AllLessonsDone:
    """Every lesson of the enrolled version marked done (each after its minimum time)."""

    sufficient: ClassVar[bool] = False
    renews: ClassVar[bool] = False

    def applies(self, course: Course) -> bool:
        # A course taken elsewhere has no lessons: "all 0 done" must not complete it.
        return not course.is_external

    def check(self, enrollment: Enrollment, since=None) -> Outcome:
        total = get_session().scalar(sa.select(sa.func.count()).select_from(Lesson)
                                     .where(Lesson.course_id == enrollment.course_id))
        return Outcome(enrollment.lessons_done >= total)


def decide(enrollment: Enrollment, requirements: Any, *, since=None) -> Decision:
    """Ask each registered requirement that applies to the enrolment's course version.

    Complete when a sufficient requirement is met, or when every other requirement is
    met (a course with no applicable requirement is never completed by accident: "all
    lessons done" applies to every course of the LMS's own). ``since`` asks for a new cycle of a recurring course:
    then at least one renewing requirement must apply, met at or after ``since``.
    """
    course = enrollment.course
    unmet, score, any_applied, renewed = [], None, False, since is None
    for name, requirement in requirements.items():
        if not requirement.applies(course):
            continue
        outcome = requirement.check(enrollment, since=since)
        renewed = renewed or (getattr(requirement, "renews", False) and outcome.met)
        if getattr(requirement, "sufficient", False):
            if outcome.met:
                return Decision(True, outcome.score_percent, stated=outcome.stated)
            continue  # an unverified external completion blocks nothing
        any_applied = True
        if not outcome.met:
            unmet.append(name)
        elif score is None:
            score = outcome.score_percent
    if unmet or not any_applied or not renewed:
        return Decision(False, None, unmet)
    return Decision(True, score)


def course_page_sections(requirements: Any, course: Course, progress, next_lesson) -> list:
    """The course-page HTML of each requirement that applies and has some."""
    if progress.enrollment is None:
        return []
    return [requirement.course_page(course, progress, next_lesson)
            for requirement in requirements.values()
            if callable(getattr(requirement, "course_page", None)) and requirement.applies(course)]


def register_defaults(registry) -> None:
    """The requirement courses itself brings."""
    registry.register("lessons", AllLessonsDone())
