"""The audit trail as sentences, newest first, filtered by action, actor and dates."""
from __future__ import annotations

import datetime as dt

from flask import current_app, render_template, request
from wtforms.fields.choices import SelectChoice

from lms.admin.forms import AuditFilterForm
from lms.audit import queries
from lms.audit.sentences import action_choices, describe, load_names
from lms.auth.access import require
from lms.dates import start_of_day
from lms.extension import get_state
from lms.forms import page_argument
from lms.i18n import _


@require("admin.view_audit")
def list_events():
    actions = get_state().audit_actions
    form = AuditFilterForm(request.args)
    form.action.choices = [SelectChoice("", _("All actions"))] + [
        SelectChoice(code, label) for code, label in action_choices(actions, queries.recorded_actions())]
    valid = form.validate()  # a bad filter shows its error instead of running
    page = page_argument()
    since = start_of_day(form.since.data) if valid and form.since.data else None
    before = start_of_day(form.until.data + dt.timedelta(days=1)) if valid and form.until.data else None
    result = queries.events_page(form.action.data or None if valid else None,
                                 (form.actor.data or "").strip() if valid else None,
                                 since, before, page, current_app.config["LMS_PAGE_SIZE"])
    names = load_names(result.items, actions)
    rows = [(event, describe(event, names, actions)) for event in result.items]
    return render_template("lms/admin/audit.html", form=form, rows=rows, page=page,
                           pages=result.pages, total=result.total)
