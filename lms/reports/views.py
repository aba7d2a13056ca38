"""HR report pages (load → authorize → act; every query scoped to the viewer)."""
from __future__ import annotations

from flask import current_app, render_template, request

from lms.admin.forms import LearnerSearchForm
from lms.audit.record_views import record_record_view
from lms.accounts.models import Learner
from lms.auth.access import load_or_404, require
from lms.auth.principal import current_principal
from courses.queries import time_spent_by_course
from lms.i18n import format_minutes
from lms.forms import page_argument
from lms.reports import queries


@require("reports.view")
def learners():
    form = LearnerSearchForm(request.args)
    del form.unit  # the scope is the viewer's subtrees
    text = form.q.data if form.validate() else None  # over-long: the error is shown instead
    page = page_argument()
    page_size = current_app.config["LMS_PAGE_SIZE"]
    result = queries.learners_in_scope(current_principal(), text, page, page_size)
    return render_template("lms/reports/learners.html", form=form, rows=result.items,
                           total=result.total, page=page, pages=result.pages)


@require("reports.view")
def learner(learner_id: int):
    # Outside the viewer's units is a 404: not even the person's existence is shown.
    person = load_or_404(Learner, learner_id, "learner.view_records")
    record_record_view(current_principal().learner, person.id, page="reports")
    enrollments, completions, attempts = queries.learning_record(person.id)
    return render_template("lms/reports/learner.html", person=person, enrollments=enrollments,
                           completions=completions, attempts=attempts,
                           time_spent=time_spent_by_course(person.id), format_minutes=format_minutes)
