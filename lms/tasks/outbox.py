"""Writing outbox messages in a transaction, handing them to the queue after commit,
running them in the worker, and sweeping up those a crash left behind."""
from __future__ import annotations

import datetime as dt
import logging

import sqlalchemy as sa
from flask import current_app
from sqlalchemy import event

from lms.db import get_session, unit_of_work, utcnow
from lms.tasks.models import OutboxMessage

log = logging.getLogger(__name__)

#: Session.info keys: the ids written in this transaction, and the queue to hand them to.
_PENDING = "lms_outbox_pending"
_QUEUE = "lms_outbox_queue"


def enqueue(task: str, **payload) -> OutboxMessage:
    """Ask for ``task`` to run after the current transaction commits (never if it rolls
    back). ``payload`` must be JSON: ids and codes, not objects."""
    queue = current_app.extensions["lms"].tasks
    if task not in queue.handlers:
        raise LookupError(f"no task {task!r} is registered")
    session = get_session()
    message = OutboxMessage(task=task, payload=payload)
    session.add(message)
    session.flush()
    session.info.setdefault(_PENDING, []).append(message.id)
    session.info[_QUEUE] = queue
    return message


def listen_to(session_factories) -> None:
    """Hand messages over when a session commits; forget them when it rolls back."""
    for factory in session_factories:
        event.listen(factory, "after_commit", _after_commit)
        event.listen(factory, "after_rollback", _forget)


def _after_commit(session) -> None:
    ids = session.info.pop(_PENDING, None)
    queue = session.info.pop(_QUEUE, None)
    if not ids or queue is None:
        return
    for message_id in ids:
        try:
            queue.deliver(message_id)
        except Exception:  # the queue is down: the sweep delivers the message later
            log.warning("outbox message %s not handed to the queue; the sweep will", message_id,
                        exc_info=True)


def _forget(session) -> None:
    session.info.pop(_PENDING, None)
    session.info.pop(_QUEUE, None)


def run_message(message_id: int) -> None:
    """Run one message in the worker (inside an app context).

    The task's own writes and the "done" mark commit together, so a task that only
    writes rows takes effect exactly once even when the message is delivered twice.
    """
    state = current_app.extensions["lms"]
    claimed = _claim(state.database, message_id)
    if claimed is None:
        return  # done already, running elsewhere, or its transaction rolled back
    task, payload = claimed
    handler = state.tasks.handlers.get(task)
    try:
        with unit_of_work():
            if handler is None:
                raise LookupError(f"no task {task!r} is registered in this app")
            handler(**payload)
            get_session().execute(sa.update(OutboxMessage).where(OutboxMessage.id == message_id)
                                  .values(done_dt=utcnow(), claimed_until=None, last_error=None))
    except Exception as error:
        _release(state.database, message_id, error)
        raise


def _claim(database, message_id: int):
    now = utcnow()
    lease = dt.timedelta(seconds=current_app.config["LMS_OUTBOX_LEASE_SECONDS"])
    with database.unit_of_work() as session:
        changed = session.execute(
            sa.update(OutboxMessage)
            .where(OutboxMessage.id == message_id, OutboxMessage.done_dt.is_(None),
                   sa.or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < now))
            .values(claimed_until=now + lease, attempts=OutboxMessage.attempts + 1)
            .execution_options(synchronize_session=False)).rowcount
        row = session.execute(sa.select(OutboxMessage.task, OutboxMessage.payload)
                              .where(OutboxMessage.id == message_id)).first() if changed else None
    return (row.task, dict(row.payload)) if row else None


def _release(database, message_id: int, error: Exception) -> None:
    with database.unit_of_work() as session:
        session.execute(sa.update(OutboxMessage).where(OutboxMessage.id == message_id)
                        .values(claimed_until=None, last_error=repr(error)[:500]))


def sweep() -> int:
    """Hand over every message committed a while ago that is neither done nor running
    (the process died between commit and hand-over, or the queue was down); returns
    how many. Run by the worker every minute."""
    config = current_app.config
    now = utcnow()
    cutoff = now - dt.timedelta(seconds=config["LMS_OUTBOX_SWEEP_SECONDS"])
    ids = get_session().scalars(
        sa.select(OutboxMessage.id)
        .where(OutboxMessage.done_dt.is_(None), OutboxMessage.created_dt < cutoff,
               OutboxMessage.attempts < config["LMS_OUTBOX_MAX_ATTEMPTS"],
               sa.or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < now))
        .order_by(OutboxMessage.id).limit(1000)).all()
    get_session().rollback()  # end the read before handing over (immediate mode runs them now)
    queue = current_app.extensions["lms"].tasks
    for message_id in ids:
        queue.deliver(message_id)
    return len(ids)
