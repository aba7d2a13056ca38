"""The completion requirement of a course taken elsewhere: HR verified its evidence.

Registered on ``state.completion_requirements`` as a *sufficient* requirement
(``courses.requirements``): met, it completes the course on its own, and it states the
facts of that completion — the day it was completed, the periods and the title HR
verified — so the completion's snapshot (and through it the credits) is right: the
unit of that day, not of the verification day.
"""
from __future__ import annotations

from typing import ClassVar

from courses.requirements import Outcome, StatedCompletion


class VerifiedExternalCompletion:
    sufficient: ClassVar[bool] = True
    #: A listed course with an expiry (none is shipped) starts its next cycle with a new
    #: completion verified on or after the expiry.
    renews: ClassVar[bool] = True

    def applies(self, course) -> bool:
        return course.is_external

    def check(self, enrollment, since=None) -> Outcome:
        from lms.credits.external.queries import verified_unrecorded
        from lms.dates import local_date

        found = verified_unrecorded(enrollment.learner_id, enrollment.course_code,
                                    local_date(since) if since is not None else None)
        if found is None:
            return Outcome(False)
        return Outcome(True, stated=StatedCompletion(
            completed_on=found.completed_on, periods=found.periods,
            title_vi=found.course_title, title_en=found.course_title))
