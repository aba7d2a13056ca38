"""HR report pages (load → authorize → act; every query scoped to the viewer)."""
from __future__ import annotations

import datetime as dt

from flask import current_app, render_template, request
from wtforms.fields.choices import SelectChoice

from courses.queries import time_spent_by_course
from lms import mandatory
from lms.accounts.models import Learner
from lms.audit.record_views import record_record_view
from lms.auth.access import load_or_404, require
from lms.auth.principal import current_principal
from lms.dates import today
from lms.pagination import decode_cursor
from lms.i18n import _, current_locale, format_minutes, format_moment
from lms.reports import links, queries
from lms.reports.forms import STATUS_LABELS, LearnerFilterForm


def _filter_form(principal, mandatory_courses):
    """The form with its choices: the viewer's units only, every course."""
    form = LearnerFilterForm(request.args)
    units = queries.units_in_scope(principal)
    locale = current_locale()
    form.unit.choices = [SelectChoice(0, _("All units") if principal.is_admin else _("All my units"))] + [
        SelectChoice(unit.id, f"{'— ' * unit.depth}{unit.code} · {unit.name(locale)}") for unit in units]
    courses = queries.course_titles(course.code for course in mandatory_courses)
    form.course.choices = [SelectChoice("", _("All courses"))] + [
        SelectChoice(code, f"{code} · {course.title(locale)}") for code, course in courses.items()]
    return form, {unit.id: unit for unit in units}, courses


@require("reports.view")
def learners():
    principal = current_principal()
    day = today()
    required = mandatory.for_viewer(principal, day)
    form, units, courses = _filter_form(principal, required)
    if not form.validate():
        # A bad value is named beside its field; no list is shown for filters that mean nothing.
        return render_template("lms/reports/learners.html", form=form, rows=[], counts=[], total=0,
                               keyset=None, shortcuts=[], status_labels=STATUS_LABELS,
                               chosen_course=None), 400
    filters = queries.ListFilters(
        text=form.q.data or None, unit=units.get(form.unit.data), course_code=form.course.data or None,
        status=form.status.data or None, since=form.since.data)
    result = queries.learners_in_scope(
        principal, filters, day, current_app.config["LMS_PAGE_SIZE"],
        after=decode_cursor(request.args.get("after"), queries.CURSOR_TYPES),
        before=decode_cursor(request.args.get("before"), queries.CURSOR_TYPES))
    counts = queries.cached_counts_per_unit(principal, filters, day,
                                            current_app.config["LMS_LIST_COUNT_SECONDS"])
    shortcuts = [(courses[course.code], links.not_completed_url(course, form.unit.data))
                 for course in required if course.code in courses]
    return render_template("lms/reports/learners.html", form=form, rows=result.items,
                           total=sum(row.people for row in counts.units), keyset=result,
                           counts=counts.units,
                           counted_at=format_moment(dt.datetime.fromtimestamp(counts.counted_at, dt.UTC)),
                           shortcuts=shortcuts, status_labels=STATUS_LABELS,
                           chosen_course=courses.get(filters.course_code))


@require("reports.view")
def learner(learner_id: int):
    # Outside the viewer's units is a 404: not even the person's existence is shown.
    person = load_or_404(Learner, learner_id, "learner.view_records")
    record_record_view(current_principal().learner, person.id, page="reports")
    completions, enrollments, attempts = queries.learning_record(person.id, today())
    return render_template("lms/reports/learner.html", person=person, enrollments=enrollments,
                           completions=completions, attempts=attempts, today=today(),
                           time_spent=time_spent_by_course(person.id), format_minutes=format_minutes)
