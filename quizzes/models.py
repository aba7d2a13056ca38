"""Quizzes and their question pools (attempts come with the quiz engine)."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.db import Base


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
