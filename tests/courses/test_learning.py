"""Enrolment, lesson progress and completion: repeat-safe and once only."""
import threading

import pytest
import sqlalchemy as sa

from courses import operations
from courses.models import CourseCompletion, Enrollment, LessonProgress
from lms import signals
from tests.conftest import delete_with_dependents
from tests.home_page import mandatory_parts


@pytest.fixture
def learner(create_learner, create_unit):
    return create_learner("Lò Thị Hoa", username="hoa", unit=create_unit())


@pytest.fixture
def signed_in(client, learner, login):
    login("hoa")
    return client


def test_catalog_search_ignores_diacritics_and_case(signed_in, create_course):
    create_course(code="CYBERX", title_vi="An toàn thông tin cho cán bộ", title_en="Cybersecurity")
    create_course(code="CLOUDX", title_vi="Điện toán đám mây", title_en="Cloud", topic="cloud")
    for query in ("an toan", "AN TOÀN", "An toàn thông"):
        page = signed_in.get("/courses", query_string={"q": query}).get_data(as_text=True)
        assert "/courses/CYBERX" in page and "/courses/CLOUDX" not in page, query
    page = signed_in.get("/courses", query_string={"topic": "cloud"}).get_data(as_text=True)
    assert "/courses/CLOUDX" in page and "/courses/CYBERX" not in page


def test_drafts_are_not_in_the_catalog(signed_in, create_course):
    create_course(code="DRAFT1", publish=False)
    assert "/courses/DRAFT1" not in signed_in.get("/courses").get_data(as_text=True)
    assert signed_in.get("/courses/DRAFT1").status_code == 404


def test_read_a_course_from_start_to_end(signed_in, create_course, db, learner):
    course = create_course(code="READ01", lessons=3)
    page = signed_in.get("/courses/READ01").get_data(as_text=True)
    assert "Bài học số 1" in page and "<progress" not in page
    response = signed_in.post("/courses/READ01/enrol")
    assert response.headers["Location"] == "/courses/READ01/lessons/1"
    lesson_page = signed_in.get("/courses/READ01/lessons/1")
    assert len(lesson_page.data) < 60 * 1024
    assert 'value="0"' in lesson_page.get_data(as_text=True)
    for number in (1, 2, 3):
        response = signed_in.post(f"/courses/READ01/lessons/{number}/done")
        expected = f"/courses/READ01/lessons/{number + 1}" if number < 3 else "/courses/READ01"
        assert response.headers["Location"] == expected
    page = signed_in.get("/courses/READ01").get_data(as_text=True)
    assert 'max="3" value="3"' in page
    completions = db.scalars(sa.select(CourseCompletion)).all()
    assert [(c.learner_id, c.course_id, c.score_percent) for c in completions] == [
        (learner.id, course.id, None)]


def test_continue_where_you_left_off(signed_in, create_course):
    create_course(code="CONT01", lessons=3)
    signed_in.post("/courses/CONT01/enrol")
    signed_in.post("/courses/CONT01/lessons/1/done")
    page = signed_in.get("/courses/CONT01").get_data(as_text=True)
    assert 'href="/courses/CONT01/lessons/2">' in page.split("lms-button")[1]
    my_page = signed_in.get("/my-learning").get_data(as_text=True)
    assert 'max="3" value="1"' in my_page


def test_progress_survives_a_new_session(app, signed_in, create_course):
    create_course(code="KEEP01", lessons=2)
    signed_in.post("/courses/KEEP01/enrol")
    signed_in.post("/courses/KEEP01/lessons/1/done")
    other_device = app.test_client()
    other_device.post("/auth/login", data={"username": "hoa", "password": "correct horse battery"})
    assert 'max="2" value="1"' in other_device.get("/my-learning").get_data(as_text=True)


def test_lesson_needs_enrolment(signed_in, create_course):
    create_course(code="NEED01")
    response = signed_in.get("/courses/NEED01/lessons/1")
    assert response.headers["Location"] == "/courses/NEED01"
    assert signed_in.post("/courses/NEED01/lessons/1/done").status_code == 404


def test_double_clicks_count_once(signed_in, create_course, db):
    create_course(code="TWICE1", lessons=2)
    for _ in range(2):
        signed_in.post("/courses/TWICE1/enrol")
        signed_in.post("/courses/TWICE1/lessons/1/done")
    enrollment = db.scalars(sa.select(Enrollment).where(Enrollment.course_code == "TWICE1")).one()
    assert enrollment.lessons_done == 1
    assert db.scalar(sa.select(sa.func.count()).select_from(LessonProgress)) == 1


def test_a_course_with_a_quiz_is_not_complete_on_lessons_alone(app, app_context, learner,
                                                                create_course, db):
    course = create_course(code="QUIZ01", lessons=1, quiz=True)
    received = []
    def on_completed(sender, **kwargs):
        received.append(kwargs)

    with app_context(), signals.course_completed.connected_to(on_completed, sender=app):
        enrollment = operations.enrol(learner, course)
        operations.mark_lesson_done(enrollment, course.lessons[0], learner)
        assert db.scalars(sa.select(CourseCompletion)).all() == []
        # A passed attempt meets the final-quiz requirement (registered by quizzes):
        # now the course is complete, once, with the best score.
        from quizzes.models import Attempt, AttemptState, Quiz

        quiz = db.scalars(sa.select(Quiz).where(Quiz.course_id == course.id)).one()
        db.add(Attempt(quiz_id=quiz.id, learner_id=learner.id, number=1, question_ids=[],
                       state=AttemptState.SUBMITTED, open_marker=None, score=0.9, passed=True))
        db.flush()
        first = operations.complete_course_if_done(enrollment, learner)
        again = operations.complete_course_if_done(enrollment, learner)
    assert first is not None and again is None
    assert [kw["completion"].score_percent for kw in received] == [90.0]


def test_completion_is_unique_in_the_database(db, learner, create_course):
    course = create_course(code="UNIQ01")
    for _ in range(2):  # the same cycle twice
        db.add(CourseCompletion(learner_id=learner.id, course_code=course.code, course_id=course.id,
                                cycle=1, course_version=1, periods=1, title_vi="x", title_en="x"))
    with pytest.raises(sa.exc.IntegrityError):
        db.flush()


def test_concurrent_completions_record_one(app, engine, tmp_path, commits_for_real):
    """Two workers complete the same course at the same moment: one row, one signal."""
    from flask import g

    from courses.pack_operations import import_pack
    from courses.pack_validation import validate_pack
    from lms.accounts import operations as accounts
    from lms.db import Database
    from tests.conftest import pack_files

    database = Database(engine)
    with app.app_context():
        session = database.new_session(for_write=True)
        g._lms_session = session
        pack, _errors = validate_pack(pack_files(code="RACE01", lessons=1), app.extensions["lms"].pack_parts)
        course = import_pack(pack, publish=True).course
        person = accounts.create_learner(full_name="Người Đua", staff_code="RACE-1")
        enrollment = operations.enrol(person, course)
        session.flush()
        session.execute(sa.update(Enrollment).where(Enrollment.id == enrollment.id).values(lessons_done=1))
        session.commit()
        ids = (person.id, enrollment.id, course.id)
        session.close()
        g.pop("_lms_session")
    results, errors, signals_sent = [], [], []
    barrier = threading.Barrier(2)

    def on_completed(sender, **kwargs):
        signals_sent.append(kwargs["completion"].learner_id)

    signals.course_completed.connect(on_completed, sender=app)

    def worker():
        from lms.accounts.models import Learner

        with app.app_context():
            session = database.new_session(for_write=True)
            g._lms_session = session
            try:
                # Both start together; on SQLite the first BEGIN IMMEDIATE makes the other wait.
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
    signals.course_completed.disconnect(on_completed, sender=app)
    with database.write_session() as session:
        rows = session.scalars(sa.select(CourseCompletion).where(CourseCompletion.course_code == "RACE01")).all()
        count = len(rows)
        # Clean up: this test commits for real.
        delete_with_dependents(session, CourseCompletion, CourseCompletion.course_code == "RACE01")
        session.execute(sa.delete(Enrollment).where(Enrollment.course_code == "RACE01"))
        from courses.models import Course
        from lms.accounts.models import Learner

        session.execute(sa.delete(Course).where(Course.code == "RACE01"))
        session.execute(sa.delete(Learner).where(Learner.staff_code == "RACE-1"))
        session.commit()
    assert errors == []
    assert count == 1
    assert sum(result is not None for result in results) == 1
    assert signals_sent == [ids[0]]


def test_media_is_cached_and_revalidated(signed_in, create_course):
    course = create_course(code="MEDIA1")
    url = f"/course-media/{course.id}/media/pic.png"
    response = signed_in.get(url)
    assert response.status_code == 200 and response.mimetype == "image/png"
    assert "max-age=31536000" in response.headers["Cache-Control"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    again = signed_in.get(url, headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304
    assert signed_in.get(f"/course-media/{course.id}/media/none.png").status_code == 404


def count_queries(app, client, url):
    """Statements run while serving ``url`` (savepoints of the test fixture excluded)."""
    statements = []

    def remember(conn, cursor, statement, *args):
        statements.append(statement)

    engine = app.extensions["lms"].database.engine
    sa.event.listen(engine, "before_cursor_execute", remember)
    try:
        assert client.get(url).status_code == 200
    finally:
        sa.event.remove(engine, "before_cursor_execute", remember)
    return len([s for s in statements if not s.startswith(("SAVEPOINT", "RELEASE", "ROLLBACK TO"))])


def test_catalog_queries_do_not_grow_with_courses(app, signed_in, create_course):
    """No N+1: the catalog costs the same number of queries for 1 course or 4."""
    create_course(code="NPLUS1")
    signed_in.post("/courses/NPLUS1/enrol")
    one = count_queries(app, signed_in, "/courses")
    for code in ("NPLUS2", "NPLUS3", "NPLUS4"):
        create_course(code=code)
        signed_in.post(f"/courses/{code}/enrol")
    assert count_queries(app, signed_in, "/courses") == one
    assert one <= 8  # principal, roles, catalog, enrolments, completions, lesson counts …


def test_home_shows_open_mandatory_courses_and_progress(app, app_context, signed_in, create_course, db):
    import yaml

    from courses.pack_operations import import_pack
    from courses.pack_validation import validate_pack
    from tests.conftest import pack_files

    files = pack_files(code="MUST01", lessons=1, title_vi="Khóa bắt buộc")
    course = yaml.safe_load(files["course.yaml"])
    course["mandatory"] = True
    files["course.yaml"] = yaml.safe_dump(course, allow_unicode=True).encode()
    with app_context():
        pack, errors = validate_pack(files, app.extensions["lms"].pack_parts)
        import_pack(pack, publish=True)
        db.commit()
    create_course(code="OPT01", lessons=2, title_vi="Khóa tự chọn")
    signed_in.post("/courses/OPT01/enrol")
    page = signed_in.get("/").get_data(as_text=True)
    assert "Khóa bắt buộc" in page and "Đã học 0/2 bài" in page
    signed_in.post("/courses/MUST01/enrol")
    signed_in.post("/courses/MUST01/lessons/1/done")  # no quiz: complete
    open_part, done_part = mandatory_parts(signed_in.get("/").get_data(as_text=True))
    assert "Khóa bắt buộc" not in open_part and "Khóa bắt buộc" in done_part  # moved, not gone
