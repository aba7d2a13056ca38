"""Export records (the seal and the job), their stored files, and API tokens."""
from __future__ import annotations

import datetime as dt
import enum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from lms.db import Base, enum_column, utcnow


class ExportState(enum.StrEnum):
    #: Asked for, waiting for the worker (a job).
    QUEUED = "queued"
    #: Being produced: streamed to the client, or written by the worker.
    RUNNING = "running"
    #: Produced whole: ``row_count``, ``size_bytes`` and ``sha256`` describe the bytes.
    SEALED = "sealed"
    #: Stopped before the end (the client went away, the worker failed): no hash is
    #: recorded, so a partial file can never pass the check.
    INTERRUPTED = "interrupted"


class ExportRecord(Base):
    """One export asked for: who, when, what (dataset, filters, scope, format) and,
    once the last byte is produced, how many rows and the SHA-256 of the bytes.

    The row is committed with the audit event *before* the first byte leaves; the
    hash is a second, short write when the file is complete (it cannot be known
    earlier for a streamed file). Only sealed records count in the check.
    """

    __tablename__ = "lms_export_records"
    __table_args__ = (
        sa.CheckConstraint("row_count IS NULL OR row_count >= 0", name="row_count_not_negative"),
        sa.CheckConstraint("state <> 'sealed' OR sha256 IS NOT NULL", name="sealed_has_a_hash"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    created_dt: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("lms_learners.id", ondelete="SET NULL"), index=True)
    #: Who asked, as it read then (a CLI run or a schedule says so).
    actor_label: Mapped[str] = mapped_column(sa.String(200))
    #: ``web``, ``job``, ``cli``, ``schedule`` or ``api``.
    channel: Mapped[str] = mapped_column(sa.String(12))
    dataset: Mapped[str] = mapped_column(sa.String(40))
    file_format: Mapped[str] = mapped_column(sa.String(10))
    locale: Mapped[str] = mapped_column(sa.String(8))
    #: The filters asked for, as JSON (``lms.exports.filters.filters_to_json``).
    filters: Mapped[dict] = mapped_column(default=dict)
    #: The scope applied: {"everything": bool, "unit_paths": [...]}.
    scope: Mapped[dict] = mapped_column(default=dict)
    #: The count shown before it ran.
    rows_expected: Mapped[int | None]
    state: Mapped[ExportState] = mapped_column(enum_column(ExportState), default=ExportState.RUNNING)
    #: Rows produced so far (a job's progress); the final count once sealed.
    row_count: Mapped[int | None]
    size_bytes: Mapped[int | None] = mapped_column(sa.BigInteger)
    sha256: Mapped[str | None] = mapped_column(sa.String(64), index=True)
    finished_dt: Mapped[dt.datetime | None]
    #: A job's stored file: how long its download link works.
    expires_dt: Mapped[dt.datetime | None]
    #: Why a job failed, for the operator.
    error: Mapped[str | None] = mapped_column(sa.String(500))

    @property
    def is_sealed(self) -> bool:
        return self.state == ExportState.SEALED


class ExportFile(Base):
    """The bytes of a job's file, when files live in the database (the default: every
    app server reaches them). With ``LMS_EXPORT_DIRECTORY`` set, ``path`` names a file
    in that shared directory instead and ``data`` is empty."""

    __tablename__ = "lms_export_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int] = mapped_column(
        sa.ForeignKey("lms_export_records.id", ondelete="CASCADE"), unique=True)
    data: Mapped[bytes | None] = mapped_column(sa.LargeBinary, deferred=True)
    path: Mapped[str | None] = mapped_column(sa.String(300))


class ApiToken(Base):
    """A key of the read API, made by an admin for one unit's subtree (or everything).

    Only the SHA-256 of the secret is kept: a stolen database gives no usable token. The
    secret is shown once, at creation. Revoked tokens stay, for the audit trail.
    """

    __tablename__ = "lms_api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    #: The first characters of the secret, to recognise a token in lists and logs.
    prefix: Mapped[str] = mapped_column(sa.String(12))
    secret_sha256: Mapped[str] = mapped_column(sa.String(64), unique=True)
    #: None: every unit (an admin's token for the national platform).
    org_unit_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("lms_org_units.id", ondelete="RESTRICT"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("lms_learners.id", ondelete="SET NULL"))
    created_dt: Mapped[dt.datetime] = mapped_column(default=utcnow)
    revoked_dt: Mapped[dt.datetime | None]
    revoked_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("lms_learners.id", ondelete="SET NULL"))

    @property
    def is_revoked(self) -> bool:
        return self.revoked_dt is not None
