"""Addresses of the filtered HR list, shared by the list's one-click buttons and the
home figures so both open the same list."""
from __future__ import annotations

import datetime as dt

from flask import url_for

from lms.mandatory import MandatoryCourse


def list_url(*, unit: int | None = None, course: str | None = None, status: str | None = None,
             since: dt.date | None = None) -> str:
    """The learner list with these filters (dates in ISO form, which the form reads)."""
    args = {"unit": unit or None, "course": course, "status": status,
            "since": since.isoformat() if since else None}
    return url_for("lms.reports.learners", **{name: value for name, value in args.items() if value})


def not_completed_url(course: MandatoryCourse, unit: int | None = None) -> str:
    """Who (in ``unit``, or the whole scope) has not completed this mandatory course, in
    the span that counts for it (the period's, when a target names it)."""
    return list_url(unit=unit, course=course.code, status="not_completed", since=course.counts_from)
