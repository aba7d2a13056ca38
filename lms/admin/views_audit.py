"""The audit trail, newest first, filtered by action and actor."""
from __future__ import annotations

import sqlalchemy as sa
from flask import current_app, render_template, request

from lms.admin.forms import AuditFilterForm
from lms.audit.models import AuditEvent
from lms.auth.access import require
from lms.db import get_session
from lms.forms import page_argument


@require("admin.view_audit")
def list_events():
    form = AuditFilterForm(request.args)
    query = sa.select(AuditEvent)
    if form.validate():  # an over-long filter shows its error instead of running
        if form.action.data:
            query = query.where(AuditEvent.action.startswith(form.action.data.strip(), autoescape=True))
        if form.actor.data:
            query = query.where(AuditEvent.actor_label.contains(form.actor.data.strip(), autoescape=True))
    page = page_argument()
    page_size = current_app.config["LMS_PAGE_SIZE"]
    events = get_session().scalars(
        query.order_by(AuditEvent.created_dt.desc(), AuditEvent.id.desc())
        .limit(page_size + 1).offset((page - 1) * page_size)
    ).all()
    actions = get_session().scalars(sa.select(AuditEvent.action).distinct().order_by(AuditEvent.action)).all()
    return render_template("lms/admin/audit.html", form=form, events=events[:page_size],
                           has_next=len(events) > page_size, page=page, actions=actions)
