"""Completions keep what they were, and recurring courses come due again."""
import datetime as dt
import threading

import pytest
import sqlalchemy as sa
import yaml

from courses.models import CourseCompletion, Enrollment
from lms.accounts.models import Learner, MembershipSource, OrgUnit
from quizzes.models import Attempt
from tests.conftest import delete_with_dependents
from tests.courses.pack_helpers import recurring_pack
from tests.home_page import mandatory_parts
from tests.quizzes.quiz_helpers import pass_quiz


@pytest.fixture
def import_files(app, db, app_context):
    from courses.pack_operations import import_pack
    from courses.pack_validation import validate_pack

    def do_import(files):
        with app_context():
            pack, errors = validate_pack(files, app.extensions["lms"].pack_parts)
            assert errors == [], errors
            course = import_pack(pack, publish=True).course
            db.commit()
        return course

    return do_import


@pytest.fixture
def unit(create_unit):
    return create_unit("BT", name_vi="Bảo tàng tỉnh", name_en="Provincial Museum")


@pytest.fixture
def learner(create_learner, unit):
    return create_learner("Lò Thị Hoa", username="hoa", unit=unit)


@pytest.fixture
def signed_in(client, learner, login):
    login("hoa")
    return client


def completions(db, learner_id, code):
    db.expire_all()
    return db.scalars(sa.select(CourseCompletion).where(
        CourseCompletion.learner_id == learner_id, CourseCompletion.course_code == code)
        .order_by(CourseCompletion.cycle)).all()


def expire_first_cycle(db, learner_id, code, *, days_ago=30):
    """Move the learner's first cycle into the past: completed (and its quiz passed) more
    than a year ago, expired ``days_ago`` days ago."""
    now = dt.datetime.now(dt.UTC)
    long_ago = now - dt.timedelta(days=400)
    db.execute(sa.update(CourseCompletion).where(
        CourseCompletion.learner_id == learner_id, CourseCompletion.course_code == code)
        .values(completed_dt=long_ago, expires_on=(now - dt.timedelta(days=days_ago)).date()))
    db.execute(sa.update(Attempt).where(Attempt.learner_id == learner_id)
               .values(started_dt=long_ago, submitted_dt=long_ago))
    db.commit()


# --- the snapshot --------------------------------------------------------------------------

def test_a_completion_keeps_its_unit_and_periods_after_the_person_moves_and_the_course_changes(
        signed_in, import_files, learner, unit, create_unit, app_context, db):
    import_files(recurring_pack("GIU01", months=None, title_vi="Bản đầu", title_en="First"))
    pass_quiz(signed_in, "GIU01")
    [kept] = completions(db, learner.id, "GIU01")
    assert (kept.org_unit_id, kept.org_unit_code, kept.org_unit_name_vi, kept.org_unit_name_en) == (
        unit.id, "BT", "Bảo tàng tỉnh", "Provincial Museum")
    assert (kept.course_version, kept.periods, kept.title_vi, kept.title_en, kept.score_percent,
            kept.cycle, kept.expires_on) == (1, 1, "Bản đầu", "First", 100.0, 1, None)
    # Afterwards: the person moves, the unit is renamed, a new version changes title and periods.
    other = create_unit("NH")
    from lms.accounts import operations as accounts

    with app_context():
        accounts.set_learner_unit(db.get(Learner, learner.id), db.get(OrgUnit, other.id),
                                  source=MembershipSource.ADMIN)
        accounts.update_org_unit(db.get(OrgUnit, unit.id), code="BTT", name_vi="Bảo tàng mới",
                                 name_en="New museum")
        db.commit()
    new_files = recurring_pack("GIU01", months=None, version=2, title_vi="Bản hai", title_en="Second")
    card = yaml.safe_load(new_files["course.yaml"])
    card.update(periods=2, minutes=100)
    new_files["course.yaml"] = yaml.safe_dump(card, allow_unicode=True).encode()
    import_files(new_files)
    [still] = completions(db, learner.id, "GIU01")
    assert (still.org_unit_code, still.org_unit_name_vi, still.periods, still.title_vi,
            still.course_version) == ("BT", "Bảo tàng tỉnh", 1, "Bản đầu", 1)
    assert db.get(Learner, learner.id).org_unit_id == other.id


# --- recurring courses ---------------------------------------------------------------------

def test_a_recurring_course_is_due_again_after_expiry_and_renewed_once_per_cycle(
        signed_in, import_files, learner, db):
    from lms.dates import add_months

    import_files(recurring_pack("NHAC01", months=12))
    assert "/courses/NHAC01" in mandatory_parts(signed_in.get("/").get_data(as_text=True))[0]
    pass_quiz(signed_in, "NHAC01")
    [first] = completions(db, learner.id, "NHAC01")
    assert first.cycle == 1
    local_day = first.completed_dt.astimezone(dt.timezone(dt.timedelta(hours=7))).date()
    assert first.expires_on == add_months(local_day, 12)
    # Done: it moves to the "completed" part of the home page, it does not vanish.
    open_part, done_part = mandatory_parts(signed_in.get("/").get_data(as_text=True))
    assert "/courses/NHAC01" not in open_part and "/courses/NHAC01" in done_part
    # Passing again while current records nothing.
    pass_quiz(signed_in, "NHAC01")
    assert len(completions(db, learner.id, "NHAC01")) == 1

    expire_first_cycle(db, learner.id, "NHAC01")
    open_part, done_part = mandatory_parts(signed_in.get("/").get_data(as_text=True))
    assert "/courses/NHAC01" in open_part and "/courses/NHAC01" not in done_part  # due again
    course_page = signed_in.get("/courses/NHAC01").get_data(as_text=True)
    assert "Đến hạn học lại" in course_page
    assert "Đã hoàn thành" not in signed_in.get("/courses").get_data(as_text=True)
    # A failed attempt does not renew; a passed one starts cycle 2, once.
    pass_quiz(signed_in, "NHAC01", right=False)
    assert len(completions(db, learner.id, "NHAC01")) == 1
    pass_quiz(signed_in, "NHAC01")
    pass_quiz(signed_in, "NHAC01")
    rows = completions(db, learner.id, "NHAC01")
    assert [(row.cycle, row.score_percent) for row in rows] == [(1, 100.0), (2, 100.0)]
    assert rows[1].expires_on > dt.date.today()
    open_part, done_part = mandatory_parts(signed_in.get("/").get_data(as_text=True))
    assert "/courses/NHAC01" not in open_part and "/courses/NHAC01" in done_part


def test_attempt_limit_counts_per_cycle(signed_in, import_files, learner, db):
    files = recurring_pack("NHAC02", months=12)
    quiz = yaml.safe_load(files["quiz.yaml"])
    quiz["settings"]["max_attempts"] = 1
    files["quiz.yaml"] = yaml.safe_dump(quiz, allow_unicode=True).encode()
    import_files(files)
    pass_quiz(signed_in, "NHAC02")
    refused = signed_in.post("/courses/NHAC02/quiz/start")
    assert refused.headers["Location"] == "/courses/NHAC02/quiz"  # used up: back to the overview
    expire_first_cycle(db, learner.id, "NHAC02")
    pass_quiz(signed_in, "NHAC02")  # a new cycle has its own attempt
    assert [row.cycle for row in completions(db, learner.id, "NHAC02")] == [1, 2]


def test_without_expiry_a_course_is_never_due_again(signed_in, import_files, learner, db):
    import_files(recurring_pack("MAI01", months=None))
    pass_quiz(signed_in, "MAI01")
    [row] = completions(db, learner.id, "MAI01")
    assert row.expires_on is None
    open_part, done_part = mandatory_parts(signed_in.get("/").get_data(as_text=True))
    assert "/courses/MAI01" not in open_part and "/courses/MAI01" in done_part


def test_one_completion_per_cycle_in_the_database(db, learner, import_files):
    course = import_files(recurring_pack("UNIQ02"))
    for cycle in (1, 1):
        db.add(CourseCompletion(learner_id=learner.id, course_code=course.code, course_id=course.id,
                                cycle=cycle, course_version=1, periods=1, title_vi="x", title_en="x"))
    with pytest.raises(sa.exc.IntegrityError):
        db.flush()


def test_two_workers_renewing_at_once_record_one_cycle(app, engine, commits_for_real):
    """Cycle 1 has expired and the quiz was passed again; two workers record the
    completion at the same moment: one cycle-2 row, no error (both databases)."""
    from flask import g

    from courses import operations
    from courses.pack_operations import import_pack
    from courses.pack_validation import validate_pack
    from lms.accounts import operations as accounts
    from lms.db import Database
    from quizzes.models import AttemptState, Quiz

    database = Database(engine)
    now = dt.datetime.now(dt.UTC)
    with app.app_context():
        session = database.new_session(for_write=True)
        g._lms_session = session
        pack, _errors = validate_pack(recurring_pack("RACE02"), app.extensions["lms"].pack_parts)
        course = import_pack(pack, publish=True).course
        person = accounts.create_learner(full_name="Người Đua", staff_code="RACE-2")
        enrollment = operations.enrol(person, course)
        session.flush()
        session.execute(sa.update(Enrollment).where(Enrollment.id == enrollment.id).values(lessons_done=1))
        session.add(CourseCompletion(learner_id=person.id, course_code="RACE02", course_id=course.id,
                                     cycle=1, course_version=1, periods=1, title_vi="x", title_en="x",
                                     completed_dt=now - dt.timedelta(days=400),
                                     expires_on=(now - dt.timedelta(days=30)).date()))
        quiz_id = session.scalar(sa.select(Quiz.id).where(Quiz.course_id == course.id))
        session.add(Attempt(quiz_id=quiz_id, learner_id=person.id, number=1, open_marker=None,
                            state=AttemptState.SUBMITTED, question_ids=[], score=0.9, passed=True,
                            started_dt=now, submitted_dt=now))
        session.commit()
        ids = (person.id, enrollment.id, course.id)
        session.close()
        g.pop("_lms_session")
    results, errors = [], []
    barrier = threading.Barrier(2)

    def worker():
        with app.app_context():
            session = database.new_session(for_write=True)
            g._lms_session = session
            try:
                barrier.wait(timeout=10)
                learner = session.get(Learner, ids[0])
                enrollment = session.get(Enrollment, ids[1])
                results.append(operations.complete_course_if_done(enrollment, learner))
                session.commit()
            except Exception as error:  # recorded and asserted below
                errors.append(repr(error))
            finally:
                session.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    from courses.models import Course

    with database.write_session() as session:
        cycles = sorted(session.scalars(sa.select(CourseCompletion.cycle).where(
            CourseCompletion.course_code == "RACE02")))
        # Clean up: this test commits for real.
        delete_with_dependents(session, CourseCompletion, CourseCompletion.course_code == "RACE02")
        session.execute(sa.delete(Attempt).where(Attempt.learner_id == ids[0]))
        session.execute(sa.delete(Enrollment).where(Enrollment.course_code == "RACE02"))
        session.execute(sa.delete(Course).where(Course.code == "RACE02"))
        session.execute(sa.delete(Learner).where(Learner.staff_code == "RACE-2"))
        session.commit()
    database.dispose()
    assert errors == []
    assert cycles == [1, 2]
    assert sum(result is not None for result in results) == 1


# --- learners with records -----------------------------------------------------------------

def test_a_learner_with_records_cannot_be_deleted(signed_in, import_files, learner, create_learner,
                                                  app, app_context, db):
    from flask_babel import force_locale

    from lms.accounts import operations as accounts

    import_files(recurring_pack("GIU02", months=None))
    pass_quiz(signed_in, "GIU02")
    with app_context(), app.test_request_context("/"), force_locale("vi"):
        with pytest.raises(accounts.AccountError) as refused:
            accounts.delete_learner(db.get(Learner, learner.id))
    assert "vô hiệu hóa" in str(refused.value)  # suggests deactivating
    db.expire_all()
    assert db.get(Learner, learner.id) is not None and completions(db, learner.id, "GIU02")
    # The database itself refuses too (RESTRICT), whatever the caller.
    with pytest.raises(sa.exc.IntegrityError):
        with db.begin_nested():
            db.execute(sa.delete(Learner).where(Learner.id == learner.id))
    # Someone without records may be deleted (with their membership history).
    newcomer = create_learner("Người Nhập Nhầm")
    newcomer_id = newcomer.id
    with app_context():
        accounts.delete_learner(db.get(Learner, newcomer_id))
        db.commit()
    db.expire_all()
    assert db.get(Learner, newcomer_id) is None


# --- the pack key --------------------------------------------------------------------------

@pytest.mark.parametrize("value", [0, 121, "12", True, 1.5])
def test_valid_for_months_is_checked(app, value):
    from courses.pack_validation import validate_pack

    files = recurring_pack("SAI01")
    card = yaml.safe_load(files["course.yaml"])
    card["valid_for_months"] = value
    files["course.yaml"] = yaml.safe_dump(card, allow_unicode=True).encode()
    with app.test_request_context("/"):
        pack, errors = validate_pack(files, app.extensions["lms"].pack_parts)
    assert pack is None
    [error] = errors
    line = files["course.yaml"].decode().splitlines().index(
        next(l for l in files["course.yaml"].decode().splitlines() if l.startswith("valid_for_months"))) + 1
    assert (error.file, error.line) == ("course.yaml", line)
    assert "valid_for_months" in error.message


def test_a_recurring_course_needs_a_quiz(app):
    from courses.pack_validation import validate_pack

    files = recurring_pack("SAI02")
    del files["quiz.yaml"]
    with app.test_request_context("/"):
        pack, errors = validate_pack(files, app.extensions["lms"].pack_parts)
    assert pack is None and [e.file for e in errors] == ["course.yaml"]
    assert "quiz" in errors[0].message


def test_valid_for_months_is_stored_and_exported(app, import_files, app_context):
    from courses.pack_export import pack_files_of

    course = import_files(recurring_pack("XUAT01", months=24))
    assert course.valid_for_months == 24
    with app_context():
        exported = yaml.safe_load(pack_files_of(course)["course.yaml"])
    assert exported["valid_for_months"] == 24


def test_hr_list_counts_a_renewed_course_once(signed_in, import_files, learner, db, app,
                                              app_context):
    from lms.accounts.models import Role
    from lms.auth.principal import Principal
    from lms.dates import today
    from lms.reports.queries import ListFilters, learners_in_scope

    import_files(recurring_pack("NHAC01", months=12))
    pass_quiz(signed_in, "NHAC01")
    expire_first_cycle(db, learner.id, "NHAC01")
    pass_quiz(signed_in, "NHAC01")
    assert len(completions(db, learner.id, "NHAC01")) == 2

    admin = Principal(learner=learner, roles=frozenset({Role.ADMIN}))
    with app_context():
        page = learners_in_scope(admin, ListFilters(), today(), 50)
    assert [(person.id, completed) for person, _status, completed in page.items] == [(learner.id, 1)]
