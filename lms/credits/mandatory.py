"""The mandatory courses of the period's targets, with their due dates, offered to the
home page and HR's lists through ``state.mandatory_courses`` (:mod:`lms.mandatory`).

A completion counts when it falls in the period (as for the target status,
``lms.credits.progress``), so the home page and the status never disagree.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from lms.accounts.models import OrgUnit
from lms.credits import progress, queries
from lms.credits.models import Target
from lms.db import get_session
from lms.mandatory import MandatoryCourse


class TargetMandatoryCourses:
    """A ``lms.mandatory`` source: the credits targets of the period containing the day."""

    def for_learner(self, learner, day: dt.date) -> list[MandatoryCourse]:
        period = queries.period_on(day)
        if period is None:
            return []
        mine = progress.learner_progress(learner, period, day)
        return [MandatoryCourse(line.course_code, line.due_on, period.starts_on, line.completed_on)
                for line in mine.mandatory]

    def for_viewer(self, principal, day: dt.date) -> list[MandatoryCourse]:
        period = queries.period_on(day)
        if period is None:
            return []
        targets = get_session().scalars(
            sa.select(Target).where(Target.period_id == period.id)
            .options(selectinload(Target.mandatory_courses))).all()
        paths = dict(get_session().execute(sa.select(OrgUnit.id, OrgUnit.path).where(
            OrgUnit.id.in_({t.org_unit_id for t in targets if t.org_unit_id is not None}))).all())
        return [MandatoryCourse(course.course_code, course.due_on, period.starts_on)
                for target in targets
                if target.org_unit_id is None or _reaches(principal, paths.get(target.org_unit_id))
                for course in target.mandatory_courses]


def _reaches(principal, target_path: str | None) -> bool:
    """Whether a target of this unit can apply to someone the principal sees: the unit
    is inside one of their subtrees, or above one (a department's target applies to its
    divisions)."""
    if principal.is_admin:
        return True
    if target_path is None:
        return False
    return any(path.startswith(target_path) or target_path.startswith(path)
               for path in principal.hr_unit_paths)
