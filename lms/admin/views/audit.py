"""The audit trail, newest first, filtered by action and actor."""
from __future__ import annotations

from flask import current_app, render_template, request

from lms.admin.forms import AuditFilterForm
from lms.audit import queries
from lms.auth.access import require
from lms.forms import page_argument


@require("admin.view_audit")
def list_events():
    form = AuditFilterForm(request.args)
    valid = form.validate()  # an over-long filter shows its error instead of running
    page = page_argument()
    result = queries.events_page((form.action.data or "").strip() if valid else None,
                                 (form.actor.data or "").strip() if valid else None,
                                 page, current_app.config["LMS_PAGE_SIZE"])
    return render_template("lms/admin/audit.html", form=form, events=result.items,
                           page=page, pages=result.pages, actions=queries.recorded_actions())
