"""The outbox table: work to do after a transaction commits."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from lms.db import Base, utcnow


class OutboxMessage(Base):
    """One task for the worker, written in the transaction that made it necessary.

    Delivery is at least once: ``claimed_until`` is a lease taken by the worker that
    runs it, so two deliveries of one message (a sweep racing the first hand-over) never
    run at the same time, and ``done_dt`` makes a later delivery a no-op.
    """

    __tablename__ = "lms_outbox"
    __table_args__ = (sa.Index("ix_lms_outbox_pending", "done_dt", "created_dt"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: A name in the app's task registry, e.g. ``certificates.render_pdf``.
    task: Mapped[str] = mapped_column(sa.String(80))
    #: Keyword arguments of the task: JSON only (ids, codes), never ORM objects.
    payload: Mapped[dict] = mapped_column(default=dict)
    created_dt: Mapped[dt.datetime] = mapped_column(default=utcnow)
    claimed_until: Mapped[dt.datetime | None]
    attempts: Mapped[int] = mapped_column(default=0)
    done_dt: Mapped[dt.datetime | None]
    #: The last failure, for the operator (the queue retries).
    last_error: Mapped[str | None] = mapped_column(sa.String(500))
