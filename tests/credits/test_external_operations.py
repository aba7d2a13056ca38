"""The state machine of an external completion (pending → verified | rejected, both
final), the completion requirement behind it, and two verifications at once on both
databases (threads with real commits): one completion, one set of credits."""
from __future__ import annotations

import datetime as dt
import threading

import pytest
import sqlalchemy as sa

from courses.models import CourseCompletion
from lms.accounts.models import Learner
from lms.audit.models import AuditEvent
from lms.credits.external import operations
from lms.credits.external.evidence import check_evidence
from lms.credits.external.models import ExternalCompletion, ExternalStatus
from lms.credits.models import CreditEntry
from tests.conftest import TINY_PNG


def new_submission(learner, *, source="NGOAI-BDHVS", day=None, title="Kỹ năng số cơ bản",
                   periods=5, submitter=None):
    return operations.submit(
        learner, submitter or learner, source_code=source, provider_name="Nền tảng BDHVS",
        course_title=title, periods=periods, completed_on=day or dt.date.today(),
        evidence=check_evidence(TINY_PNG), evidence_name="anh.png")


@pytest.fixture
def people(create_learner, museum):
    from lms.accounts.models import Role

    hoa = create_learner("Lò Thị Hoa", unit=museum)
    hr = create_learner("Cầm Văn Tổ", unit=museum, roles=[Role.HR], hr_unit=museum)
    return hoa, hr


def test_pending_then_verified_is_final(app, app_context, people, db):
    hoa, hr = people
    with app_context(), app.test_request_context("/"):
        submission = new_submission(db.get(Learner, hoa.id))
        assert operations.verify(submission.id, hr) is True
        assert operations.verify(submission.id, hr) is False   # again: no change
        assert operations.reject(submission.id, hr, "muộn") is False
        db.refresh(submission)
        assert submission.status == ExternalStatus.VERIFIED and submission.reject_reason is None
        assert submission.completion_id is not None


def test_pending_then_rejected_is_final(app, app_context, people, db):
    hoa, hr = people
    with app_context(), app.test_request_context("/"):
        submission = new_submission(db.get(Learner, hoa.id))
        assert operations.reject(submission.id, hr, "Ảnh mờ") is True
        assert operations.verify(submission.id, hr) is False
        db.refresh(submission)
        assert (submission.status, submission.completion_id) == (ExternalStatus.REJECTED, None)
        assert db.scalar(sa.select(sa.func.count()).select_from(CourseCompletion)) == 0


def test_the_database_refuses_a_decision_without_its_facts(app_context, people, db):
    from sqlalchemy.exc import IntegrityError

    hoa, _hr = people
    with app_context():
        submission = new_submission(db.get(Learner, hoa.id))
        for values in ({"status": ExternalStatus.VERIFIED},  # nobody decided it
                       {"status": ExternalStatus.REJECTED, "decided_by_id": hoa.id,
                        "decided_dt": dt.datetime.now(dt.UTC)}):  # no reason
            with pytest.raises(IntegrityError), db.begin_nested():
                db.execute(sa.update(ExternalCompletion)
                           .where(ExternalCompletion.id == submission.id).values(**values))


def test_a_listed_course_completed_already_is_refused_and_nothing_changes(app, app_context,
                                                                          people, db):
    hoa, hr = people
    with app_context(), app.test_request_context("/"):
        learner = db.get(Learner, hoa.id)
        first, second = new_submission(learner), new_submission(learner)
        assert operations.verify(first.id, hr) is True
        with pytest.raises(operations.ExternalRefused, match="đã có kết quả hoàn thành"):
            operations.verify(second.id, hr)
        db.refresh(second)
        assert (second.status, second.decided_by_id, second.course_code) == (
            ExternalStatus.PENDING, None, None)
        assert operations.reject(second.id, hr, "Trùng lặp") is True


def test_an_external_course_is_completed_only_by_a_verification(app, app_context, people, db):
    """Its catalogue course has no lessons: "all lessons done" does not apply, and
    without a verified submission nothing completes it."""
    from courses import operations as course_operations
    from courses.requirements import decide
    from lms.extension import get_state

    hoa, _hr = people
    with app_context(), app.test_request_context("/"):
        learner = db.get(Learner, hoa.id)
        course = operations.ensure_course("NGOAI-BDHVS", {"vi": "a", "en": "a"},
                                          {"vi": "b", "en": "b"})
        assert course.is_external and not course.is_published
        enrollment = course_operations.enrol(learner, course)
        decision = decide(enrollment, get_state().completion_requirements)
        assert decision.complete is False
        assert course_operations.complete_course_if_done(enrollment, learner) is None
        pending = new_submission(learner)
        assert course_operations.complete_course_if_done(enrollment, learner) is None  # pending
        assert pending.status == ExternalStatus.PENDING


# --- two verifications at once (real commits, both databases) -------------------------------

def test_two_hr_tabs_verifying_at_once_make_one_completion_and_one_credit(app, engine,
                                                                           commits_for_real):
    from flask import g

    from lms.accounts import operations as accounts
    from lms.accounts.models import Role
    from lms.credits.defaults import seed_defaults
    from lms.db import Database
    from lms.dates import today

    database = Database(engine)
    with app.app_context(), app.test_request_context("/"):
        session = database.new_session(for_write=True)
        g._lms_session = session
        seed_defaults(today().year)
        unit = accounts.create_org_unit("RACE-EXT", "Đơn vị đua", "Race unit", None)
        learner = accounts.create_learner(full_name="Người Được Xác Minh", staff_code="RACE-EXT-1",
                                          org_unit=unit)
        officers = [accounts.create_learner(full_name=f"Tổ Chức {n}", staff_code=f"RACE-EXT-HR{n}",
                                            org_unit=unit) for n in (1, 2)]
        for officer in officers:
            accounts.grant_role(officer, Role.HR, unit, actor=None)
        submission_id = new_submission(learner, periods=3).id
        session.commit()
        learner_id, officer_ids = learner.id, [officer.id for officer in officers]
        session.close()
        g.pop("_lms_session")

    results, errors, barrier = [], [], threading.Barrier(2)

    def verify_as(officer_id):
        with app.app_context(), app.test_request_context("/"):
            session = database.new_session(for_write=True)
            g._lms_session = session
            try:
                barrier.wait(timeout=10)
                results.append(operations.verify(submission_id, session.get(Learner, officer_id)))
                session.commit()
            except Exception as error:  # asserted below
                errors.append(repr(error))
            finally:
                session.close()

    threads = [threading.Thread(target=verify_as, args=(officer_id,)) for officer_id in officer_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    try:
        with database.write_session() as session:
            completions = session.scalars(sa.select(CourseCompletion.id)
                                          .where(CourseCompletion.learner_id == learner_id)).all()
            credited = session.scalars(sa.select(CreditEntry.awarded_value)
                                       .where(CreditEntry.learner_id == learner_id)).all()
            verified_events = session.scalar(sa.select(sa.func.count()).select_from(AuditEvent).where(
                AuditEvent.action == "credits.external_verified",
                AuditEvent.object_id == str(submission_id)))
            linked = session.scalar(sa.select(ExternalCompletion.completion_id)
                                    .where(ExternalCompletion.id == submission_id))
    finally:
        database.dispose()
    assert errors == [] and sorted(results) == [False, True]
    assert len(completions) == 1 and linked == completions[0]
    assert credited == [3] and verified_events == 1
