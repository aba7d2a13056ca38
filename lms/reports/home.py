"""The reports feature's home-page section for HR officers and admins: a few figures of
their scope, each a link to the learner list filtered to the same people."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask import render_template
from markupsafe import Markup

from courses.models import Course
from lms import mandatory
from lms.dates import today
from lms.policy import can
from lms.reports import links, queries


@dataclass(frozen=True)
class MandatoryFigure:
    course: Course
    completed: int
    people: int
    not_completed_url: str

    @property
    def percent(self) -> float | None:
        return 100 * self.completed / self.people if self.people else None


def figures(principal, day: dt.date) -> dict:
    """People in scope, completions since the first of the month, and per mandatory
    course the share who completed it (in the span that counts for it)."""
    month_start = day.replace(day=1)
    people = queries.count_people(principal, queries.ListFilters(), day)
    required = mandatory.for_viewer(principal, day)
    titles = queries.course_titles(course.code for course in required)
    shares = [MandatoryFigure(
        titles[course.code],
        queries.count_people(principal, queries.ListFilters(
            course_code=course.code, status="completed", since=course.counts_from), day),
        people, links.not_completed_url(course))
        for course in required if course.code in titles]
    return {"people": people, "people_url": links.list_url(),
            "month_start": month_start,
            "completions": queries.completions_since(principal, month_start),
            "completions_url": links.list_url(status="completed", since=month_start),
            "mandatory": shares}


def home_section(principal):
    if not can(principal, "reports.view"):
        return ""
    return Markup(render_template("lms/reports/_home.html", **figures(principal, today())))
