"""Courses flagged ``mandatory: true`` in their pack, as a ``lms.mandatory`` source: no
due date, and a completion counts while it is current (a recurring course is due again
when its completion expires)."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from courses.models import Course, CourseCompletion
from courses.queries import current_versions_query
from lms.dates import local_date
from lms.db import get_session
from lms.mandatory import MandatoryCourse


def _flagged_codes() -> list[str]:
    return list(get_session().scalars(
        current_versions_query().with_only_columns(Course.code).where(Course.is_mandatory.is_(True))))


class PackMandatoryCourses:
    def for_learner(self, learner, day: dt.date) -> list[MandatoryCourse]:
        codes = _flagged_codes()
        if not codes:
            return []
        done = dict(get_session().execute(
            sa.select(CourseCompletion.course_code, sa.func.max(CourseCompletion.completed_dt))
            .where(CourseCompletion.learner_id == learner.id, CourseCompletion.course_code.in_(codes),
                   sa.or_(CourseCompletion.expires_on.is_(None), CourseCompletion.expires_on > day))
            .group_by(CourseCompletion.course_code)).all())
        return [MandatoryCourse(code, completed_on=local_date(done[code]) if code in done else None)
                for code in codes]

    def for_viewer(self, principal, day: dt.date) -> list[MandatoryCourse]:
        return [MandatoryCourse(code) for code in _flagged_codes()]
