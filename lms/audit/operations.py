"""Recording audit events (flush only; the caller's commit makes them durable)."""
from __future__ import annotations

from flask import has_request_context, request

from lms.audit.models import AuditEvent
from lms.db import get_session


def record_event(
    action: str,
    *,
    actor=None,
    actor_label: str | None = None,
    object_type: str | None = None,
    object_id: object = None,
    details: dict | None = None,
    session=None,
) -> AuditEvent:
    """Add one audit event to the current transaction.

    ``actor`` is a Learner (or None for anonymous/system); ``actor_label`` defaults to
    the actor's name so the trail stays readable after the profile changes.
    """
    session = session or get_session()
    event = AuditEvent(
        action=action,
        actor_id=actor.id if actor is not None else None,
        actor_label=actor_label or (actor.full_name if actor is not None else None),
        object_type=object_type,
        object_id=str(object_id) if object_id is not None else None,
        ip_address=request.remote_addr if has_request_context() else None,
        details=details or {},
    )
    session.add(event)
    session.flush()
    return event
