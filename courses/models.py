"""Courses (one row per version), lessons, media, enrolments, progress, completions."""
from __future__ import annotations

import datetime as dt
import enum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.db import Base, enum_column, utcnow
from lms.i18n import localized_attr


class Topic(enum.StrEnum):
    AI = "ai"
    BIG_DATA = "big-data"
    IOT = "iot"
    CLOUD = "cloud"
    CYBERSECURITY = "cybersecurity"
    E_GOVERNMENT = "e-government"  # online public services, VNeID, e-documents (DVC01)
    #: A course taken outside the LMS (a Bình dân học vụ số confirmation, a class at the
    #: provincial political school), recorded when HR verifies its evidence
    #: (lms.credits.external). Never a pack's topic: such a course has no lessons, is never
    #: published and issues no certificate of ours.
    EXTERNAL = "external"


class Course(Base):
    """One version of a course, as imported from a content pack.

    A new pack version is a new row; enrolments and completions point at the version
    they were made on, so a new version never rewrites anyone's record.
    """

    __tablename__ = "lms_courses"
    __table_args__ = (sa.UniqueConstraint("code", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(32), index=True)
    version: Mapped[int]
    topic: Mapped[Topic] = mapped_column(enum_column(Topic))
    title_vi: Mapped[str] = mapped_column(sa.String(300))
    title_en: Mapped[str] = mapped_column(sa.String(300))
    summary_vi: Mapped[str] = mapped_column(sa.Text)
    summary_en: Mapped[str] = mapped_column(sa.Text)
    #: Số tiết: 45-minute periods, the unit credits are counted in.
    periods: Mapped[int]
    minutes: Mapped[int]
    #: Percent of the final quiz needed to pass.
    pass_mark: Mapped[int]
    is_mandatory: Mapped[bool] = mapped_column(default=False)
    #: Months a completion of this version stays current (a yearly mandatory course
    #: says 12); None: it never expires. See docs/content-packs.md, "Recurring courses".
    valid_for_months: Mapped[int | None]
    #: Pack's own minimum share of a lesson's reading time before it can be marked done;
    #: None follows LMS_MIN_LESSON_SHARE (see courses.learning_time).
    min_lesson_share: Mapped[float | None]
    #: Whether the final quiz waits until every lesson is done; None follows
    #: LMS_QUIZ_REQUIRES_LESSONS.
    quiz_requires_lessons: Mapped[bool | None]
    #: {"digcomp": ["4.1", ...], "tt02": ["6.2", ...]}
    competences: Mapped[dict] = mapped_column(default=dict)
    #: Numbers of the legal documents the pack declares it cites (courses/legal_references.yaml).
    legal_references: Mapped[list] = mapped_column(sa.JSON, default=list)
    #: The date by which the pack's legal content must be checked again; the author pages
    #: mark the course "review due" after it, or when a cited document is replaced.
    review_by: Mapped[dt.date | None]
    #: Titles and summaries in both languages without diacritics, for search.
    search_text: Mapped[str] = mapped_column(sa.Text)
    is_published: Mapped[bool] = mapped_column(default=False)
    published_dt: Mapped[dt.datetime | None]
    #: Fingerprint of the pack's files: the same version imported twice is recognised.
    pack_sha256: Mapped[str] = mapped_column(sa.String(64))
    imported_dt: Mapped[dt.datetime] = mapped_column(default=utcnow)

    lessons: Mapped[list[Lesson]] = relationship(
        back_populates="course", order_by="Lesson.number", cascade="all, delete-orphan")

    def title(self, locale: str) -> str:
        return localized_attr(self, "title", locale)

    @property
    def is_external(self) -> bool:
        """A course taken elsewhere (``Topic.EXTERNAL``), not one of the LMS's packs."""
        return self.topic == Topic.EXTERNAL

    def summary(self, locale: str) -> str:
        return localized_attr(self, "summary", locale)


class Lesson(Base):
    __tablename__ = "lms_lessons"
    __table_args__ = (sa.UniqueConstraint("course_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(sa.ForeignKey("lms_courses.id", ondelete="CASCADE"),
                                           index=True)
    number: Mapped[int]
    slug: Mapped[str] = mapped_column(sa.String(80))
    title_vi: Mapped[str] = mapped_column(sa.String(300))
    title_en: Mapped[str] = mapped_column(sa.String(300))
    minutes: Mapped[int]
    competences: Mapped[list] = mapped_column(sa.JSON, default=list)
    # The four texts are deferred: lesson lists (course page, navigation) load only
    # titles; a lesson page loads its own body when it reads it.
    #: Markdown as written in the pack (kept for export).
    source_vi: Mapped[str] = mapped_column(sa.Text, deferred=True)
    source_en: Mapped[str] = mapped_column(sa.Text, deferred=True)
    #: Sanitised HTML rendered once at import; media links hold MEDIA_URL_MARKER.
    html_vi: Mapped[str] = mapped_column(sa.Text, deferred=True)
    html_en: Mapped[str] = mapped_column(sa.Text, deferred=True)

    course: Mapped[Course] = relationship(back_populates="lessons")

    def title(self, locale: str) -> str:
        return localized_attr(self, "title", locale)

    def html(self, locale: str) -> str:
        return localized_attr(self, "html", locale)


class CourseMedia(Base):
    """An image of a pack, kept in the database so every app server can serve it.

    Beside a pack's own files (``media/…``) are the phone-sized copies made at import,
    under ``<width>w/media/…`` (courses.image_variants), served by the same route.
    """

    __tablename__ = "lms_course_media"
    __table_args__ = (sa.UniqueConstraint("course_id", "path"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(sa.ForeignKey("lms_courses.id", ondelete="CASCADE"),
                                           index=True)
    #: Path inside the pack, e.g. ``media/phishing-mail.png``; a copy's ``360w/media/…``.
    path: Mapped[str] = mapped_column(sa.String(200))
    content_type: Mapped[str] = mapped_column(sa.String(40))
    sha256: Mapped[str] = mapped_column(sa.String(64))
    data: Mapped[bytes] = mapped_column(sa.LargeBinary)


class Enrollment(Base):
    """A learner taking a course. One per learner and course code: a learner stays on
    the version they enrolled in (see docs/content-packs.md, "New versions")."""

    __tablename__ = "lms_enrollments"
    __table_args__ = (sa.UniqueConstraint("learner_id", "course_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: RESTRICT: a learner with records is deactivated, never deleted.
    learner_id: Mapped[int] = mapped_column(
        sa.ForeignKey("lms_learners.id", ondelete="RESTRICT"), index=True)
    course_id: Mapped[int] = mapped_column(sa.ForeignKey("lms_courses.id", ondelete="RESTRICT"),
                                           index=True)
    course_code: Mapped[str] = mapped_column(sa.String(32))
    enrolled_dt: Mapped[dt.datetime] = mapped_column(default=utcnow)
    #: Lessons marked done, kept up to date with atomic SQL increments (no recounting on
    #: every page; no read-modify-write in Python, which loses updates under concurrency).
    lessons_done: Mapped[int] = mapped_column(default=0)
    #: The last request on one of its lessons (page or "done"), or the enrolment. Lesson
    #: time is credited only after it, so two lessons open side by side are never both
    #: credited for the same minutes (courses.learning_time).
    last_activity_dt: Mapped[dt.datetime] = mapped_column(default=utcnow)

    course: Mapped[Course] = relationship()


class LessonProgress(Base):
    """One learner's time on one lesson, from the first time they open it.

    The row is created when the lesson is first opened; ``done_dt`` is set when the
    learner marks it done (None until then). Time is measured by the server from
    requests, never reported by the browser (see courses.learning_time).
    """

    __tablename__ = "lms_lesson_progress"
    __table_args__ = (sa.UniqueConstraint("enrollment_id", "lesson_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    enrollment_id: Mapped[int] = mapped_column(
        sa.ForeignKey("lms_enrollments.id", ondelete="CASCADE"), index=True)
    lesson_id: Mapped[int] = mapped_column(sa.ForeignKey("lms_lessons.id", ondelete="CASCADE"),
                                           index=True)
    first_opened_dt: Mapped[dt.datetime] = mapped_column(default=utcnow)
    #: The last request on this lesson: the next one is credited from here (capped).
    last_seen_dt: Mapped[dt.datetime] = mapped_column(default=utcnow)
    #: Seconds credited to this lesson, moved only by ``active_seconds + n`` in SQL.
    active_seconds: Mapped[int] = mapped_column(default=0, server_default="0")
    done_dt: Mapped[dt.datetime | None]


class CourseCompletion(Base):
    """A course completed, as it was that day.

    At most one per learner, course code and cycle (a database rule, so two workers can
    never record one cycle twice). A course without expiry has only cycle 1; a recurring
    one (``Course.valid_for_months``) gets cycle 2 once cycle 1 has expired, and so on.

    The row keeps what credits, exports and certificates must show years later, whatever
    happens since: the learner's unit that day (id, code and names), the version with its
    periods and titles, and the score. Moving the person, renaming or merging the unit,
    or a new course version changes none of it.
    """

    __tablename__ = "lms_course_completions"
    __table_args__ = (sa.UniqueConstraint("learner_id", "course_code", "cycle"),
                      sa.CheckConstraint("cycle >= 1", name="cycle_is_positive"))

    id: Mapped[int] = mapped_column(primary_key=True)
    #: RESTRICT: a learner with records is deactivated, never deleted.
    learner_id: Mapped[int] = mapped_column(
        sa.ForeignKey("lms_learners.id", ondelete="RESTRICT"), index=True)
    course_code: Mapped[str] = mapped_column(sa.String(32), index=True)
    #: 1 for the first completion of this course code, 2 for the renewal after it
    #: expired, …
    cycle: Mapped[int] = mapped_column(default=1)
    #: The version it was earned on.
    course_id: Mapped[int] = mapped_column(sa.ForeignKey("lms_courses.id", ondelete="RESTRICT"),
                                           index=True)
    completed_dt: Mapped[dt.datetime] = mapped_column(default=utcnow)
    #: The first day it no longer counts as current (completion date + the version's
    #: ``valid_for_months``); None: it never expires.
    expires_on: Mapped[dt.date | None]
    #: Best final-quiz score in percent, None for a course without a quiz.
    score_percent: Mapped[float | None]
    # --- the snapshot of that day ---
    course_version: Mapped[int]
    #: Số tiết of that version.
    periods: Mapped[int]
    title_vi: Mapped[str] = mapped_column(sa.String(300))
    title_en: Mapped[str] = mapped_column(sa.String(300))
    #: The learner's unit on the completion date (None: they had none). RESTRICT: a unit
    #: named by a completion is history and is closed, never deleted.
    org_unit_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("lms_org_units.id", ondelete="RESTRICT"), index=True)
    org_unit_code: Mapped[str | None] = mapped_column(sa.String(32))
    org_unit_name_vi: Mapped[str | None] = mapped_column(sa.String(200))
    org_unit_name_en: Mapped[str | None] = mapped_column(sa.String(200))

    course: Mapped[Course] = relationship()

    def title(self, locale: str) -> str:
        return localized_attr(self, "title", locale)

    def is_current_on(self, day: dt.date) -> bool:
        """Whether it still counts on ``day`` (a recurring course's completion expires)."""
        return self.expires_on is None or day < self.expires_on
