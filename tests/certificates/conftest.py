"""Fixtures of the certificate tests: a learner with a Vietnamese name in a unit whose
name carries ễ ậ ư ơ đ, a course, and a helper that completes it (which issues the
certificate through ``course_completed``)."""
from __future__ import annotations

import datetime as dt

import pytest

LEARNER_NAME = "Nguyễn Thị Hường"
UNIT_NAME = "Phòng Quản lý Di sản văn hóa – Sở Văn hóa, Thể thao và Du lịch tỉnh Điện Biên"
COURSE_TITLE = "Chuyển đổi số: dữ liệu lớn, điện toán đám mây và an toàn thông tin cho công chức"


@pytest.fixture
def unit(create_unit):
    return create_unit("DSVH", name_vi=UNIT_NAME, name_en="Cultural Heritage Division")


@pytest.fixture
def learner(create_learner, unit):
    return create_learner(LEARNER_NAME, username="huong", unit=unit,
                          birth_date=dt.date(1990, 3, 7))


@pytest.fixture
def course(create_course):
    return create_course(code="CDS01", title_vi=COURSE_TITLE,
                         title_en="Digital transformation for civil servants")


@pytest.fixture
def complete(app_context, db):
    """``complete(learner, course)`` → the certificate issued for that completion."""
    from certificates.operations import certificate_of_completion
    from courses import operations
    from courses.queries import latest_completion

    def do(learner, course):
        with app_context():
            enrollment = operations.enrol(learner, course)
            for lesson in course.lessons:
                operations.mark_lesson_done(enrollment, lesson, learner)
            db.commit()
            completion = latest_completion(learner.id, course.code)
            return certificate_of_completion(completion.id)

    return do
