"""The append-only audit-event table."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from lms.db import Base, utcnow


class AuditEvent(Base):
    """One security- or privacy-relevant event. Rows are never updated or deleted."""

    __tablename__ = "lms_audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_dt: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    #: Dotted action name, e.g. ``auth.login_failed``, ``admin.role_granted``.
    action: Mapped[str] = mapped_column(sa.String(60), index=True)
    actor_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("lms_learners.id", ondelete="SET NULL"), index=True
    )
    #: Who acted, as it read at the time (survives the actor's deletion or renaming).
    actor_label: Mapped[str | None] = mapped_column(sa.String(200))
    object_type: Mapped[str | None] = mapped_column(sa.String(40))
    object_id: Mapped[str | None] = mapped_column(sa.String(80))
    ip_address: Mapped[str | None] = mapped_column(sa.String(64))
    details: Mapped[dict] = mapped_column(default=dict)
