"""Report queries, always scoped: an HR officer sees only the subtrees of their grants."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from courses.models import Course, CourseCompletion, Enrollment
from lms.accounts.models import Learner
from lms.auth.principal import Principal
from lms.db import get_session
from lms.i18n import strip_diacritics
from lms.pagination import Page, paginate
from lms.policy import learner_scope
from quizzes.models import Attempt, Quiz


def learners_in_scope(principal: Principal, text: str | None, page: int, page_size: int) -> Page:
    """Rows (learner, completions) of the learners visible to the principal;
    for an admin, learners without a unit too."""
    # Courses, not completion rows: a yearly course renewed twice is still one course.
    completions = (sa.select(CourseCompletion.learner_id,
                             sa.func.count(sa.distinct(CourseCompletion.course_code))
                             .label("completed"))
                   .group_by(CourseCompletion.learner_id).subquery())
    query = (sa.select(Learner, sa.func.coalesce(completions.c.completed, 0))
             .outerjoin(completions, completions.c.learner_id == Learner.id)
             .where(learner_scope(principal)))
    if text:
        needle = strip_diacritics(text)
        query = query.where(sa.or_(Learner.search_name.contains(needle, autoescape=True),
                                   sa.func.lower(Learner.staff_code).contains(needle, autoescape=True)))
    return paginate(query, page, page_size, order_by=(Learner.search_name, Learner.id),
                    options=(selectinload(Learner.org_unit),), rows=True)


def learning_record(learner_id: int):
    """Enrolments, completions and quiz attempts of one learner, newest first."""
    session = get_session()
    enrollments = session.scalars(
        sa.select(Enrollment).where(Enrollment.learner_id == learner_id)
        .options(selectinload(Enrollment.course)).order_by(Enrollment.enrolled_dt.desc())).all()
    completions = session.scalars(
        sa.select(CourseCompletion).where(CourseCompletion.learner_id == learner_id)
        .options(selectinload(CourseCompletion.course))
        .order_by(CourseCompletion.completed_dt.desc())).all()
    attempts = session.execute(
        sa.select(Attempt, Course).join(Quiz, Quiz.id == Attempt.quiz_id)
        .join(Course, Course.id == Quiz.course_id)
        .where(Attempt.learner_id == learner_id)
        .order_by(Attempt.started_dt.desc())).all()
    return enrollments, completions, attempts
