"""The courses feature's home-page section: what to do next.

Mandatory courses first (from every ``lms.mandatory`` source: the pack's flag, and the
credits targets with their due dates), the open ones by due date, those done in an
"already completed" part so they do not silently vanish; then the other courses in
progress. A course is shown once: a mandatory course in progress is not repeated under
"continue".
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import render_template
from markupsafe import Markup

from courses import queries
from courses.models import Course
from lms import mandatory
from lms.dates import today
from lms.db import get_session


@dataclass(frozen=True)
class MandatoryLine:
    course: Course | None  # None: no published version to link to
    required: mandatory.MandatoryCourse
    lessons_done: int
    lesson_total: int
    is_enrolled: bool

    @property
    def is_overdue(self) -> bool:
        due = self.required.due_on
        return self.required.completed_on is None and due is not None and today() > due


def mandatory_lines(learner) -> list[MandatoryLine]:
    required = mandatory.for_learner(learner, today())
    codes = [course.code for course in required]
    published = {course.code: course for course in get_session().scalars(
        queries.current_versions_query().where(Course.code.in_(codes)))} if codes else {}
    progress = queries.catalog_progress(learner.id, list(published.values()))
    lines = []
    for course in required:
        found, entry = published.get(course.code), progress.get(course.code)
        lines.append(MandatoryLine(found, course, entry.lessons_done if entry else 0,
                                   entry.lesson_total if entry else 0,
                                   bool(entry and entry.is_enrolled)))
    return lines


def render(learner) -> Markup:
    lines = mandatory_lines(learner)
    codes = {line.required.code for line in lines}
    in_progress = [row for row in queries.my_learning(learner.id)
                   if not row[2] and row[0].course_code not in codes]
    return Markup(render_template(
        "lms/courses/_home.html", in_progress=in_progress,
        open_mandatory=[line for line in lines if line.required.completed_on is None],
        done_mandatory=[line for line in lines if line.required.completed_on is not None]))
