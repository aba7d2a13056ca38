"""Helpers of the HR list tests (tests/test_hr_lists.py), used by tests/test_home_pages.py
too: sign in as someone, enrol or complete them by hand, read the names a list shows."""
from __future__ import annotations

import re

from courses.models import CourseCompletion, Enrollment
from lms.db import utcnow
from tests.conftest import PASSWORD


def sign_in(app, username: str):
    client = app.test_client()
    response = client.post("/auth/login", data={"username": username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def enrol(db, person, course, lessons_done=0):
    db.add(Enrollment(learner_id=person.id, course_id=course.id, course_code=course.code,
                      lessons_done=lessons_done))
    db.commit()


def complete(db, person, course, when=None, *, enrolled=True):
    if enrolled:
        enrol(db, person, course, lessons_done=len(course.lessons))
    db.add(CourseCompletion(learner_id=person.id, course_code=course.code, course_id=course.id,
                            course_version=course.version, periods=course.periods,
                            title_vi=course.title_vi, title_en=course.title_en,
                            completed_dt=when or utcnow()))
    db.commit()


def names_listed(html: str) -> list[str]:
    """The people of the list, in the order shown."""
    people = html.split('id="lms-people-heading"', 1)[1] if 'id="lms-people-heading"' in html else ""
    return re.findall(r'/reports/learners/\d+">([^<]+)</a>', people)
