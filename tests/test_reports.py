"""HR reports: scoped to the officer's org-unit subtrees; attempts visible there."""
import pytest

from lms.accounts.models import Role


@pytest.fixture
def tree(create_unit):
    province = create_unit("P", name_vi="Tỉnh")
    department = create_unit("D", parent=province, name_vi="Sở")
    museum = create_unit("M", parent=department, name_vi="Bảo tàng")
    other = create_unit("O", parent=province, name_vi="Sở khác")
    return {"department": department, "museum": museum, "other": other}


@pytest.fixture
def hr_client(client, create_learner, login, tree):
    create_learner("Cán Bộ Tổ Chức", username="hr", unit=tree["department"],
                   roles=[Role.HR], hr_unit=tree["department"])
    login("hr")
    return client


def test_hr_sees_only_the_subtree(hr_client, create_learner, tree):
    inside = create_learner("Người Bảo Tàng", unit=tree["museum"])
    outside = create_learner("Người Sở Khác", unit=tree["other"])
    page = hr_client.get("/reports/learners").get_data(as_text=True)
    assert "Người Bảo Tàng" in page and "Người Sở Khác" not in page
    assert hr_client.get(f"/reports/learners/{inside.id}").status_code == 200
    assert hr_client.get(f"/reports/learners/{outside.id}").status_code == 404
    page = hr_client.get("/reports/learners", query_string={"q": "nguoi bao tang"}).get_data(as_text=True)
    assert "Người Bảo Tàng" in page


def test_attempts_of_a_learner_in_scope_are_shown(app, hr_client, create_learner, create_course,
                                                   app_context, db, tree):
    from courses import operations as course_operations
    from quizzes import operations as quiz_operations
    from quizzes.queries import quiz_of_course

    person = create_learner("Người Thi", unit=tree["museum"])
    course = create_course(code="REP01", quiz=True)
    with app_context():
        course_operations.enrol(person, course)
        attempt = quiz_operations.start_attempt(quiz_of_course(course.id), person.id)
        quiz_operations.save_answer(attempt, attempt.quiz.questions[0], {"value": True})
        quiz_operations.submit_attempt(attempt)
        db.commit()
    page = hr_client.get(f"/reports/learners/{person.id}").get_data(as_text=True)
    assert "An toàn thông tin thử nghiệm" in page
    assert "100\u00a0%" in page and "đạt" in page


def test_learner_and_author_cannot_open_reports(client, create_learner, login, tree):
    create_learner("Tác Giả", username="author", unit=tree["museum"], roles=[Role.AUTHOR])
    login("author")
    assert client.get("/reports/learners").status_code == 403


def test_the_record_shows_time_spent_per_course(hr_client, create_learner, create_course,
                                                app_context, db, tree):
    """The sum of the seconds credited to each course's lessons, in minutes, with the
    locale's digit grouping."""
    from courses import operations as course_operations
    from courses.models import CourseCompletion, LessonProgress
    from lms.db import utcnow

    person = create_learner("Người Chăm Học", unit=tree["museum"])
    seconds = {"TIME01": [900, 610], "TIME02": [75_000, 0], "TIME03": [20]}
    with app_context():
        for code, lesson_seconds in seconds.items():
            course = create_course(code=code, lessons=len(lesson_seconds), title_vi=f"Khóa {code}")
            enrollment = course_operations.enrol(person, course)
            for lesson, active in zip(course.lessons, lesson_seconds):
                db.add(LessonProgress(enrollment_id=enrollment.id, lesson_id=lesson.id,
                                      active_seconds=active, done_dt=utcnow()))
        db.add(CourseCompletion(learner_id=person.id, course_code="TIME01", course_id=course.id,
                                course_version=course.version, periods=course.periods,
                                title_vi=course.title_vi, title_en=course.title_en))
        db.commit()
    page = hr_client.get(f"/reports/learners/{person.id}").get_data(as_text=True)
    in_progress = page.split("Khóa học đang học")[1].split("Các lượt làm bài kiểm tra")[0]
    # TIME01 is completed: listed once, with its time (1,510 s), not again as in progress.
    assert "Khóa TIME01" not in in_progress
    assert "thời gian học các bài: 1.250 phút" in in_progress
    assert "thời gian học các bài: dưới 1 phút" in in_progress
    completed = page.split("Khóa học đã hoàn thành")[1].split("Khóa học đang học")[0]
    assert 'data-label="Thời gian học các bài">25 phút</td>' in completed
    hr_client.post("/language", data={"locale": "en", "next": "/"})
    page = hr_client.get(f"/reports/learners/{person.id}").get_data(as_text=True)
    assert "time spent on lessons: 1,250 minutes" in page
    assert 'data-label="Time spent on lessons">25 minutes</td>' in page
