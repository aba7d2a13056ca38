"""Org units, accounts, learner profiles and role grants."""
from __future__ import annotations

import datetime as dt
import enum

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from lms.db import Base, enum_column, utcnow
from lms.i18n import localized_attr


class LearnerCategory(enum.StrEnum):
    """Đối tượng: the four kinds of public staff in Vietnamese HR records."""

    CAN_BO = "can_bo"
    CONG_CHUC = "cong_chuc"
    VIEN_CHUC = "vien_chuc"
    NGUOI_LAO_DONG = "nguoi_lao_dong"


class Gender(enum.StrEnum):
    FEMALE = "female"
    MALE = "male"
    OTHER = "other"


class Role(enum.StrEnum):
    """Roles beyond the implicit learner role every active profile has."""

    AUTHOR = "author"
    HR = "hr"
    ADMIN = "admin"


class OrgUnit(Base):
    """A node of the province → department → division tree.

    ``path`` is the materialised chain of ids (``/1/4/9/``) so a subtree is one
    indexed prefix query; it is rewritten for a whole subtree when a unit moves.
    """

    __tablename__ = "lms_org_units"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(32), unique=True)
    name_vi: Mapped[str] = mapped_column(sa.String(200))
    name_en: Mapped[str] = mapped_column(sa.String(200))
    parent_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("lms_org_units.id", ondelete="RESTRICT"), index=True
    )
    path: Mapped[str] = mapped_column(sa.String(400), index=True)
    created_dt: Mapped[dt.datetime] = mapped_column(default=utcnow)
    #: The first day the unit no longer exists (closed or merged). A unit with history
    #: is closed, never deleted: completions and memberships of the past still name it.
    closed_on: Mapped[dt.date | None]
    #: The unit that took over this one's members when it was merged (None otherwise);
    #: host-profile sync follows it when a host still sends the old code.
    merged_into_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("lms_org_units.id", ondelete="RESTRICT"))

    parent: Mapped[OrgUnit | None] = relationship(remote_side=[id], foreign_keys=[parent_id])

    @property
    def is_closed(self) -> bool:
        return self.closed_on is not None

    @property
    def depth(self) -> int:
        return self.path.count("/") - 2

    def name(self, locale: str) -> str:
        return localized_attr(self, "name", locale)

    def __repr__(self) -> str:
        return f"<OrgUnit {self.code}>"


class MembershipSource(enum.StrEnum):
    """Which path changed a learner's unit (each is audited)."""

    #: Rows created by migration 0008 from the units learners had then.
    MIGRATION = "migration"
    #: Profile created, or edited by an admin (form or CLI).
    ADMIN = "admin"
    IMPORT = "import"
    #: The host application's profile said so (host mode).
    HOST_SYNC = "host_sync"
    MERGE = "merge"


class OrgUnitMembership(Base):
    """A learner belonged to a unit from ``valid_from`` (inclusive) to ``valid_to``
    (exclusive; None = still does).

    Rows are only ever closed and opened, never rewritten, by
    :func:`lms.accounts.operations.set_learner_unit`; ``Learner.org_unit_id`` is the cache
    of the open row. Two changes on one day leave a closed row with
    ``valid_from == valid_to``: it matches no date, but keeps the audit trail whole.
    """

    __tablename__ = "lms_org_unit_memberships"
    __table_args__ = (
        sa.CheckConstraint("valid_to IS NULL OR valid_to >= valid_from",
                           name="membership_ends_after_it_starts"),
        # At most one open row per learner, whatever the number of parallel writers.
        sa.Index("uq_lms_org_unit_memberships_open", "learner_id", unique=True,
                 sqlite_where=sa.text("valid_to IS NULL"),
                 postgresql_where=sa.text("valid_to IS NULL")),
        sa.Index("ix_lms_org_unit_memberships_unit_dates", "org_unit_id", "valid_from"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    learner_id: Mapped[int] = mapped_column(
        sa.ForeignKey("lms_learners.id", ondelete="CASCADE"), index=True)
    #: RESTRICT: a unit someone belonged to is history and cannot be deleted.
    org_unit_id: Mapped[int] = mapped_column(
        sa.ForeignKey("lms_org_units.id", ondelete="RESTRICT"))
    valid_from: Mapped[dt.date]
    valid_to: Mapped[dt.date | None]
    source: Mapped[MembershipSource] = mapped_column(enum_column(MembershipSource))
    #: Why, in the words of whoever changed it (e.g. the merge decision's reference).
    reason: Mapped[str | None] = mapped_column(sa.String(300))
    actor_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("lms_learners.id", ondelete="SET NULL"))
    recorded_dt: Mapped[dt.datetime] = mapped_column(default=utcnow)

    org_unit: Mapped[OrgUnit] = relationship()


class OrgUnitParentPeriod(Base):
    """Unit ``org_unit_id`` sat under ``parent_id`` (None = top level) from
    ``valid_from`` to ``valid_to`` (exclusive; None = still does): the dated tree, so a
    past subtree can be rebuilt (:func:`lms.accounts.queries.subtree_members_on`)."""

    __tablename__ = "lms_org_unit_parents"
    __table_args__ = (
        sa.CheckConstraint("valid_to IS NULL OR valid_to >= valid_from",
                           name="parent_period_ends_after_it_starts"),
        sa.Index("uq_lms_org_unit_parents_open", "org_unit_id", unique=True,
                 sqlite_where=sa.text("valid_to IS NULL"),
                 postgresql_where=sa.text("valid_to IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: CASCADE: a unit without history may still be deleted, with its own parent rows.
    org_unit_id: Mapped[int] = mapped_column(
        sa.ForeignKey("lms_org_units.id", ondelete="CASCADE"), index=True)
    #: RESTRICT: a unit that was ever a parent is history.
    parent_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("lms_org_units.id", ondelete="RESTRICT"), index=True)
    valid_from: Mapped[dt.date]
    valid_to: Mapped[dt.date | None]


class User(UserMixin, Base):
    """A standalone login account (absent in host mode, where the host owns logins)."""

    __tablename__ = "lms_users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(sa.String(80), unique=True)
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    must_change_password: Mapped[bool] = mapped_column(default=False)
    #: Bumped on password change/reset so every other session of the account ends.
    session_version: Mapped[int] = mapped_column(default=1)
    created_dt: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_login_dt: Mapped[dt.datetime | None]
    #: When the password was last set (by its owner, an admin reset or the account's
    #: creation); shown to the person after sign-in.
    password_changed_dt: Mapped[dt.datetime | None]

    learner: Mapped[Learner] = relationship(back_populates="user", uselist=False)

    def get_id(self) -> str:
        # Flask-Login stores this in the session; a changed version logs the session out.
        return f"{self.id}:{self.session_version}"

    @property
    def is_active(self) -> bool:
        return self.learner is not None and self.learner.is_active


class Learner(Base):
    """A person's profile: everyone who uses the LMS has one, whatever their roles."""

    __tablename__ = "lms_learners"
    __table_args__ = (
        # The HR list's order (given name, full name, id) and the admin list's (name, id),
        # each ending with the id: keyset pages walk these indexes from the cursor on, so a
        # page costs the same at 200,000 people as at 2,000 (lms.pagination).
        sa.Index("ix_lms_learners_name_order", "given_name_key", "search_name", "id"),
        sa.Index("ix_lms_learners_search_order", "search_name", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("lms_users.id", ondelete="CASCADE"), unique=True
    )
    #: The host application's user id (host mode), as text whatever its type there.
    host_user_id: Mapped[str | None] = mapped_column(sa.String(120), unique=True)
    full_name: Mapped[str] = mapped_column(sa.String(200))
    #: Lower-case, diacritics-free copy of the name, so "nguyen van an" finds "Nguyễn Văn An".
    search_name: Mapped[str] = mapped_column(sa.String(200))
    #: The last word of ``search_name`` (the given name, DOMAIN.md), kept in step by
    #: :meth:`_keep_given_name_key` so the HR order can use an index instead of
    #: computing the word for every person on every page.
    given_name_key: Mapped[str] = mapped_column(sa.String(200), default="")
    staff_code: Mapped[str | None] = mapped_column(sa.String(40), unique=True)
    email: Mapped[str | None] = mapped_column(sa.String(200))
    birth_date: Mapped[dt.date | None]
    gender: Mapped[Gender | None] = mapped_column(enum_column(Gender))
    category: Mapped[LearnerCategory | None] = mapped_column(
        enum_column(LearnerCategory)
    )
    position: Mapped[str | None] = mapped_column(sa.String(200))
    org_unit_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("lms_org_units.id", ondelete="RESTRICT"), index=True
    )
    hired_on: Mapped[dt.date | None]
    is_active: Mapped[bool] = mapped_column(default=True)
    #: Language chosen with the language switch; None follows the site default.
    locale: Mapped[str | None] = mapped_column(sa.String(8))
    created_dt: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_dt: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    user: Mapped[User | None] = relationship(back_populates="learner")
    org_unit: Mapped[OrgUnit | None] = relationship()
    role_grants: Mapped[list[RoleGrant]] = relationship(
        back_populates="learner", cascade="all, delete-orphan",
        foreign_keys="RoleGrant.learner_id",
    )

    @validates("search_name")
    def _keep_given_name_key(self, _key: str, value: str) -> str:
        # Every writer sets search_name (operations, host sync, tests): the key follows.
        self.given_name_key = given_name_of(value)
        return value

    def __repr__(self) -> str:
        return f"<Learner {self.staff_code or self.id}>"


def given_name_of(search_name: str) -> str:
    """The given name: the last word (what SQL's ``given_name_key`` in
    lms.accounts.queries computes, and migration 0015 wrote for existing rows)."""
    return search_name.rsplit(" ", 1)[-1]


class RoleGrant(Base):
    """Grants a role. HR grants carry the org unit whose subtree they cover; author and
    admin grants carry none. Uniqueness is enforced by the database, so a double click
    cannot create two identical grants (see ``scope_key``)."""

    __tablename__ = "lms_role_grants"
    __table_args__ = (
        sa.UniqueConstraint("learner_id", "role", "scope_key"),
        sa.CheckConstraint(
            "(role = 'hr') = (org_unit_id IS NOT NULL)", name="hr_grants_have_a_unit"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    learner_id: Mapped[int] = mapped_column(
        sa.ForeignKey("lms_learners.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[Role] = mapped_column(enum_column(Role))
    org_unit_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("lms_org_units.id", ondelete="CASCADE"), index=True
    )
    #: "*" for a global grant, the unit id as text for an HR grant. NULLs are distinct in
    #: unique constraints on both databases, so the unit id alone could not prevent duplicates.
    scope_key: Mapped[str] = mapped_column(sa.String(20))
    granted_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("lms_learners.id", ondelete="SET NULL")
    )
    granted_dt: Mapped[dt.datetime] = mapped_column(default=utcnow)

    learner: Mapped[Learner] = relationship(back_populates="role_grants", foreign_keys=[learner_id])
    org_unit: Mapped[OrgUnit | None] = relationship()

    @staticmethod
    def scope_key_for(org_unit_id: int | None) -> str:
        return "*" if org_unit_id is None else str(org_unit_id)
