"""Learning time measured by the server: a minimum time before "done", time credited
across requests with a cap, no time lost or counted twice under two tabs, the final quiz
waiting for every lesson. The rules are in courses/learning_time.py.

The server's clock is ``courses.operations.utcnow``; these tests move it by hand. The
test pack's lessons are 8 minutes each, so with a share of 0.5 a lesson needs 240 s and
one interval between two requests counts at most 2 × 8 min = 960 s.
"""
from __future__ import annotations

import datetime as dt
import threading

import pytest
import sqlalchemy as sa
import yaml

from courses import operations
from courses.models import Course, CourseCompletion, Enrollment, LessonProgress
from lms.db import utcnow
from quizzes.models import Attempt
from tests.conftest import PASSWORD, delete_with_dependents, pack_files

LESSON_SECONDS = 8 * 60
REQUIRED = LESSON_SECONDS // 2  # share 0.5
CAP = 2 * LESSON_SECONDS


@pytest.fixture
def app_config():
    # The production defaults (make_test_config turns both off for the other tests).
    return {"LMS_MIN_LESSON_SHARE": 0.5, "LMS_QUIZ_REQUIRES_LESSONS": True}


def clock_start() -> dt.datetime:
    """An hour ahead of the real time: enrolments and other rows stamped by the real
    clock while a test runs are then always in the test clock's past."""
    return utcnow().replace(microsecond=0) + dt.timedelta(hours=1)


class Clock:
    """The server's clock, moved by the test."""

    def __init__(self):
        self.now = clock_start()
        self._lock = threading.Lock()

    def __call__(self) -> dt.datetime:
        with self._lock:
            return self.now

    def advance(self, seconds: float) -> None:
        with self._lock:
            self.now += dt.timedelta(seconds=seconds)


@pytest.fixture
def clock(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(operations, "utcnow", clock)
    return clock


@pytest.fixture
def learner(create_learner, create_unit):
    return create_learner("Lò Thị Hoa", username="hoa", unit=create_unit())


@pytest.fixture
def signed_in(client, learner, login):
    login("hoa")
    return client


@pytest.fixture
def import_course(app, db, app_context):
    """A published course whose course.yaml gets ``card`` added (pack settings)."""
    from courses.pack_operations import import_pack
    from courses.pack_validation import validate_pack

    def create(code, *, card=None, **options):
        files = pack_files(code=code, **options)
        course = yaml.safe_load(files["course.yaml"])
        course.update(card or {})
        files["course.yaml"] = yaml.safe_dump(course, allow_unicode=True).encode()
        with app_context():
            pack, errors = validate_pack(files, app.extensions["lms"].pack_parts)
            assert errors == [], errors
            result = import_pack(pack, publish=True).course
            db.commit()
        return result

    return create


def progress_rows(db, code):
    """(lesson number, first opened, last seen, active seconds, done) of a course."""
    from courses.models import Lesson

    db.expire_all()
    return db.execute(
        sa.select(Lesson.number, LessonProgress.first_opened_dt, LessonProgress.last_seen_dt,
                  LessonProgress.active_seconds, LessonProgress.done_dt)
        .join(Lesson, Lesson.id == LessonProgress.lesson_id)
        .join(Enrollment, Enrollment.id == LessonProgress.enrollment_id)
        .where(Enrollment.course_code == code).order_by(Lesson.number)).all()


def snapshot(db, code):
    """Everything a "done" could change: progress rows, the enrolment, completions."""
    db.expire_all()
    enrollment = db.execute(sa.select(Enrollment.lessons_done, Enrollment.last_activity_dt)
                            .where(Enrollment.course_code == code)).one()
    completions = db.scalar(sa.select(sa.func.count()).select_from(CourseCompletion)
                            .where(CourseCompletion.course_code == code))
    return progress_rows(db, code), tuple(enrollment), completions


def done(client, code, number):
    return client.post(f"/courses/{code}/lessons/{number}/done")


# --- the minimum time ----------------------------------------------------------------

def test_a_reader_who_reads_the_whole_estimate_is_credited(signed_in, import_course, clock, db):
    import_course("READ10", lessons=2)
    signed_in.post("/courses/READ10/enrol")
    assert signed_in.get("/courses/READ10/lessons/1").status_code == 200
    clock.advance(LESSON_SECONDS)  # reads for the whole estimated time, in one go
    response = done(signed_in, "READ10", 1)
    assert response.status_code == 302
    assert response.headers["Location"] == "/courses/READ10/lessons/2"
    ((number, first, last, active, done_dt),) = progress_rows(db, "READ10")
    assert (number, active) == (1, LESSON_SECONDS)
    assert last - first == dt.timedelta(seconds=LESSON_SECONDS) and done_dt == last


def test_done_too_early_is_refused_writes_nothing_and_says_how_long_is_left(
        signed_in, import_course, clock, db):
    import_course("EARLY1", lessons=2)
    signed_in.post("/courses/EARLY1/enrol")
    page = signed_in.get("/courses/EARLY1/lessons/1").get_data(as_text=True)
    assert "Sau khoảng 4 phút đọc nữa, anh/chị có thể đánh dấu bài này là đã học xong." in page
    clock.advance(60)
    before = snapshot(db, "EARLY1")
    response = done(signed_in, "EARLY1", 1)
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    # 240 s needed, 60 s credited by this request: 3 minutes left, said in plain HTML,
    # and the page is still the lesson with its form (usable without JavaScript).
    assert ("Anh/chị cần học thêm khoảng 3 phút nữa rồi mới có thể đánh dấu bài này là "
            "đã học xong.") in page
    assert 'role="alert"' in page and "Bài học số 1" in page and 'action="/courses/EARLY1/lessons/1/done"' in page
    assert snapshot(db, "EARLY1") == before
    assert [row.done_dt for row in progress_rows(db, "EARLY1")] == [None]
    # The refused request credited nothing, yet its interval is not lost: counting still
    # runs from the page view, so 180 s more are enough (not 240).
    clock.advance(REQUIRED - 60 - 1)
    assert done(signed_in, "EARLY1", 1).status_code == 409
    clock.advance(1)
    assert done(signed_in, "EARLY1", 1).status_code == 302
    ((_number, _first, _last, active, done_dt),) = progress_rows(db, "EARLY1")
    assert active == REQUIRED and done_dt is not None


def test_the_message_in_english_and_rounded_up(signed_in, import_course, clock):
    import_course("EARLY2", lessons=1)
    signed_in.post("/courses/EARLY2/enrol")
    signed_in.post("/language", data={"locale": "en", "next": "/"})
    signed_in.get("/courses/EARLY2/lessons/1")
    clock.advance(REQUIRED - 61)  # 61 s left: "about 2 minutes"
    page = done(signed_in, "EARLY2", 1).get_data(as_text=True)
    assert "You need to spend about 2 more minutes on this lesson before you can mark it as done." in page
    clock.advance(60)  # 1 s left: still "about 1 minute", never "0"
    page = done(signed_in, "EARLY2", 1).get_data(as_text=True)
    assert "You need to spend about 1 more minute on this lesson" in page


def test_done_without_opening_the_lesson_is_refused(signed_in, import_course, clock, db):
    import_course("NOPEN1", lessons=1)
    signed_in.post("/courses/NOPEN1/enrol")
    clock.advance(3600)
    response = done(signed_in, "NOPEN1", 1)
    assert response.status_code == 409
    assert "Anh/chị cần học thêm khoảng 4 phút nữa" in response.get_data(as_text=True)
    assert progress_rows(db, "NOPEN1") == []


def test_completing_a_course_takes_at_least_the_minimum_time(signed_in, import_course, clock, db):
    """A learner who presses "done" every 10 seconds, from the moment they enrol, finishes
    no sooner than the sum of the lessons' minimums."""
    import_course("FAST01", lessons=3)
    start = clock()
    signed_in.post("/courses/FAST01/enrol")
    signed_in.get("/courses/FAST01/lessons/1")
    number, refused = 1, 0
    while number <= 3:
        clock.advance(10)
        response = done(signed_in, "FAST01", number)
        if response.status_code == 409:
            refused += 1
            continue
        assert response.status_code == 302
        number += 1
        if number <= 3:
            signed_in.get(response.headers["Location"])  # the next lesson opens
    elapsed = (clock() - start).total_seconds()
    assert db.scalar(sa.select(sa.func.count()).select_from(CourseCompletion)
                     .where(CourseCompletion.course_code == "FAST01")) == 1
    assert 3 * REQUIRED <= elapsed <= 3 * REQUIRED + 3 * 10
    assert refused >= 3 * (REQUIRED // 10 - 1)
    assert sum(row.active_seconds for row in progress_rows(db, "FAST01")) >= 3 * REQUIRED


def test_lessons_open_side_by_side_are_not_credited_twice(signed_in, import_course, clock, db):
    """Every lesson opened in its own tab at once: the minutes count for one lesson only,
    so the course still takes the sum of the minimums."""
    import_course("TABS01", lessons=3)
    signed_in.post("/courses/TABS01/enrol")
    for number in (1, 2, 3):
        signed_in.get(f"/courses/TABS01/lessons/{number}")
    clock.advance(REQUIRED)
    assert [done(signed_in, "TABS01", number).status_code for number in (1, 2, 3)] == [302, 409, 409]
    clock.advance(REQUIRED)
    assert [done(signed_in, "TABS01", number).status_code for number in (2, 3)] == [302, 409]
    clock.advance(REQUIRED)
    assert done(signed_in, "TABS01", 3).status_code == 302
    assert [row.active_seconds for row in progress_rows(db, "TABS01")] == [REQUIRED] * 3


@pytest.mark.parametrize("app_config", [{"LMS_MIN_LESSON_SHARE": 0}])
def test_share_zero_turns_the_minimum_off(signed_in, import_course, db):
    import_course("ZERO01", lessons=2)
    signed_in.post("/courses/ZERO01/enrol")
    assert done(signed_in, "ZERO01", 1).status_code == 302  # not even opened: allowed
    signed_in.get("/courses/ZERO01/lessons/2")
    page = signed_in.get("/courses/ZERO01/lessons/2").get_data(as_text=True)
    assert "phút đọc nữa" not in page  # no minimum to announce
    assert done(signed_in, "ZERO01", 2).status_code == 302
    assert db.scalar(sa.select(CourseCompletion.course_code)) == "ZERO01"


def test_a_pack_sets_its_own_share(signed_in, import_course, clock, db):
    import_course("SHARE3", lessons=1, card={"min_lesson_share": 0.25})  # site: 0.5
    import_course("SHARE0", lessons=1, card={"min_lesson_share": 0})
    for code in ("SHARE3", "SHARE0"):
        signed_in.post(f"/courses/{code}/enrol")
        signed_in.get(f"/courses/{code}/lessons/1")
    assert done(signed_in, "SHARE0", 1).status_code == 302
    clock.advance(LESSON_SECONDS // 4 - 1)
    assert done(signed_in, "SHARE3", 1).status_code == 409
    clock.advance(1)
    assert done(signed_in, "SHARE3", 1).status_code == 302
    stored = dict(db.execute(sa.select(Course.code, Course.min_lesson_share)
                             .where(Course.code.in_(["SHARE3", "SHARE0"]))).all())
    assert stored == {"SHARE3": 0.25, "SHARE0": 0.0}


@pytest.mark.parametrize("app_config", [{"LMS_MIN_LESSON_SHARE": 0}])
def test_a_pack_share_applies_when_the_site_has_none(signed_in, import_course, clock):
    import_course("SHARE1", lessons=1, card={"min_lesson_share": 1})
    signed_in.post("/courses/SHARE1/enrol")
    signed_in.get("/courses/SHARE1/lessons/1")
    clock.advance(LESSON_SECONDS - 1)
    assert done(signed_in, "SHARE1", 1).status_code == 409
    clock.advance(1)
    assert done(signed_in, "SHARE1", 1).status_code == 302


# --- time credited across requests -----------------------------------------------------

def test_time_accumulates_across_requests_with_a_cap(signed_in, import_course, clock, db):
    import_course("ACCU01", lessons=2)
    signed_in.post("/courses/ACCU01/enrol")
    opened = clock()
    signed_in.get("/courses/ACCU01/lessons/1")
    assert [row.active_seconds for row in progress_rows(db, "ACCU01")] == [0]
    clock.advance(100)
    signed_in.get("/courses/ACCU01/lessons/1")  # a reload: 100 s
    clock.advance(12 * 3600)  # the tab stays open overnight: at most the cap
    signed_in.get("/courses/ACCU01/lessons/1")
    ((_n, first, last, active, done_dt),) = progress_rows(db, "ACCU01")
    assert (first, active, done_dt) == (opened, 100 + CAP, None)
    assert last == clock()
    clock.advance(30)
    assert done(signed_in, "ACCU01", 1).status_code == 302
    assert progress_rows(db, "ACCU01")[0].active_seconds == 100 + CAP + 30
    # Rereading a done lesson still counts (HR sees the time spent), and credits it.
    clock.advance(50)
    signed_in.get("/courses/ACCU01/lessons/1")
    assert progress_rows(db, "ACCU01")[0].active_seconds == 100 + CAP + 30 + 50


def test_a_night_away_then_done_is_credited_only_up_to_the_cap(signed_in, import_course, clock, db):
    import_course("NIGHT1", lessons=1)
    signed_in.post("/courses/NIGHT1/enrol")
    signed_in.get("/courses/NIGHT1/lessons/1")
    clock.advance(10 * 3600)
    assert done(signed_in, "NIGHT1", 1).status_code == 302
    assert progress_rows(db, "NIGHT1")[0].active_seconds == CAP


def test_a_clock_going_back_credits_nothing(signed_in, import_course, clock, db):
    """Two app servers whose clocks differ a little: a request stamped earlier than the
    last one adds 0 and does not move "last seen" back."""
    import_course("SKEW01", lessons=1)
    signed_in.post("/courses/SKEW01/enrol")
    signed_in.get("/courses/SKEW01/lessons/1")
    clock.advance(100)
    signed_in.get("/courses/SKEW01/lessons/1")
    seen = clock()
    clock.advance(-5)
    signed_in.get("/courses/SKEW01/lessons/1")
    ((_n, _first, last, active, _done),) = progress_rows(db, "SKEW01")
    assert (last, active) == (seen, 100)


def test_gap_factor_setting(app, signed_in, import_course, clock, db):
    app.config["LMS_LESSON_GAP_FACTOR"] = 1
    import_course("GAP001", lessons=1)
    signed_in.post("/courses/GAP001/enrol")
    signed_in.get("/courses/GAP001/lessons/1")
    clock.advance(3 * LESSON_SECONDS)
    signed_in.get("/courses/GAP001/lessons/1")
    assert progress_rows(db, "GAP001")[0].active_seconds == LESSON_SECONDS


@pytest.mark.parametrize("key, value", [
    ("LMS_MIN_LESSON_SHARE", 1.5), ("LMS_MIN_LESSON_SHARE", -0.1), ("LMS_MIN_LESSON_SHARE", "0.5"),
    ("LMS_MIN_LESSON_SHARE", True), ("LMS_MIN_LESSON_SHARE", float("nan")),
    ("LMS_LESSON_GAP_FACTOR", 0.5), ("LMS_LESSON_GAP_FACTOR", float("inf")),
    ("LMS_QUIZ_REQUIRES_LESSONS", "yes"),
])
def test_bad_learning_time_settings_refuse_to_start(engine, tmp_path, key, value):
    from flask import Flask

    from lms.config import ConfigurationError
    from lms.extension import LMS
    from tests.conftest import make_test_config

    flask_app = Flask("lms", instance_path=str(tmp_path), static_folder=None)
    flask_app.config.update(make_test_config(**{key: value}))
    with pytest.raises(ConfigurationError, match=key):
        LMS(flask_app, engine=engine)


# --- two tabs, real threads, real commits (SQLite and PostgreSQL) -------------------------

@pytest.fixture
def committed_course(app, engine, commits_for_real):
    """A course, learner and enrolment committed for real (threads need their own
    connections), removed again at the end."""
    from flask import g

    from courses.pack_operations import import_pack
    from courses.pack_validation import validate_pack
    from lms.accounts import operations as accounts
    from lms.accounts.models import Learner, User
    from lms.db import Database

    database = Database(engine)
    with app.app_context():
        session = database.new_session(for_write=True)
        g._lms_session = session
        pack, _errors = validate_pack(pack_files(code="TWOTAB", lessons=1, media=False),
                                      app.extensions["lms"].pack_parts)
        course = import_pack(pack, publish=True).course
        person = accounts.create_learner(full_name="Người Hai Thẻ", staff_code="TWOTAB-1")
        accounts.create_account(person, "twotab", PASSWORD)
        enrollment = operations.enrol(person, course)
        session.commit()
        ids = {"learner": person.id, "enrollment": enrollment.id, "lesson": course.lessons[0].id}
        session.close()
        g.pop("_lms_session")
    yield database, ids
    with database.write_session() as session:
        session.execute(sa.delete(Enrollment).where(Enrollment.course_code == "TWOTAB"))
        delete_with_dependents(session, CourseCompletion, CourseCompletion.course_code == "TWOTAB")
        session.execute(sa.delete(Course).where(Course.code == "TWOTAB"))
        session.execute(sa.delete(Learner).where(Learner.staff_code == "TWOTAB-1"))
        session.execute(sa.delete(User).where(User.username == "twotab"))
        session.commit()


class TickingClock:
    """Each reading is one second after the previous one, whichever thread reads it."""

    def __init__(self):
        self.start = clock_start()
        self._ticks = 0
        self._lock = threading.Lock()

    def __call__(self) -> dt.datetime:
        with self._lock:
            value = self.start + dt.timedelta(seconds=self._ticks)
            self._ticks += 1
            return value


def run_in_threads(app, database, count, action):
    from flask import g

    errors, results = [], []
    barrier = threading.Barrier(count)

    def worker():
        with app.app_context():
            try:
                barrier.wait(timeout=10)
                results.append(action(g, database))
            except Exception as error:  # recorded and asserted by the caller
                errors.append(repr(error))

    threads = [threading.Thread(target=worker) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors


def test_two_tabs_lose_no_time_and_count_none_twice(app, committed_course, monkeypatch):
    """Two tabs on one lesson, each reloading 15 times at once: every second between the
    first opening and the last request is credited exactly once."""
    from courses.models import Lesson

    database, ids = committed_course
    ticking = TickingClock()
    monkeypatch.setattr(operations, "utcnow", ticking)

    def reload_many(g, database):
        for _ in range(15):
            session = database.new_session(for_write=True)
            g._lms_session = session
            try:
                enrollment = session.get(Enrollment, ids["enrollment"])
                operations.record_lesson_visit(enrollment, session.get(Lesson, ids["lesson"]))
                session.commit()
            finally:
                session.close()
                g.pop("_lms_session")

    _results, errors = run_in_threads(app, database, 2, reload_many)
    assert errors == []
    with database.write_session() as session:
        row = session.scalars(sa.select(LessonProgress)
                              .where(LessonProgress.enrollment_id == ids["enrollment"])).one()
        span = (row.last_seen_dt - row.first_opened_dt).total_seconds()
        assert row.active_seconds == span
        # 30 readings of the clock, 0 … 29 s: the last one is "last seen".
        assert row.last_seen_dt - ticking.start == dt.timedelta(seconds=29)
        assert span >= 28  # whichever tab opened first, at 0 or 1 s


def test_two_tabs_reloading_the_page_lose_no_time(app, committed_course, monkeypatch):
    """The same through the lesson page: two signed-in tabs (two clients) reload it 15
    times each at once. Each GET writes in its own short transaction
    (write_during_read_request, BEGIN IMMEDIATE on SQLite): no error, no lost second."""
    database, ids = committed_course
    ticking = TickingClock()
    monkeypatch.setattr(operations, "utcnow", ticking)
    tabs = []
    for _ in range(2):
        tab = app.test_client()
        assert tab.post("/auth/login", data={"username": "twotab", "password": PASSWORD}).status_code == 302
        tabs.append(tab)
    statuses, errors = [], []
    barrier = threading.Barrier(len(tabs))

    def reload_many(tab):
        try:
            barrier.wait(timeout=10)
            for _ in range(15):
                statuses.append(tab.get("/courses/TWOTAB/lessons/1").status_code)
        except Exception as error:  # asserted below
            errors.append(repr(error))

    threads = [threading.Thread(target=reload_many, args=(tab,)) for tab in tabs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == [] and statuses == [200] * 30
    with database.write_session() as session:
        row = session.scalars(sa.select(LessonProgress)
                              .where(LessonProgress.enrollment_id == ids["enrollment"])).one()
        assert row.active_seconds == (row.last_seen_dt - row.first_opened_dt).total_seconds()
        assert row.last_seen_dt - ticking.start == dt.timedelta(seconds=29)
        assert row.active_seconds >= 28


def test_two_tabs_pressing_done_together_count_once(app, committed_course, monkeypatch):
    from courses.models import Lesson
    from lms.accounts.models import Learner

    database, ids = committed_course
    clock = Clock()
    monkeypatch.setattr(operations, "utcnow", clock)
    with app.app_context():
        from flask import g

        session = database.new_session(for_write=True)
        g._lms_session = session
        operations.record_lesson_visit(session.get(Enrollment, ids["enrollment"]),
                                       session.get(Lesson, ids["lesson"]))
        session.commit()
        session.close()
        g.pop("_lms_session")
    clock.advance(REQUIRED)

    def press_done(g, database):
        session = database.new_session(for_write=True)
        g._lms_session = session
        try:
            result = operations.mark_lesson_done(session.get(Enrollment, ids["enrollment"]),
                                                 session.get(Lesson, ids["lesson"]),
                                                 session.get(Learner, ids["learner"]))
            session.commit()
            return result
        finally:
            session.close()
            g.pop("_lms_session")

    results, errors = run_in_threads(app, database, 2, press_done)
    assert errors == []
    assert sorted(results) == [False, True]
    with database.write_session() as session:
        row = session.scalars(sa.select(LessonProgress)
                              .where(LessonProgress.enrollment_id == ids["enrollment"])).one()
        assert row.active_seconds == REQUIRED and row.done_dt is not None
        assert session.get(Enrollment, ids["enrollment"]).lessons_done == 1
        assert session.scalar(sa.select(sa.func.count()).select_from(CourseCompletion)
                              .where(CourseCompletion.course_code == "TWOTAB")) == 1


# --- the final quiz waits for the lessons ------------------------------------------------

@pytest.mark.parametrize("app_config", [{"LMS_MIN_LESSON_SHARE": 0, "LMS_QUIZ_REQUIRES_LESSONS": True}])
def test_the_quiz_stays_closed_until_every_lesson_is_done(signed_in, import_course, db):
    import_course("GATE01", lessons=2, quiz=True)
    signed_in.post("/courses/GATE01/enrol")
    course_page = signed_in.get("/courses/GATE01").get_data(as_text=True)
    assert "Bài kiểm tra mở khi anh/chị đã học xong tất cả các bài." in course_page
    done(signed_in, "GATE01", 1)
    overview = signed_in.get("/courses/GATE01/quiz").get_data(as_text=True)
    reason = "Bài kiểm tra cuối khóa chỉ mở khi anh/chị đã học xong tất cả các bài: còn 1 bài."
    assert reason in overview and 'action="/courses/GATE01/quiz/start"' not in overview
    response = signed_in.post("/courses/GATE01/quiz/start")  # posted anyway: refused
    assert response.headers["Location"] == "/courses/GATE01/quiz"
    assert reason in signed_in.get(response.headers["Location"]).get_data(as_text=True)
    assert db.scalar(sa.select(sa.func.count()).select_from(Attempt)) == 0
    done(signed_in, "GATE01", 2)
    assert "Bài kiểm tra mở khi" not in signed_in.get("/courses/GATE01").get_data(as_text=True)
    overview = signed_in.get("/courses/GATE01/quiz").get_data(as_text=True)
    assert reason not in overview and 'action="/courses/GATE01/quiz/start"' in overview
    response = signed_in.post("/courses/GATE01/quiz/start")
    assert "/attempts/" in response.headers["Location"]
    assert db.scalar(sa.select(sa.func.count()).select_from(Attempt)) == 1


@pytest.mark.parametrize("app_config", [{"LMS_QUIZ_REQUIRES_LESSONS": True}])
def test_a_pack_can_open_its_quiz_before_the_lessons(signed_in, import_course, db):
    import_course("GATE02", lessons=2, quiz=True, card={"quiz_requires_lessons": False})
    signed_in.post("/courses/GATE02/enrol")
    assert "Bài kiểm tra mở khi" not in signed_in.get("/courses/GATE02").get_data(as_text=True)
    response = signed_in.post("/courses/GATE02/quiz/start")
    assert "/attempts/" in response.headers["Location"]
    assert db.scalar(sa.select(Course.quiz_requires_lessons).where(Course.code == "GATE02")) is False


@pytest.mark.parametrize("app_config", [{"LMS_QUIZ_REQUIRES_LESSONS": False}])
def test_a_pack_can_close_its_quiz_when_the_site_does_not(signed_in, import_course, db):
    import_course("GATE03", lessons=1, quiz=True, card={"quiz_requires_lessons": True})
    import_course("GATE04", lessons=1, quiz=True)  # follows the site: open
    for code in ("GATE03", "GATE04"):
        signed_in.post(f"/courses/{code}/enrol")
    assert signed_in.post("/courses/GATE03/quiz/start").headers["Location"] == "/courses/GATE03/quiz"
    assert "/attempts/" in signed_in.post("/courses/GATE04/quiz/start").headers["Location"]
    assert db.scalar(sa.select(sa.func.count()).select_from(Attempt)) == 1


def test_why_cannot_start_names_the_lessons_left(app, app_context, import_course, learner):
    from quizzes import operations as quiz_operations
    from quizzes.queries import quiz_of_course

    course = import_course("GATE05", lessons=3, quiz=True)
    with app_context(), app.test_request_context():
        operations.enrol(learner, course)
        quiz = quiz_of_course(course.id)
        reason = quiz_operations.why_cannot_start(quiz, learner.id, utcnow())
        with pytest.raises(quiz_operations.QuizError):
            quiz_operations.start_attempt(quiz, learner.id)
    assert reason.endswith("còn 3 bài.")


# --- the migration keeps what was done ----------------------------------------------------

def test_migration_keeps_done_lessons_done(app, empty_database):
    """Rows written before learning time was measured (every row meant "done") are still
    done after the upgrade, with their date kept and no time invented."""
    from flask import g

    from courses import queries
    from lms.db import Database, UTCDateTime
    from lms.migrations_runner import upgrade

    engine = empty_database
    upgrade("0003", engine=engine)
    when = dt.datetime(2026, 11, 20, 8, 30, tzinfo=dt.UTC)
    stamp = sa.bindparam("when", when, type_=UTCDateTime())
    with engine.begin() as connection:
        run = connection.execute
        run(sa.text("INSERT INTO lms_learners (id, full_name, search_name, is_active, created_dt, updated_dt) "
                    "VALUES (1, 'Người Cũ', 'nguoi cu', true, :when, :when)").bindparams(stamp))
        run(sa.text("INSERT INTO lms_courses (id, code, version, topic, title_vi, title_en, summary_vi, "
                    "summary_en, periods, minutes, pass_mark, is_mandatory, competences, search_text, "
                    "is_published, pack_sha256, imported_dt) VALUES (1, 'OLD01', 1, 'cloud', 'Cũ', 'Old', "
                    "'Tóm tắt', 'Summary', 1, 16, 70, false, '{}', 'cu old', true, 'x', :when)").bindparams(stamp))
        for number in (1, 2):
            run(sa.text("INSERT INTO lms_lessons (id, course_id, number, slug, title_vi, title_en, minutes, "
                        "competences, source_vi, source_en, html_vi, html_en) VALUES "
                        f"({number}, 1, {number}, 'bai', 'Bài', 'Lesson', 8, '[]', 'x', 'x', 'x', 'x')"))
        run(sa.text("INSERT INTO lms_enrollments (id, learner_id, course_id, course_code, enrolled_dt, "
                    "lessons_done, last_activity_dt) VALUES (1, 1, 1, 'OLD01', :when, 1, :when)").bindparams(stamp))
        # No explicit id here: PostgreSQL's sequence must hand out the next ones.
        run(sa.text("INSERT INTO lms_lesson_progress (enrollment_id, lesson_id, done_dt) "
                    "VALUES (1, 1, :when)").bindparams(stamp))
    upgrade("head", engine=engine)
    database = Database(engine)
    with app.app_context():
        session = database.new_session(for_write=True)
        g._lms_session = session
        try:
            row = session.scalars(sa.select(LessonProgress)).one()
            assert (row.done_dt, row.first_opened_dt, row.last_seen_dt, row.active_seconds) == (
                when, when, when, 0)
            course = session.get(Course, 1)
            assert (course.min_lesson_share, course.quiz_requires_lessons) == (None, None)
            enrollment = session.get(Enrollment, 1)
            assert queries.progress(1, course, enrollment).done_lesson_ids == {1}
            # The old row goes on counting time, and the second lesson works as new.
            operations.record_lesson_visit(enrollment, course.lessons[0])
            operations.record_lesson_visit(enrollment, course.lessons[1])
            session.commit()
            assert queries.progress(1, course, enrollment).done_lesson_ids == {1}
            assert len(session.scalars(sa.select(LessonProgress)).all()) == 2
        finally:
            session.close()
            g.pop("_lms_session")
    database.dispose()
