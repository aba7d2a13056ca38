"""Reads of the audit trail, for the admin's audit page."""
from __future__ import annotations

import sqlalchemy as sa

from lms.audit.models import AuditEvent
from lms.db import get_session
from lms.pagination import Page, paginate


def events_page(action_prefix: str | None, actor_text: str | None, page: int,
                page_size: int) -> Page:
    """Events, newest first, whose action starts with ``action_prefix`` and whose actor's
    label contains ``actor_text`` (each filter only when given)."""
    query = sa.select(AuditEvent)
    if action_prefix:
        query = query.where(AuditEvent.action.startswith(action_prefix, autoescape=True))
    if actor_text:
        query = query.where(AuditEvent.actor_label.contains(actor_text, autoescape=True))
    return paginate(query, page, page_size,
                    order_by=(AuditEvent.created_dt.desc(), AuditEvent.id.desc()))


def recorded_actions() -> list[str]:
    """Every action name the trail holds, for the filter's suggestions."""
    return list(get_session().scalars(
        sa.select(AuditEvent.action).distinct().order_by(AuditEvent.action)))
