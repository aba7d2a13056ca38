"""Certificates, their per-year serial counters and the PDF files rendered for them."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.db import Base, utcnow


class SerialCounter(Base):
    """The last sequence number given out in one year.

    Serials move with ``UPDATE … SET last_seq = last_seq + 1`` inside the transaction that
    creates the certificate: the row stays locked until that transaction ends (PostgreSQL
    row lock; SQLite's BEGIN IMMEDIATE holds the whole database), so two completions can
    never take the same number, and a rolled-back transaction gives its number back: no
    gap, no duplicate.
    """

    __tablename__ = "lms_certificate_serial_counters"
    __table_args__ = (sa.CheckConstraint("last_seq >= 0", name="last_seq_not_negative"),)

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last_seq: Mapped[int] = mapped_column(default=0)


class Certificate(Base):
    """A *Giấy chứng nhận hoàn thành khóa bồi dưỡng*, one per course completion.

    What is printed comes from the completion's snapshot and from the learner's name and
    birth date copied here at issue: a later change of name, unit or course never
    changes a certificate already issued (a correction is a revocation and a new one).
    """

    __tablename__ = "lms_certificates"
    __table_args__ = (
        sa.UniqueConstraint("year", "seq"),
        sa.CheckConstraint("seq >= 1", name="seq_is_positive"),
        sa.CheckConstraint("(revoked_dt IS NULL) = (revoked_reason IS NULL)",
                           name="revocation_has_a_reason"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: RESTRICT: a completion with a certificate is history. Unique: one per completion.
    completion_id: Mapped[int] = mapped_column(
        sa.ForeignKey("lms_course_completions.id", ondelete="RESTRICT"), unique=True)
    learner_id: Mapped[int] = mapped_column(
        sa.ForeignKey("lms_learners.id", ondelete="RESTRICT"), index=True)
    #: Serial as printed ("00042/2026/GCN-SVHTTDL"), from ``LMS_CERTIFICATE_SERIAL_PATTERN``.
    serial: Mapped[str] = mapped_column(sa.String(80), unique=True)
    year: Mapped[int]
    seq: Mapped[int]
    #: Public verification code, stored without separators (see ``certificates.codes``).
    verification_code: Mapped[str] = mapped_column(sa.String(32), unique=True)
    issued_dt: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # --- printed at issue, besides the completion's snapshot ---
    full_name: Mapped[str] = mapped_column(sa.String(200))
    birth_date: Mapped[dt.date | None]
    # --- revocation ---
    revoked_dt: Mapped[dt.datetime | None]
    revoked_reason: Mapped[str | None] = mapped_column(sa.String(500))
    revoked_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("lms_learners.id", ondelete="SET NULL"))

    completion = relationship("CourseCompletion")
    learner = relationship("Learner", foreign_keys=[learner_id])
    files: Mapped[list[CertificateFile]] = relationship(
        back_populates="certificate", order_by="CertificateFile.id")

    @property
    def is_revoked(self) -> bool:
        return self.revoked_dt is not None


class CertificateFile(Base):
    """One rendering of a certificate's PDF, kept with its SHA-256.

    A certificate has at most one current file per language; a regeneration (new
    template version) marks the old one superseded and keeps its hash, so a holder of
    the older print can still be told it was genuine. The bytes live in the database
    (``content``) or, with ``LMS_CERTIFICATE_DIRECTORY``, in a shared directory under
    ``storage_name``; either way several app servers serve the same file.
    """

    __tablename__ = "lms_certificate_files"
    __table_args__ = (
        # One current file per certificate and language, whatever the parallel renders.
        sa.Index("uq_lms_certificate_files_current", "certificate_id", "locale", unique=True,
                 sqlite_where=sa.text("superseded_dt IS NULL"),
                 postgresql_where=sa.text("superseded_dt IS NULL")),
        sa.CheckConstraint("(content IS NULL) <> (storage_name IS NULL)",
                           name="stored_in_one_place"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    certificate_id: Mapped[int] = mapped_column(
        sa.ForeignKey("lms_certificates.id", ondelete="RESTRICT"), index=True)
    locale: Mapped[str] = mapped_column(sa.String(8))
    template_version: Mapped[int]
    sha256: Mapped[str] = mapped_column(sa.String(64), index=True)
    size: Mapped[int]
    content: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
    storage_name: Mapped[str | None] = mapped_column(sa.String(200))
    created_dt: Mapped[dt.datetime] = mapped_column(default=utcnow)
    superseded_dt: Mapped[dt.datetime | None]

    certificate: Mapped[Certificate] = relationship(back_populates="files")


class CertificateArchive(Base):
    """A ZIP of the certificates of one unit subtree and date range, asked for by HR and
    built by the worker when it is large (``LMS_CERTIFICATE_ZIP_QUEUE_THRESHOLD``).
    ``done`` moves with atomic SQL as the files are added: the page shows progress."""

    __tablename__ = "lms_certificate_archives"
    __table_args__ = (sa.CheckConstraint("done >= 0 AND done <= total", name="progress_in_range"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    requested_by_id: Mapped[int] = mapped_column(
        sa.ForeignKey("lms_learners.id", ondelete="RESTRICT"), index=True)
    #: The root of the subtree (completions counted under the unit of their day).
    org_unit_id: Mapped[int] = mapped_column(sa.ForeignKey("lms_org_units.id", ondelete="RESTRICT"))
    date_from: Mapped[dt.date]
    date_to: Mapped[dt.date]
    total: Mapped[int]
    done: Mapped[int] = mapped_column(default=0)
    content: Mapped[bytes | None] = mapped_column(sa.LargeBinary, deferred=True)
    created_dt: Mapped[dt.datetime] = mapped_column(default=utcnow)
    finished_dt: Mapped[dt.datetime | None]
