"""Read helpers for the catalog, course pages and a learner's progress."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app, url_for
from markupsafe import Markup

from courses.learning_time import TimeRules
from courses.models import Course, CourseCompletion, Enrollment, Lesson, LessonProgress, Topic
from courses.pack_operations import MEDIA_URL_MARKER
from lms.dates import start_of_day, today
from lms.db import get_session, once_per_read_request
from lms.i18n import strip_diacritics


def current_versions_query():
    """The newest published version of every course code."""
    newest = (sa.select(Course.code, sa.func.max(Course.version).label("version"))
              .where(Course.is_published.is_(True)).group_by(Course.code).subquery())
    return sa.select(Course).join(newest, sa.and_(Course.code == newest.c.code,
                                                  Course.version == newest.c.version))


def catalog(topic: Topic | None, text: str | None) -> list[Course]:
    query = current_versions_query()
    if topic is not None:
        query = query.where(Course.topic == topic)
    phrase = strip_diacritics(text or "")
    if phrase:
        # The phrase must start at a word: "an toan" finds "An toàn thông tin" but not
        # "điện toán" (whose letters also hold "an" and "toan").
        query = query.where((" " + Course.search_text).contains(" " + phrase, autoescape=True))
    courses = get_session().scalars(query.order_by(Course.is_mandatory.desc(), Course.title_vi)).all()
    if phrase:
        # Courses whose title holds the phrase come before those that only mention it.
        courses = sorted(courses, key=lambda course: phrase not in strip_diacritics(
            f"{course.title_vi} {course.title_en}"))
    return list(courses)


def _is_current(day: dt.date):
    """Completions that still count on ``day``: never expiring, or not expired yet."""
    return sa.or_(CourseCompletion.expires_on.is_(None), CourseCompletion.expires_on > day)


def latest_completion(learner_id: int, code: str) -> CourseCompletion | None:
    """The learner's completion of the newest cycle of a course code, current or not
    (once per page view: the course and result pages ask it from several places)."""
    def read() -> CourseCompletion | None:
        return get_session().scalar(
            sa.select(CourseCompletion).where(CourseCompletion.learner_id == learner_id,
                                              CourseCompletion.course_code == code)
            .order_by(CourseCompletion.cycle.desc()).limit(1))

    return once_per_read_request(("latest_completion", learner_id, code), read)


def current_cycle_start(learner_id: int, code: str) -> dt.datetime | None:
    """When the learner's current cycle of a recurring course began (the expiry of the
    last completion), or None while they are in their first cycle or still current.

    Quiz attempts of earlier cycles do not count toward this cycle's attempt limit.
    """
    previous = latest_completion(learner_id, code)
    if previous is None or previous.is_current_on(today()):
        return None
    return start_of_day(previous.expires_on)


def course_version_or_404(course_id: int) -> Course:
    """A course version by id, for authors' pages (drafts included; never a course taken
    elsewhere, which has no content to edit or publish)."""
    from flask import abort

    course = get_session().get(Course, course_id)
    if course is None or course.is_external:
        abort(404)
    return course


def current_course(code: str) -> Course | None:
    return get_session().scalar(current_versions_query().where(Course.code == code))


@dataclass
class Progress:
    """A learner's position in one course version."""

    enrollment: Enrollment | None
    done_lesson_ids: set[int]
    lesson_total: int
    #: The completion that counts today (None if never completed, or expired).
    completion: CourseCompletion | None
    #: The last completion when it has expired: the course is due again.
    expired_completion: CourseCompletion | None = None

    @property
    def lessons_done(self) -> int:
        return self.enrollment.lessons_done if self.enrollment else 0

    @property
    def percent(self) -> int:
        return round(100 * self.lessons_done / self.lesson_total) if self.lesson_total else 0


@dataclass
class CatalogEntry:
    """What the catalog shows of the learner's relation to one course."""

    lessons_done: int
    lesson_total: int
    is_enrolled: bool
    is_complete: bool


def catalog_progress(learner_id: int, courses: list[Course]) -> dict[str, CatalogEntry]:
    """Progress for every listed course in three queries, whatever their number."""
    session = get_session()
    codes = [course.code for course in courses]
    enrollments = {e.course_code: e for e in session.scalars(sa.select(Enrollment).where(
        Enrollment.learner_id == learner_id, Enrollment.course_code.in_(codes)))}
    completed = set(session.scalars(sa.select(CourseCompletion.course_code).where(
        CourseCompletion.learner_id == learner_id, CourseCompletion.course_code.in_(codes),
        _is_current(today()))))
    version_ids = {course.code: enrollments[course.code].course_id if course.code in enrollments
                   else course.id for course in courses}
    totals = dict(session.execute(sa.select(Lesson.course_id, sa.func.count())
                                  .where(Lesson.course_id.in_(set(version_ids.values())))
                                  .group_by(Lesson.course_id)).all())
    return {code: CatalogEntry(enrollments[code].lessons_done if code in enrollments else 0,
                               totals.get(version_id, 0), code in enrollments, code in completed)
            for code, version_id in version_ids.items()}


def enrollment_for(learner_id: int, code: str) -> Enrollment | None:
    return get_session().scalar(sa.select(Enrollment).where(
        Enrollment.learner_id == learner_id, Enrollment.course_code == code))


def progress(learner_id: int, course: Course, enrollment: Enrollment | None) -> Progress:
    session = get_session()
    done = set()
    if enrollment is not None:
        done = set(session.scalars(sa.select(LessonProgress.lesson_id)
                                   .where(LessonProgress.enrollment_id == enrollment.id,
                                          LessonProgress.done_dt.is_not(None))))
    latest = latest_completion(learner_id, course.code)
    if latest is not None and not latest.is_current_on(today()):
        return Progress(enrollment, done, len(course.lessons), None, expired_completion=latest)
    return Progress(enrollment, done, len(course.lessons), latest)


def next_lesson(course: Course, done_lesson_ids: set[int]) -> Lesson | None:
    """Where to continue: the first lesson not yet done."""
    return next((lesson for lesson in course.lessons if lesson.id not in done_lesson_ids), None)


def my_learning(learner_id: int) -> list[tuple[Enrollment, int, bool]]:
    """(enrolment, lesson total, completed) for each course the learner is enrolled in;
    "completed" means a completion that still counts today."""
    session = get_session()
    totals = (sa.select(Lesson.course_id, sa.func.count().label("total"))
              .group_by(Lesson.course_id).subquery())
    rows = session.execute(
        sa.select(Enrollment, totals.c.total, CourseCompletion.id)
        .join(totals, totals.c.course_id == Enrollment.course_id)
        .outerjoin(CourseCompletion, sa.and_(CourseCompletion.learner_id == Enrollment.learner_id,
                                             CourseCompletion.course_code == Enrollment.course_code,
                                             _is_current(today())))
        .where(Enrollment.learner_id == learner_id)
        .options(sa.orm.joinedload(Enrollment.course))
        .order_by(Enrollment.last_activity_dt.desc())).all()
    return [(enrollment, total, completion_id is not None) for enrollment, total, completion_id in rows]


def time_rules(course: Course) -> TimeRules:
    """The learning-time settings of a course version: the pack's own, else the site's."""
    config = current_app.config
    share = course.min_lesson_share
    if share is None:
        share = config["LMS_MIN_LESSON_SHARE"]
    return TimeRules(min_share=float(share), gap_factor=float(config["LMS_LESSON_GAP_FACTOR"]))


def quiz_requires_lessons(course: Course) -> bool:
    """Whether this version's final quiz waits until every lesson is done."""
    if course.quiz_requires_lessons is None:
        return bool(current_app.config["LMS_QUIZ_REQUIRES_LESSONS"])
    return course.quiz_requires_lessons


def lessons_left_before_quiz(course: Course, learner_id: int) -> int:
    """Lessons of this version the learner must still mark done before its final quiz
    opens: 0 when the course does not require them (or all are done)."""
    if not quiz_requires_lessons(course):
        return 0
    session = get_session()
    total = session.scalar(sa.select(sa.func.count()).select_from(Lesson)
                           .where(Lesson.course_id == course.id))
    done = session.scalar(sa.select(Enrollment.lessons_done).where(
        Enrollment.learner_id == learner_id, Enrollment.course_id == course.id)) or 0
    return max(total - done, 0)


def time_spent_by_course(learner_id: int) -> dict[str, int]:
    """Seconds credited to the learner's lessons, per course code (their enrolment's version)."""
    rows = get_session().execute(
        sa.select(Enrollment.course_code, sa.func.coalesce(sa.func.sum(LessonProgress.active_seconds), 0))
        .join(LessonProgress, LessonProgress.enrollment_id == Enrollment.id)
        .where(Enrollment.learner_id == learner_id)
        .group_by(Enrollment.course_code)).all()
    return {code: int(seconds) for code, seconds in rows}


def lesson_html(lesson: Lesson, locale: str) -> Markup:
    """The stored, sanitised HTML with media links pointing where the LMS is mounted."""
    base = url_for("lms.courses.media", course_id=lesson.course_id, path="X")[:-1]
    # Safe: the HTML was sanitised at import; only the marker is replaced.
    return Markup(lesson.html(locale).replace(MEDIA_URL_MARKER, base))
