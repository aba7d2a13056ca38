"""The ledger: a passed course credits once (replays and concurrent workers included,
on both databases), revocations reverse, locked periods refuse with an audit event,
and credits stay with the unit of the completion date."""

from __future__ import annotations

import datetime as dt
import threading
from decimal import Decimal

import pytest
import sqlalchemy as sa

from courses.models import CourseCompletion
from lms.accounts.models import Learner, MembershipSource, OrgUnit
from lms.audit.models import AuditEvent
from lms.credits.models import CreditEntry, EmulationPeriod, EntryKind
from tests.quizzes.quiz_helpers import pass_quiz
from tests.credits.conftest import ledger


def test_a_passed_course_credits_its_periods_with_the_snapshot(
    signed_in, seeded, hoa, museum, course, db
):
    course("ATTT09", periods=3)
    pass_quiz(signed_in, "ATTT09")
    [entry] = ledger(db, hoa.id)
    completion = db.scalar(sa.select(CourseCompletion).where(CourseCompletion.learner_id == hoa.id))
    assert entry.kind == EntryKind.AWARD and entry.completion_id == completion.id
    assert (entry.raw_value, entry.bonus_value, entry.awarded_value) == (3, 0, 3)
    assert entry.period_id == seeded.id and entry.org_unit_id == museum.id
    assert entry.rule.code == "TIET-ATTT" and entry.criterion.code == "ND6" and entry.reasons == []


def test_a_replayed_signal_writes_nothing(app, signed_in, seeded, hoa, course, db, app_context):
    from lms import signals

    made = course("ATTT09")
    pass_quiz(signed_in, "ATTT09")
    received = []
    signals.credits_awarded.connect(
        lambda sender, **kw: received.append(kw), sender=app, weak=False
    )
    completion = db.scalar(sa.select(CourseCompletion).where(CourseCompletion.learner_id == hoa.id))
    with app_context():
        for _ in range(2):
            signals.course_completed.send(
                app, completion=completion, learner=db.get(Learner, hoa.id), course=made
            )
        db.commit()
    assert len(ledger(db, hoa.id)) == 1 and received == []


def test_the_database_refuses_a_second_award_of_one_completion(signed_in, seeded, hoa, course, db):
    course("ATTT09")
    pass_quiz(signed_in, "ATTT09")
    [entry] = ledger(db, hoa.id)
    copy = {
        column.key: getattr(entry, column.key)
        for column in CreditEntry.__table__.columns
        if column.key not in ("id", "created_dt")
    }
    with pytest.raises(sa.exc.IntegrityError):
        with db.begin_nested():
            db.add(CreditEntry(**copy))


def test_credits_awarded_is_sent_with_the_entries(app, signed_in, seeded, hoa, course, db):
    from lms import signals

    received = []
    signals.credits_awarded.connect(
        lambda sender, **kw: received.append(kw["completion_id"]), sender=app, weak=False
    )
    course("ATTT09")
    pass_quiz(signed_in, "ATTT09")
    [entry] = ledger(db, hoa.id)
    assert received == [entry.completion_id]


def test_a_revoked_certificate_reverses_the_credits_once(
    app, signed_in, seeded, hoa, course, db, app_context
):
    from lms import signals

    course("ATTT09", periods=2)
    pass_quiz(signed_in, "ATTT09")
    [award] = ledger(db, hoa.id)
    with app_context():
        for _ in range(2):  # a replayed revocation reverses nothing more
            signals.certificate_revoked.send(
                app,
                certificate=None,
                completion_id=award.completion_id,
                reason="Hồ sơ không trung thực",
                actor_id=None,
            )
        db.commit()
    award, reversal = ledger(db, hoa.id)
    assert reversal.kind == EntryKind.REVERSAL and reversal.reverses_entry_id == award.id
    assert reversal.awarded_value == -2 and award.awarded_value == 2  # the award is untouched
    assert (
        reversal.reasons[0]["code"] == "revoked"
        and "Hồ sơ không trung thực" in reversal.reasons[0]["vi"]
    )
    assert (
        db.scalar(
            sa.select(sa.func.sum(CreditEntry.awarded_value)).where(
                CreditEntry.learner_id == hoa.id
            )
        )
        == 0
    )
    assert (
        db.scalar(
            sa.select(sa.func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action == "credits.reversed")
        )
        == 1
    )


def test_a_locked_period_takes_no_entries_and_says_so(
    app, signed_in, seeded, hoa, course, db, app_context
):
    from flask_babel import force_locale

    from lms.credits import operations

    db.execute(
        sa.update(EmulationPeriod).where(EmulationPeriod.id == seeded.id).values(is_locked=True)
    )
    db.commit()
    course("ATTT09")
    pass_quiz(signed_in, "ATTT09")
    assert (
        db.scalar(
            sa.select(sa.func.count())
            .select_from(CourseCompletion)
            .where(CourseCompletion.learner_id == hoa.id)
        )
        == 1
    )  # the completion stands
    assert ledger(db, hoa.id) == []
    [event] = db.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "credits.refused_locked_period")
    ).all()
    assert event.details["period"] == seeded.code and event.details["attempted"] == "award"
    completion = db.scalar(sa.select(CourseCompletion).where(CourseCompletion.learner_id == hoa.id))
    with app_context(), app.test_request_context("/"), force_locale("vi"):
        with pytest.raises(operations.PeriodLockedError) as refused:
            operations.award_completion(completion, db.get(Learner, hoa.id), completion.course)
    assert "đã khóa" in str(refused.value) and seeded.code in str(refused.value)


def test_credits_stay_with_the_unit_of_the_completion_date(
    signed_in, seeded, hoa, museum, course, create_unit, db, app_context
):
    from lms.accounts import operations as accounts

    office = create_unit("VP", name_vi="Văn phòng", name_en="Office")
    course("ATTT09", periods=2)
    course("AI09", periods=1, topic="ai")
    pass_quiz(signed_in, "ATTT09")
    with app_context():
        accounts.set_learner_unit(
            db.get(Learner, hoa.id),
            db.get(OrgUnit, office.id),
            source=MembershipSource.ADMIN,
            reason="Điều động",
        )
        db.commit()
    pass_quiz(signed_in, "AI09")
    first, second = ledger(db, hoa.id)
    assert (first.course_code, first.org_unit_id) == ("ATTT09", museum.id)
    assert (second.course_code, second.org_unit_id) == ("AI09", office.id)


# --- concurrency (both databases: these tests commit for real) -----------------------------


def _committed_setup(app, database, *, cap=None, completions=1):
    """A period, the defaults, a learner and ``completions`` completions of distinct
    courses, committed; returns (learner id, completion ids, cleanup)."""
    from flask import g

    from courses.models import Course, Topic
    from lms.accounts import operations as accounts
    from lms.credits.defaults import seed_defaults
    from lms.credits.models import Criterion
    from lms.dates import today

    now = dt.datetime.now(dt.UTC)
    with app.app_context(), app.test_request_context("/"):
        session = database.new_session(for_write=True)
        g._lms_session = session
        seed_defaults(today().year)
        if cap is not None:
            session.execute(
                sa.update(Criterion).where(Criterion.code == "ND6").values(cap_per_period=cap)
            )
        person = accounts.create_learner(full_name="Người Đua Điểm", staff_code="RACE-CR")
        ids = []
        for number in range(completions):
            made = Course(
                code=f"RC{number}",
                version=1,
                topic=Topic.CYBERSECURITY,
                title_vi="x",
                title_en="x",
                summary_vi="x",
                summary_en="x",
                periods=3,
                minutes=10,
                pass_mark=50,
                search_text="x",
                pack_sha256="0" * 64,
                is_published=True,
            )
            session.add(made)
            session.flush()
            completion = CourseCompletion(
                learner_id=person.id,
                course_code=made.code,
                course_id=made.id,
                cycle=1,
                course_version=1,
                periods=3,
                title_vi="x",
                title_en="x",
                completed_dt=now,
            )
            session.add(completion)
            session.flush()
            ids.append(completion.id)
        session.commit()
        learner_id = person.id
        session.close()
        g.pop("_lms_session")

    def cleanup():
        from lms.credits.models import CreditRule, Criterion, Target, TargetCourse, TitleRule

        with database.write_session() as session:
            session.execute(sa.delete(CreditEntry).where(CreditEntry.learner_id == learner_id))
            session.execute(sa.delete(AuditEvent))
            session.execute(
                sa.delete(CourseCompletion).where(CourseCompletion.learner_id == learner_id)
            )
            session.execute(sa.delete(Course).where(Course.code.like("RC%")))
            session.execute(sa.delete(Learner).where(Learner.id == learner_id))
            for model in (TitleRule, TargetCourse, Target, CreditRule, Criterion, EmulationPeriod):
                session.execute(sa.delete(model))
            session.commit()

    return learner_id, ids, cleanup


def _run_in_threads(app, database, jobs):
    from flask import g

    errors, barrier = [], threading.Barrier(len(jobs))

    def worker(job):
        with app.app_context(), app.test_request_context("/"):
            session = database.new_session(for_write=True)
            g._lms_session = session
            try:
                barrier.wait(timeout=10)
                job(session)
                session.commit()
            except Exception as error:  # recorded and asserted by the caller
                errors.append(repr(error))
            finally:
                session.close()

    threads = [threading.Thread(target=worker, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def _award(learner_id, completion_id):
    from lms.credits import operations

    def job(session):
        completion = session.get(CourseCompletion, completion_id)
        operations.award_completion(completion, session.get(Learner, learner_id), completion.course)

    return job


def test_two_workers_crediting_one_completion_write_one_entry(app, engine, commits_for_real):
    from lms.db import Database

    database = Database(engine)
    learner_id, [completion_id], cleanup = _committed_setup(app, database)
    try:
        errors = _run_in_threads(app, database, [_award(learner_id, completion_id)] * 2)
        with database.write_session() as session:
            values = session.scalars(
                sa.select(CreditEntry.awarded_value).where(CreditEntry.learner_id == learner_id)
            ).all()
    finally:
        cleanup()
        database.dispose()
    assert errors == [] and values == [Decimal("3")]


def test_two_completions_at_once_never_pass_the_criterion_cap(app, engine, commits_for_real):
    """Cap 4, two courses of 3 at the same moment: one gets 3, the other the 1 left."""
    from lms.db import Database

    database = Database(engine)
    learner_id, completion_ids, cleanup = _committed_setup(app, database, cap=4, completions=2)
    try:
        errors = _run_in_threads(app, database, [_award(learner_id, cid) for cid in completion_ids])
        with database.write_session() as session:
            values = sorted(
                session.scalars(
                    sa.select(CreditEntry.awarded_value).where(CreditEntry.learner_id == learner_id)
                ).all()
            )
    finally:
        cleanup()
        database.dispose()
    assert errors == [] and values == [Decimal("1"), Decimal("3")]
