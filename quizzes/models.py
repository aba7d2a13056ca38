"""Quizzes, their question pools, attempts and saved responses."""
from __future__ import annotations

import datetime as dt
import enum
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.db import Base, enum_column, utcnow

if TYPE_CHECKING:
    from courses.models import Course


class Quiz(Base):
    """The final quiz of one course version."""

    __tablename__ = "lms_quizzes"

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(
        sa.ForeignKey("lms_courses.id", ondelete="CASCADE"), unique=True)
    #: questions_per_attempt, shuffle_*, time_limit_minutes, max_attempts, wait_minutes,
    #: review, multiple_scoring (docs/content-packs.md).
    settings: Mapped[dict] = mapped_column(default=dict)

    questions: Mapped[list[Question]] = relationship(
        back_populates="quiz", order_by="Question.number", cascade="all, delete-orphan")
    course: Mapped[Course] = relationship("Course")


class Question(Base):
    __tablename__ = "lms_questions"
    __table_args__ = (sa.UniqueConstraint("quiz_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    quiz_id: Mapped[int] = mapped_column(sa.ForeignKey("lms_quizzes.id", ondelete="CASCADE"),
                                         index=True)
    #: The question's id in the pack (stable across imports of the same version).
    key: Mapped[str] = mapped_column(sa.String(80))
    number: Mapped[int]
    #: A name in the app's question-type registry.
    type: Mapped[str] = mapped_column(sa.String(40))
    text: Mapped[dict] = mapped_column(default=dict)
    #: Type-specific data, answer key included: never sent to a learner before grading.
    payload: Mapped[dict] = mapped_column(default=dict)
    explanation: Mapped[dict] = mapped_column(default=dict)
    tags: Mapped[list] = mapped_column(sa.JSON, default=list)

    quiz: Mapped[Quiz] = relationship(back_populates="questions")


class AttemptState(enum.StrEnum):
    IN_PROGRESS = "in_progress"
    SUBMITTED = "submitted"


class Attempt(Base):
    """One learner's attempt at a quiz, owned by the server: the drawn questions, their
    choice order and the deadline are fixed when it starts.

    ``open_marker`` is 1 while the attempt is in progress and NULL afterwards; with the
    unique constraint on (quiz, learner, open_marker) the database itself allows at most
    one attempt in progress per learner and quiz (NULLs never collide), whatever the
    number of tabs, devices or workers starting one at the same moment.
    """

    __tablename__ = "lms_attempts"
    __table_args__ = (
        sa.UniqueConstraint("quiz_id", "learner_id", "number"),
        sa.UniqueConstraint("quiz_id", "learner_id", "open_marker"),
        sa.CheckConstraint("open_marker = 1", name="open_marker_is_one_or_null"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    quiz_id: Mapped[int] = mapped_column(sa.ForeignKey("lms_quizzes.id", ondelete="CASCADE"),
                                         index=True)
    #: RESTRICT: a learner with records is deactivated, never deleted.
    learner_id: Mapped[int] = mapped_column(sa.ForeignKey("lms_learners.id", ondelete="RESTRICT"),
                                            index=True)
    #: 1 for the learner's first attempt at this quiz, 2 for the second …
    number: Mapped[int]
    state: Mapped[AttemptState] = mapped_column(enum_column(AttemptState), default=AttemptState.IN_PROGRESS)
    open_marker: Mapped[int | None] = mapped_column(default=1)
    started_dt: Mapped[dt.datetime] = mapped_column(default=utcnow)
    #: None when the quiz has no time limit; enforced on the server (with a small grace).
    deadline_dt: Mapped[dt.datetime | None]
    submitted_dt: Mapped[dt.datetime | None]
    #: Question ids in the order shown, and each choice question's choice-id order.
    question_ids: Mapped[list] = mapped_column(sa.JSON)
    choice_orders: Mapped[dict] = mapped_column(default=dict)
    #: Score in [0, 1] and the pass decision, set once when graded.
    score: Mapped[float | None]
    passed: Mapped[bool | None]
    #: How the attempt ended: by the learner, or closed at its deadline.
    closed_by_deadline: Mapped[bool] = mapped_column(default=False)

    quiz: Mapped[Quiz] = relationship()
    responses: Mapped[list[Response]] = relationship(back_populates="attempt",
                                                     cascade="all, delete-orphan")

    @property
    def score_percent(self) -> float | None:
        return None if self.score is None else round(self.score * 100, 1)


class Response(Base):
    """The learner's answer to one question of an attempt, saved as soon as given."""

    __tablename__ = "lms_responses"
    __table_args__ = (sa.UniqueConstraint("attempt_id", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(sa.ForeignKey("lms_attempts.id", ondelete="CASCADE"),
                                            index=True)
    question_id: Mapped[int] = mapped_column(sa.ForeignKey("lms_questions.id", ondelete="CASCADE"),
                                             index=True)
    answer: Mapped[dict] = mapped_column(default=dict)
    saved_dt: Mapped[dt.datetime] = mapped_column(default=utcnow)
    #: Set when the attempt is graded.
    score: Mapped[float | None]

    attempt: Mapped[Attempt] = relationship(back_populates="responses")
