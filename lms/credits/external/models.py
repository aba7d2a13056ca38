"""External completions: a course taken outside the LMS, its evidence, and HR's decision.

A submission is ``pending`` until HR of the learner's unit verifies or rejects it; both
decisions are final (``lms.credits.external.operations``: a conditional UPDATE from
``pending``, so a double click or two HR tabs decide once). A verified one becomes a
``CourseCompletion`` through the completion requirements (``requirement.py``) and names
it here; the completion is unique, so one submission never makes two.
"""
from __future__ import annotations

import datetime as dt
import enum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.accounts.models import Learner
from lms.db import Base, enum_column, utcnow


class ExternalStatus(enum.StrEnum):
    PENDING = "pending"
    VERIFIED = "verified"
    REJECTED = "rejected"


class ExternalCompletion(Base):
    """One submitted external completion, by the learner or by HR for them."""

    __tablename__ = "lms_external_completions"
    __table_args__ = (
        sa.CheckConstraint("periods > 0", name="periods_positive"),
        sa.CheckConstraint("status = 'pending' OR (decided_by_id IS NOT NULL AND decided_dt IS NOT NULL)",
                           name="decision_names_who_and_when"),
        sa.CheckConstraint("status <> 'rejected' OR reject_reason IS NOT NULL",
                           name="rejection_has_a_reason"),
        sa.CheckConstraint("completion_id IS NULL OR status = 'verified'",
                           name="only_verified_completes"),
        sa.UniqueConstraint("completion_id"),
        sa.Index("ix_lms_external_completions_status_submitted", "status", "submitted_dt"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: RESTRICT: a learner with records is deactivated, never deleted.
    learner_id: Mapped[int] = mapped_column(
        sa.ForeignKey("lms_learners.id", ondelete="RESTRICT"), index=True)
    #: The learner themself, or the HR officer who entered it for them.
    submitted_by_id: Mapped[int] = mapped_column(
        sa.ForeignKey("lms_learners.id", ondelete="RESTRICT"))
    submitted_dt: Mapped[dt.datetime] = mapped_column(default=utcnow)
    #: A listed course's code (providers.yaml) or "other".
    source_code: Mapped[str] = mapped_column(sa.String(32))
    #: The provider's name as it read when submitted (the listed one's, or typed for "other").
    provider_name: Mapped[str] = mapped_column(sa.String(200))
    #: The course title as on the evidence.
    course_title: Mapped[str] = mapped_column(sa.String(300))
    #: Số tiết claimed (bounded per course by providers.yaml).
    periods: Mapped[int]
    completed_on: Mapped[dt.date]
    status: Mapped[ExternalStatus] = mapped_column(
        enum_column(ExternalStatus), default=ExternalStatus.PENDING)
    # --- the evidence: kept in the database so every app server can serve it ---
    #: The uploaded file's name, for people to read only (never a path, never its type).
    evidence_name: Mapped[str] = mapped_column(sa.String(200))
    #: Detected from the content (evidence.py), served back as this.
    evidence_type: Mapped[str] = mapped_column(sa.String(40))
    evidence_size: Mapped[int]
    evidence_sha256: Mapped[str] = mapped_column(sa.String(64))
    evidence_data: Mapped[bytes] = mapped_column(sa.LargeBinary, deferred=True)
    # --- the decision ---
    decided_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("lms_learners.id", ondelete="RESTRICT"))
    decided_dt: Mapped[dt.datetime | None]
    reject_reason: Mapped[str | None] = mapped_column(sa.String(500))
    #: The catalogue course it became (set on verification).
    course_code: Mapped[str | None] = mapped_column(sa.String(32))
    completion_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("lms_course_completions.id", ondelete="RESTRICT"))

    learner: Mapped[Learner] = relationship(foreign_keys=[learner_id])
    submitted_by: Mapped[Learner] = relationship(foreign_keys=[submitted_by_id])
    decided_by: Mapped[Learner | None] = relationship(foreign_keys=[decided_by_id])

    @property
    def is_pending(self) -> bool:
        return self.status == ExternalStatus.PENDING
