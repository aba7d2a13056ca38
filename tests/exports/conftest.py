"""Fixtures of the exports tests: completions made through the real flow, and an org
tree with one HR officer per department."""
from __future__ import annotations

import csv
import io

import pytest


@pytest.fixture
def complete(app_context, db):
    """``complete(learner, course)``: enrol and do every lesson (a recorded completion)."""
    from courses import operations
    from courses.models import Course

    def do(learner, course):
        with app_context():
            course = db.get(Course, course.id)
            enrollment = operations.enrol(learner, course)
            for lesson in course.lessons:
                operations.mark_lesson_done(enrollment, lesson, learner)
            db.commit()

    return do


@pytest.fixture
def move(app_context, db):
    def do(learner, unit):
        from lms.accounts.models import Learner, MembershipSource
        from lms.accounts.operations import set_learner_unit

        with app_context():
            set_learner_unit(db.get(Learner, learner.id), unit, source=MembershipSource.ADMIN)
            db.commit()

    return do


@pytest.fixture
def tree(create_unit, create_learner, create_course, complete):
    """Province P with departments A and B; HR of A and of B; an admin; learners in each
    with completions of one or two courses."""
    from lms.accounts.models import Role

    province = create_unit("P", name_vi="Tỉnh Điện Biên")
    unit_a = create_unit("A", parent=province, name_vi="Phòng Văn hóa", name_en="Culture office")
    unit_a1 = create_unit("A1", parent=unit_a, name_vi="Tổ Di sản")
    unit_b = create_unit("B", parent=province, name_vi="Bảo tàng tỉnh")
    course_1 = create_course(code="ATTT01", lessons=1, title_vi="An toàn thông tin")
    course_2 = create_course(code="AI01", lessons=1, topic="ai", title_vi="Trí tuệ nhân tạo")
    people = {
        "hr_a": create_learner("Cán Bộ A", username="hr-a", roles=[Role.HR], hr_unit=unit_a),
        "hr_b": create_learner("Cán Bộ B", username="hr-b", roles=[Role.HR], hr_unit=unit_b),
        "admin": create_learner("Quản Trị", username="admin", roles=[Role.ADMIN]),
        "learner": create_learner("Học Viên", username="learner", unit=unit_a),
        "an": create_learner("Nguyễn Văn An", unit=unit_a, staff_code="CB-001", category="cong_chuc"),
        "binh": create_learner("Trần Thị Bình", unit=unit_a1, staff_code="CB-002",
                               category="vien_chuc"),
        "anh": create_learner("Lê Ánh", unit=unit_a, staff_code="CB-003", category="cong_chuc"),
        "cuong": create_learner("=HYPERLINK(1) Cường", unit=unit_b, staff_code="CB-004"),
    }
    for key in ("an", "binh", "anh", "cuong"):
        complete(people[key], course_1)
    complete(people["an"], course_2)
    return {"units": {"P": province, "A": unit_a, "A1": unit_a1, "B": unit_b},
            "courses": (course_1, course_2), "people": people}


def read_csv(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
