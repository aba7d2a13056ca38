"""Reads of the audit trail, for the admin's audit page."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from lms.audit.models import AuditEvent
from lms.db import get_session
from lms.pagination import Page, paginate


def events_page(action: str | None, actor_text: str | None, since: dt.datetime | None,
                before: dt.datetime | None, page: int, page_size: int) -> Page:
    """Events, newest first: of ``action`` (a code, or a prefix ending in "."), by an
    actor whose name contains ``actor_text``, recorded from ``since`` up to ``before``
    (UTC; each filter only when given)."""
    query = sa.select(AuditEvent)
    if action:
        if action.endswith("."):
            query = query.where(AuditEvent.action.startswith(action, autoescape=True))
        else:
            query = query.where(AuditEvent.action == action)
    if actor_text:
        query = query.where(AuditEvent.actor_label.contains(actor_text, autoescape=True))
    if since is not None:
        query = query.where(AuditEvent.created_dt >= since)
    if before is not None:
        query = query.where(AuditEvent.created_dt < before)
    return paginate(query, page, page_size,
                    order_by=(AuditEvent.created_dt.desc(), AuditEvent.id.desc()))


def recorded_actions() -> list[str]:
    """Every action name the trail holds, for the filter's choices."""
    return list(get_session().scalars(
        sa.select(AuditEvent.action).distinct().order_by(AuditEvent.action)))
