"""Reads of personal data: an HR officer or an admin opening a learner's record.

Recorded once per viewer, learner and day (in ``LMS_TIMEZONE``): enough to answer "who
looked at this person's record, and when", without an event for every page reload.
The view is a GET, so the write goes through :func:`lms.db.write_during_read_request`;
most visits after the first of the day cost one indexed read and no write at all.
"""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app

from lms.accounts.models import Learner
from lms.audit.models import AuditEvent
from lms.audit.operations import record_event
from lms.db import get_session, write_during_read_request

ACTION = "learner.record_viewed"


def record_record_view(viewer: Learner, learner_id: int, *, page: str) -> bool:
    """Record that ``viewer`` opened ``learner_id``'s record, unless already done today.

    Call it before the view changes anything. Returns whether an event was written.
    Race-safe: the check is repeated in the write transaction after locking the viewer's
    row (PostgreSQL ``FOR NO KEY UPDATE``; SQLite's BEGIN IMMEDIATE already admits one
    writer at a time), so two tabs opened at once still write one event.
    """
    since = _start_of_today()
    if _recorded_since(get_session(), viewer.id, learner_id, since):
        return False
    with write_during_read_request() as session:
        session.execute(sa.select(Learner.id).where(Learner.id == viewer.id)
                        .with_for_update(key_share=True))
        if _recorded_since(session, viewer.id, learner_id, since):
            return False
        record_event(ACTION, actor=viewer, object_type="learner", object_id=learner_id,
                     details={"page": page}, session=session)
    return True


def _recorded_since(session, viewer_id: int, learner_id: int, since: dt.datetime) -> bool:
    return session.scalar(
        sa.select(AuditEvent.id).where(
            AuditEvent.actor_id == viewer_id, AuditEvent.action == ACTION,
            AuditEvent.object_type == "learner", AuditEvent.object_id == str(learner_id),
            AuditEvent.created_dt >= since).limit(1)) is not None


def _start_of_today() -> dt.datetime:
    """Midnight of today where the people work, as a UTC timestamp."""
    zone = ZoneInfo(current_app.config["LMS_TIMEZONE"])
    today = dt.datetime.now(zone).date()
    return dt.datetime.combine(today, dt.time(), zone).astimezone(dt.UTC)
