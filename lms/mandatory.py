"""Which courses a person must take, and by when: a seam between the feature that knows
(credits: the mandatory courses of the period's targets, with due dates) and the pages
that show them (the learner's home, HR's lists and figures), so neither imports the other.

A feature registers a source in its ``init_app``::

    state.mandatory_courses.register("credits", TargetMandatoryCourses())

A source has two methods; both return a list of :class:`MandatoryCourse`:

- ``for_learner(learner, day)``: what the learner must take, with ``completed_on`` set
  for those done in the span that counts;
- ``for_viewer(principal, day)``: what anyone in an HR officer's (or an admin's) scope
  may have to take, ``completed_on`` left None.

Courses flagged ``mandatory: true`` in their pack are mandatory too: the courses
feature adds them itself (it owns the flag).
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class MandatoryCourse:
    """One mandatory course code."""

    code: str
    #: The due date (hạn hoàn thành), None when the source sets none.
    due_on: dt.date | None = None
    #: Completions count from this day (the emulation period's start); None: any
    #: completion that is still current.
    counts_from: dt.date | None = None
    #: For a learner: the local day of the completion that counts, None while open.
    completed_on: dt.date | None = None


def merged(courses: Iterable[MandatoryCourse]) -> list[MandatoryCourse]:
    """One entry per code, sorted by due date (none last), then code. Of two entries
    for a code, the one with a due date wins (a target's rule is more specific than the
    pack's flag), then the earlier due date; the winner says whether it is completed, so
    the home page agrees with the credits status."""
    by_code: dict[str, MandatoryCourse] = {}
    for course in courses:
        known = by_code.get(course.code)
        if known is None or _preferred(course, known):
            by_code[course.code] = course
    return sorted(by_code.values(), key=lambda c: (c.due_on is None, c.due_on or dt.date.min, c.code))


def _preferred(new: MandatoryCourse, old: MandatoryCourse) -> bool:
    if (new.due_on is None) != (old.due_on is None):
        return new.due_on is not None
    return new.due_on is not None and new.due_on < old.due_on


def for_learner(learner, day: dt.date) -> list[MandatoryCourse]:
    """Every registered source's courses for ``learner``, merged."""
    from lms.extension import get_state

    return merged(course for source in get_state().mandatory_courses.values()
                  for course in source.for_learner(learner, day))


def for_viewer(principal, day: dt.date) -> list[MandatoryCourse]:
    """Every registered source's courses for the people ``principal`` may see, merged."""
    from lms.extension import get_state

    return merged(course for source in get_state().mandatory_courses.values()
                  for course in source.for_viewer(principal, day))
