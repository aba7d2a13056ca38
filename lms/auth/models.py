"""Server-side sign-in sessions of standalone accounts.

The Flask session cookie carries a random token; the database keeps only its SHA-256, so
a copy of the table opens no session. Every request checks the row (lms.login_setup), so
a session ends everywhere at once, on every app server, when its row is ended.
"""
from __future__ import annotations

import datetime as dt
import enum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.accounts.models import User
from lms.db import Base, enum_column, utcnow


class EndReason(enum.StrEnum):
    """Why a session was ended (idle and expired sessions are recognised by their times
    and need no write)."""

    LOGOUT = "logout"
    ENDED_BY_USER = "ended_by_user"
    PASSWORD_CHANGED = "password_changed"
    PASSWORD_RESET = "password_reset"
    DEACTIVATED = "deactivated"


class UserSession(Base):
    __tablename__ = "lms_user_sessions"
    __table_args__ = (sa.Index("ix_lms_user_sessions_user_open", "user_id", "ended_dt"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Hex SHA-256 of the token in the cookie (the token itself is never stored).
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("lms_users.id", ondelete="CASCADE"))
    created_dt: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_seen_dt: Mapped[dt.datetime] = mapped_column(default=utcnow)
    ip_address: Mapped[str | None] = mapped_column(sa.String(45))
    #: "Chrome · Windows": enough for a person to recognise the device, nothing more.
    user_agent: Mapped[str | None] = mapped_column(sa.String(120))
    ended_dt: Mapped[dt.datetime | None]
    ended_reason: Mapped[EndReason | None] = mapped_column(enum_column(EndReason))

    user: Mapped[User] = relationship()
