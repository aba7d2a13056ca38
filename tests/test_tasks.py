"""The outbox and the task queue: tasks run after commit, never after a rollback, and a
crash between commit and hand-over loses nothing (the sweep delivers it)."""
from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import time
import uuid

import pytest
import sqlalchemy as sa

from lms.tasks.models import OutboxMessage


@pytest.fixture
def calls(app):
    """A task ``test.record`` that writes an audit event and remembers its payload."""
    from lms.audit.operations import record_event

    seen: list[dict] = []

    def record(**payload):
        seen.append(payload)
        record_event("test.task_ran", details=payload)

    app.extensions["lms"].tasks.register("test.record", record)
    return seen


def _messages(db):
    """This file's messages: tests elsewhere that commit for real (the certificate and
    credit concurrency tests) may leave their own features' messages in the outbox."""
    db.expire_all()
    return db.scalars(sa.select(OutboxMessage).where(OutboxMessage.task.startswith("test."))
                      .order_by(OutboxMessage.id)).all()


def _task_events(db):
    from lms.audit.models import AuditEvent

    return db.scalars(sa.select(AuditEvent).where(AuditEvent.action == "test.task_ran")).all()


def test_task_runs_after_commit_not_before(app_context, db, calls):
    from lms.tasks.outbox import enqueue

    with app_context() as session:
        enqueue("test.record", learner_id=7)
        assert calls == []  # still inside the transaction
        session.commit()
    assert calls == [{"learner_id": 7}]
    [message] = _messages(db)
    assert message.done_dt is not None and message.attempts == 1
    assert len(_task_events(db)) == 1


def test_nothing_runs_after_a_rollback(app_context, db, calls):
    from lms.tasks.outbox import enqueue

    with app_context() as session:
        enqueue("test.record", learner_id=7)
        session.rollback()
        session.commit()  # a later commit of the same session hands nothing over
    assert calls == [] and _messages(db) == []


def test_an_unknown_task_is_refused_at_enqueue(app_context):
    from lms.tasks.outbox import enqueue

    with app_context(), pytest.raises(LookupError):
        enqueue("test.nobody-registered-this")


def test_a_crash_between_commit_and_hand_over_is_recovered_by_the_sweep(app, app_context, db, calls):
    from lms.tasks.outbox import enqueue, sweep

    queue = app.extensions["lms"].tasks
    real_deliver = queue.deliver

    def process_dies(_message_id):
        raise ConnectionError("simulated: the process died before reaching the queue")

    queue.deliver = process_dies
    with app_context() as session:
        enqueue("test.record", certificate_id=3)
        session.commit()  # committed; the hand-over fails and is only logged
    queue.deliver = real_deliver
    assert calls == []
    [message] = _messages(db)
    assert message.done_dt is None
    with app_context():
        assert sweep() == 0  # too recent: it may still be on its way
    from lms.db import utcnow

    db.execute(sa.update(OutboxMessage).values(created_dt=utcnow() - dt.timedelta(minutes=5)))
    db.commit()
    with app_context():
        assert sweep() == 1
        assert sweep() == 0  # done: never delivered again
    assert calls == [{"certificate_id": 3}]
    assert len(_task_events(db)) == 1


def test_a_message_delivered_twice_runs_once(app, app_context, db, calls):
    from lms.tasks.outbox import enqueue

    with app_context() as session:
        message = enqueue("test.record", n=1)
        session.commit()
    with app_context():
        app.extensions["lms"].tasks.deliver(message.id)
    assert calls == [{"n": 1}] and len(_task_events(db)) == 1


def test_a_failing_task_keeps_its_message_and_none_of_its_writes(app, app_context, db, caplog):
    from lms.audit.operations import record_event
    from lms.tasks.outbox import enqueue

    def fails(**_payload):
        record_event("test.half_done")
        raise RuntimeError("renderer crashed")

    app.extensions["lms"].tasks.register("test.fails", fails)
    with app_context() as session:
        enqueue("test.fails")
        session.commit()
    [message] = _messages(db)
    assert message.done_dt is None and message.claimed_until is None
    assert "renderer crashed" in message.last_error and message.attempts >= 1
    from lms.audit.models import AuditEvent

    assert db.scalar(sa.select(sa.func.count()).select_from(AuditEvent)
                     .where(AuditEvent.action == "test.half_done")) == 0


def test_periodic_jobs_include_the_sweep_and_overdue_quizzes(app):
    names = {job.name for job in app.extensions["lms"].tasks.periodic_jobs}
    assert {"lms.sweep_outbox", "quizzes.close_overdue"} <= names


# --- real storages: Huey's SQLite file and Redis ---------------------------------------

def _queued_app(engine, tmp_path, url):
    from flask import Flask

    from lms.extension import LMS
    from tests.conftest import make_test_config

    app = Flask("lms", instance_path=str(tmp_path / "instance"), static_folder=None)
    app.config.update(make_test_config(LMS_TASK_QUEUE_IMMEDIATE=False, LMS_TASK_QUEUE_URL=url,
                                       LMS_TASK_QUEUE_NAME=f"lms-test-{uuid.uuid4().hex[:8]}"))
    LMS(app, engine=engine)
    return app


def _redis_url() -> str:
    return os.environ.get("LMS_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


@pytest.mark.parametrize("storage", ["sqlite", "redis"])
def test_messages_travel_through_real_huey_storage(storage, engine, tmp_path):
    from lms.audit.models import AuditEvent
    from lms.db import get_session
    from lms.tasks.outbox import enqueue

    url = f"sqlite:///{tmp_path / 'tasks.sqlite3'}" if storage == "sqlite" else _redis_url()
    app = _queued_app(engine, tmp_path, url)
    queue = app.extensions["lms"].tasks
    marker = uuid.uuid4().hex
    from lms.audit.operations import record_event

    queue.register("test.record", lambda **payload: record_event("test.task_ran", details=payload))
    try:
        with app.app_context():
            enqueue("test.record", marker=marker)
            get_session().commit()
        assert queue.huey.pending_count() == 1  # queued, not run: the worker runs it
        task = queue.huey.dequeue()
        queue.huey.execute(task)
        with app.app_context():
            events = get_session().scalars(sa.select(AuditEvent).where(
                AuditEvent.action == "test.task_ran")).all()
            assert [event.details["marker"] for event in events] == [marker]
            message = get_session().scalar(sa.select(OutboxMessage).where(
                OutboxMessage.payload["marker"].as_string() == marker))
            assert message.done_dt is not None
    finally:
        queue.huey.flush()
        with engine.begin() as connection:
            connection.execute(sa.delete(AuditEvent).where(AuditEvent.action == "test.task_ran"))
            connection.execute(sa.delete(OutboxMessage))


def test_flask_lms_worker_runs_what_the_app_enqueued(tmp_path, database_url):
    """`flask lms worker` as `make run` starts it: a separate process consuming the SQLite
    task storage of the instance folder."""
    from lms.audit.models import AuditEvent

    database = database_url  # the test's database, SQLite or PostgreSQL: the worker shares it
    env = dict(os.environ, FLASK_LMS_INSTANCE_PATH=str(tmp_path), FLASK_LMS_DATABASE_URL=database,
               FLASK_SECRET_KEY="worker-test-secret-0123456789-abcdefghij",
               FLASK_LMS_TASK_QUEUE_NAME=f"lms-worker-{uuid.uuid4().hex[:8]}")
    marker = uuid.uuid4().hex
    enqueue_script = (
        "import sys; from tests.data.worker_app import app; from lms.db import get_session;"
        "from lms.tasks.outbox import enqueue\n"
        "with app.app_context():\n"
        f"    enqueue('test.record', marker={marker!r}); get_session().commit()\n")
    subprocess.run([sys.executable, "-c", enqueue_script], env=env, check=True, timeout=60,
                   cwd=_root())
    worker = subprocess.Popen([sys.executable, "-m", "flask", "--app", "tests.data.worker_app",
                               "lms", "worker", "--workers", "1"], env=env, cwd=_root(),
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    engine = sa.create_engine(database)
    found = []
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not found:
            time.sleep(0.3)
            with engine.connect() as connection:
                found = connection.execute(sa.select(AuditEvent.details).where(
                    AuditEvent.action == "test.worker_ran")).scalars().all()
    finally:
        worker.terminate()
        output, _ = worker.communicate(timeout=30)
        with engine.begin() as connection:
            connection.execute(sa.delete(AuditEvent).where(AuditEvent.action == "test.worker_ran"))
            connection.execute(sa.delete(OutboxMessage))
        engine.dispose()
    assert [row["marker"] for row in found] == [marker], output.decode()
    assert b"Worker started" in output


def _root():
    from pathlib import Path

    return str(Path(__file__).resolve().parent.parent)
