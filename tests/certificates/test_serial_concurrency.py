"""Real threads against the real database (SQLite by default, PostgreSQL with
LMS_TEST_DATABASE_URL): completions arriving at once get consecutive serials, no gap and
no duplicate, and a transaction that rolls back gives its number back."""
from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa
from flask import g

from certificates import operations as certificate_operations
from certificates.models import Certificate, SerialCounter
from courses import operations
from courses.models import Course, CourseCompletion, Enrollment
from lms.accounts.models import Learner
from lms.db import Database
from lms.dates import today
from tests.conftest import delete_with_dependents, pack_files

WORKERS = 6
CODE = "SERIAL1"


@pytest.fixture
def committed_world(app, engine, commits_for_real):
    """A published one-lesson course and WORKERS learners, committed for real."""
    from courses.pack_operations import import_pack
    from courses.pack_validation import validate_pack
    from lms.accounts import operations as accounts

    from lms.audit.models import AuditEvent
    from lms.tasks.models import OutboxMessage

    database = Database(engine)
    with database.write_session() as session:
        last_event = session.scalar(sa.select(sa.func.max(AuditEvent.id))) or 0
        last_message = session.scalar(sa.select(sa.func.max(OutboxMessage.id))) or 0
    with app.app_context():
        session = database.new_session(for_write=True)
        g._lms_session = session
        pack, errors = validate_pack(pack_files(code=CODE, lessons=1, media=False),
                                     app.extensions["lms"].pack_parts)
        assert errors == []
        course_id = import_pack(pack, publish=True).course.id
        learner_ids = [accounts.create_learner(full_name=f"Người Học {n}", staff_code=f"SER-{n}").id
                       for n in range(WORKERS)]
        session.commit()
        session.close()
        g.pop("_lms_session")
    yield database, course_id, learner_ids
    with app.app_context(), database.write_session() as session:
        delete_with_dependents(session, CourseCompletion, CourseCompletion.course_code == CODE)
        session.execute(sa.delete(Enrollment).where(Enrollment.course_code == CODE))
        session.execute(sa.delete(Course).where(Course.code == CODE))
        session.execute(sa.delete(Learner).where(Learner.staff_code.like("SER-%")))
        session.execute(sa.delete(SerialCounter))
        # The audit trail of this world (learners created, pack imported): ids are reused
        # on SQLite, and a later test must not find these events under its own learner.
        session.execute(sa.delete(AuditEvent).where(AuditEvent.id > last_event))
        session.execute(sa.delete(OutboxMessage).where(OutboxMessage.id > last_message))
        session.commit()
    database.dispose()


def _complete(session, course_id: int, learner_id: int):
    course, learner = session.get(Course, course_id), session.get(Learner, learner_id)
    enrollment = operations.enrol(learner, course)
    operations.mark_lesson_done(enrollment, course.lessons[0], learner)


def test_parallel_completions_get_consecutive_serials(app, committed_world):
    database, course_id, learner_ids = committed_world
    barrier = threading.Barrier(WORKERS)
    errors = []

    def worker(learner_id):
        with app.app_context():
            session = database.new_session(for_write=True)
            g._lms_session = session
            try:
                barrier.wait(timeout=10)
                _complete(session, course_id, learner_id)
                session.commit()
            except Exception as error:  # collected and asserted below
                session.rollback()
                errors.append(repr(error))
            finally:
                session.close()
                g.pop("_lms_session", None)

    threads = [threading.Thread(target=worker, args=(learner_id,)) for learner_id in learner_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with app.app_context(), database.write_session() as session:
        rows = session.execute(sa.select(Certificate.seq, Certificate.serial, Certificate.year,
                                         Certificate.verification_code)
                               .where(Certificate.learner_id.in_(learner_ids))).all()
        counter = session.get(SerialCounter, today().year)
    seqs = sorted(row.seq for row in rows)
    assert seqs == list(range(1, WORKERS + 1))  # no gap, no duplicate
    assert len({row.serial for row in rows}) == WORKERS
    assert len({row.verification_code for row in rows}) == WORKERS
    assert counter.last_seq == WORKERS


def test_a_rolled_back_issue_gives_its_number_back(app, committed_world):
    database, course_id, learner_ids = committed_world
    with app.app_context():
        session = database.new_session(for_write=True)
        g._lms_session = session
        _complete(session, course_id, learner_ids[0])  # takes number 1 …
        session.rollback()  # … and the transaction fails afterwards
        _complete(session, course_id, learner_ids[1])
        session.commit()
        seq = session.scalar(sa.select(Certificate.seq)
                             .where(Certificate.learner_id == learner_ids[1]))
        again = certificate_operations.issue_certificate(
            session.scalar(sa.select(CourseCompletion)
                           .where(CourseCompletion.learner_id == learner_ids[1])),
            session.get(Learner, learner_ids[1])).seq
        session.rollback()
        session.close()
        g.pop("_lms_session")
    assert seq == 1
    assert again == 1  # issuing twice returns the same certificate
