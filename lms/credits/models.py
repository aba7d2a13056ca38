"""Emulation periods, criteria, credit rules, targets and the append-only credit ledger.

Rules, criteria and targets are data with a reference (the law changed twice since 2022
and each province details it); the ledger keeps the values of the day an entry was
written, so editing a rule or a target never rewrites a past score.
"""

from __future__ import annotations

import datetime as dt
import enum
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.credits.shortlist_rules import Discipline, QuotaBase, Rating, Rounding, TitleKind
from lms.db import Base, enum_column, utcnow
from lms.i18n import localized_attr

#: Credits: two decimals (1,5 điểm), exact sums on both databases.
Credits = sa.Numeric(9, 2, asdecimal=True)


class ContentGroup(enum.StrEnum):
    """The six contents of the emulation movement on digital transformation."""

    AWARENESS = "awareness"
    INNOVATIVE_THINKING = "innovative_thinking"
    DIGITAL_INFRASTRUCTURE = "digital_infrastructure"
    TECHNOLOGY_IN_MANAGEMENT = "technology_in_management"
    DIGITAL_SOCIETY = "digital_society"
    SECURITY_AND_HUMAN_RESOURCES = "security_and_human_resources"


class AppliesTo(enum.StrEnum):
    INDIVIDUAL = "individual"
    COLLECTIVE = "collective"
    BOTH = "both"


class ValueKind(enum.StrEnum):
    #: The completion's periods (số tiết) × the rule's factor.
    PERIODS = "periods"
    #: The rule's fixed value, whatever the periods.
    FIXED = "fixed"


class EntryKind(enum.StrEnum):
    #: Written when a completion is recorded (or by a recompute correction).
    AWARD = "award"
    #: Cancels one earlier entry (revocation or correction); values are its negation.
    REVERSAL = "reversal"


class EmulationPeriod(Base):
    """An emulation year (or any span): credits earned in it count for it. Standings
    take each unit's members on ``cutoff_on``; a locked period takes no new entry."""

    __tablename__ = "lms_credit_periods"
    __table_args__ = (
        sa.CheckConstraint("ends_on >= starts_on", name="period_ends_after_it_starts"),
        sa.CheckConstraint(
            "cutoff_on >= starts_on AND cutoff_on <= ends_on", name="cutoff_inside_period"
        ),
        sa.CheckConstraint("new_member_months >= 0", name="new_member_months_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(32), unique=True)
    name_vi: Mapped[str] = mapped_column(sa.String(200))
    name_en: Mapped[str] = mapped_column(sa.String(200))
    starts_on: Mapped[dt.date]
    ends_on: Mapped[dt.date]
    #: Data cut-off: the day membership is read for the standings' denominators.
    cutoff_on: Mapped[dt.date]
    is_locked: Mapped[bool] = mapped_column(default=False)
    #: Members hired less than this many months before the cut-off are left out of the
    #: standings' denominators (LĐTT is not for people hired under 6 months); 0: nobody.
    new_member_months: Mapped[int] = mapped_column(default=6)
    reference: Mapped[str] = mapped_column(sa.String(300), default="")

    def name(self, locale: str) -> str:
        return localized_attr(self, "name", locale)

    def contains(self, day: dt.date) -> bool:
        return self.starts_on <= day <= self.ends_on


class Criterion(Base):
    """An emulation criterion credits count toward."""

    __tablename__ = "lms_credit_criteria"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(32), unique=True)
    content_group: Mapped[ContentGroup] = mapped_column(enum_column(ContentGroup))
    name_vi: Mapped[str] = mapped_column(sa.String(300))
    name_en: Mapped[str] = mapped_column(sa.String(300))
    applies_to: Mapped[AppliesTo] = mapped_column(enum_column(AppliesTo), default=AppliesTo.BOTH)
    #: Most credits one person earns for it in one period (None: no cap).
    cap_per_period: Mapped[Decimal | None] = mapped_column(Credits)
    reference: Mapped[str] = mapped_column(sa.String(300), default="")

    def name(self, locale: str) -> str:
        return localized_attr(self, "name", locale)


class CreditRule(Base):
    """A course (code) or a topic mapped to a criterion, in force from ``valid_from``
    to ``valid_to`` (exclusive; None: still in force).

    A change is a new row from its effective date; the old row is closed the day
    before (``lms.credits.operations.change_rule``), so entries keep the rule they were
    computed with and a change never reaches back.
    """

    __tablename__ = "lms_credit_rules"
    __table_args__ = (
        sa.CheckConstraint(
            "(course_code IS NULL) <> (topic IS NULL)", name="rule_names_a_course_or_a_topic"
        ),
        sa.CheckConstraint(
            "value_kind <> 'fixed' OR fixed_value IS NOT NULL", name="fixed_rule_has_a_value"
        ),
        sa.CheckConstraint(
            "valid_to IS NULL OR valid_to > valid_from", name="rule_ends_after_it_starts"
        ),
        sa.CheckConstraint(
            "monthly_cap IS NULL OR monthly_cap >= 0", name="monthly_cap_not_negative"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Stable name of the rule across its dated versions.
    code: Mapped[str] = mapped_column(sa.String(40), index=True)
    criterion_id: Mapped[int] = mapped_column(
        sa.ForeignKey("lms_credit_criteria.id", ondelete="RESTRICT"), index=True
    )
    course_code: Mapped[str | None] = mapped_column(sa.String(32), index=True)
    topic: Mapped[str | None] = mapped_column(sa.String(40))
    value_kind: Mapped[ValueKind] = mapped_column(enum_column(ValueKind), default=ValueKind.PERIODS)
    factor: Mapped[Decimal] = mapped_column(Credits, default=Decimal("1"))
    fixed_value: Mapped[Decimal | None] = mapped_column(Credits)
    #: Most credits this rule adds to its criterion per person and period.
    cap_per_period: Mapped[Decimal | None] = mapped_column(Credits)
    #: Most completions counted per person and calendar month (mandatory courses exempt).
    monthly_cap: Mapped[int | None]
    #: Added for a mandatory course completed by its due date.
    on_time_bonus: Mapped[Decimal] = mapped_column(Credits, default=Decimal("0"))
    valid_from: Mapped[dt.date]
    valid_to: Mapped[dt.date | None]
    reference: Mapped[str] = mapped_column(sa.String(300), default="")
    created_dt: Mapped[dt.datetime] = mapped_column(default=utcnow)

    criterion: Mapped[Criterion] = relationship()


class Target(Base):
    """What is expected of a person in a period, for an org-unit subtree and/or a
    category (CB/CC/VC/NLĐ); None for both: everyone. The most specific target applies
    (deepest unit, then a category over none; see ``lms.credits.queries``)."""

    __tablename__ = "lms_credit_targets"
    __table_args__ = (sa.UniqueConstraint("period_id", "scope_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    period_id: Mapped[int] = mapped_column(
        sa.ForeignKey("lms_credit_periods.id", ondelete="RESTRICT"), index=True
    )
    org_unit_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("lms_org_units.id", ondelete="RESTRICT")
    )
    #: A ``LearnerCategory`` value, or None for every category.
    category: Mapped[str | None] = mapped_column(sa.String(20))
    #: "<unit id or *>:<category or *>": NULLs are distinct in unique constraints.
    scope_key: Mapped[str] = mapped_column(sa.String(60))
    min_credits: Mapped[Decimal] = mapped_column(Credits)
    #: "Vượt" from this many credits (None: no such level).
    exceeding_credits: Mapped[Decimal | None] = mapped_column(Credits)
    #: Collective thresholds on the share of members meeting the target (0–1): more than
    #: ``advanced_share_above`` (Tập thể lao động tiên tiến: > 50 %), at least
    #: ``excellent_share_at_least`` (Tập thể lao động xuất sắc: ≥ 70 %).
    advanced_share_above: Mapped[Decimal | None] = mapped_column(sa.Numeric(5, 4))
    excellent_share_at_least: Mapped[Decimal | None] = mapped_column(sa.Numeric(5, 4))
    reference: Mapped[str] = mapped_column(sa.String(300), default="")

    period: Mapped[EmulationPeriod] = relationship()
    mandatory_courses: Mapped[list[TargetCourse]] = relationship(
        back_populates="target", cascade="all, delete-orphan", order_by="TargetCourse.due_on"
    )

    @staticmethod
    def scope_key_for(org_unit_id: int | None, category: str | None) -> str:
        return f"{org_unit_id if org_unit_id is not None else '*'}:{category or '*'}"


class TargetCourse(Base):
    """A mandatory course of a target and its due date (hạn hoàn thành)."""

    __tablename__ = "lms_credit_target_courses"
    __table_args__ = (sa.UniqueConstraint("target_id", "course_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    target_id: Mapped[int] = mapped_column(
        sa.ForeignKey("lms_credit_targets.id", ondelete="CASCADE"), index=True
    )
    course_code: Mapped[str] = mapped_column(sa.String(32))
    due_on: Mapped[dt.date]

    target: Mapped[Target] = relationship(back_populates="mandatory_courses")


class CreditEntry(Base):
    """One line of the append-only ledger. Never updated or deleted: a correction or a
    revocation is a reversing entry (``reverses_entry_id``), a recompute correction a
    new award of the next ``generation``.

    Idempotence is the database's: one award per completion, rule and generation (a
    replayed ``course_completed`` hits the unique key and writes nothing), and an entry
    is reversed at most once (``reverses_entry_id`` is unique).
    """

    __tablename__ = "lms_credit_entries"
    __table_args__ = (
        sa.UniqueConstraint(
            "completion_id",
            "rule_id",
            "generation",
            "kind",
            name="uq_lms_credit_entries_award_once",
        ),
        sa.UniqueConstraint("reverses_entry_id", name="uq_lms_credit_entries_reversed_once"),
        sa.CheckConstraint(
            "(kind = 'reversal') = (reverses_entry_id IS NOT NULL)", name="reversal_names_its_entry"
        ),
        sa.CheckConstraint(
            "kind = 'reversal' OR awarded_value <= raw_value + bonus_value",
            name="award_within_raw_and_bonus",
        ),
        sa.Index("ix_lms_credit_entries_period_learner", "period_id", "learner_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[EntryKind] = mapped_column(enum_column(EntryKind))
    learner_id: Mapped[int] = mapped_column(sa.ForeignKey("lms_learners.id", ondelete="RESTRICT"))
    period_id: Mapped[int] = mapped_column(
        sa.ForeignKey("lms_credit_periods.id", ondelete="RESTRICT")
    )
    criterion_id: Mapped[int] = mapped_column(
        sa.ForeignKey("lms_credit_criteria.id", ondelete="RESTRICT"), index=True
    )
    rule_id: Mapped[int] = mapped_column(sa.ForeignKey("lms_credit_rules.id", ondelete="RESTRICT"))
    completion_id: Mapped[int] = mapped_column(
        sa.ForeignKey("lms_course_completions.id", ondelete="RESTRICT"), index=True
    )
    #: 1 for the award written at completion, 2… for recompute corrections after a reversal.
    generation: Mapped[int] = mapped_column(default=1)
    # --- the completion's facts on the day (its snapshot) ---
    course_code: Mapped[str] = mapped_column(sa.String(32))
    earned_on: Mapped[dt.date]
    #: The learner's unit on the completion date (the completion's snapshot).
    org_unit_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("lms_org_units.id", ondelete="RESTRICT"), index=True
    )
    is_mandatory: Mapped[bool] = mapped_column(default=False)
    # --- the values ---
    raw_value: Mapped[Decimal] = mapped_column(Credits)
    bonus_value: Mapped[Decimal] = mapped_column(Credits, default=Decimal("0"))
    awarded_value: Mapped[Decimal] = mapped_column(Credits)
    #: Every reduction: [{"code", "vi", "en"}], as it read that day.
    reasons: Mapped[list] = mapped_column(sa.JSON, default=list)
    reverses_entry_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("lms_credit_entries.id", ondelete="RESTRICT")
    )
    actor_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("lms_learners.id", ondelete="SET NULL")
    )
    created_dt: Mapped[dt.datetime] = mapped_column(default=utcnow)

    period: Mapped[EmulationPeriod] = relationship()
    criterion: Mapped[Criterion] = relationship()
    rule: Mapped[CreditRule] = relationship()


# --- the advisory shortlist ---------------------------------------------------------------


class Appraisal(Base):
    """What HR entered for a person and a period: the annual rating, discipline and the
    number of recognised initiatives (sáng kiến được công nhận).

    Append-only: a change is a new row with the next ``revision``; the highest revision
    is the one in force, the earlier ones are its history (and each change is audited,
    ``credits.appraisal_changed``, with the old and new values). Two HR officers saving
    the same person at once write the same revision: the unique key lets one win and the
    other is told to reload.
    """

    __tablename__ = "lms_credit_appraisals"
    __table_args__ = (
        sa.UniqueConstraint("learner_id", "period_id", "revision"),
        sa.CheckConstraint(
            "initiatives IS NULL OR initiatives >= 0", name="initiatives_not_negative"
        ),
        sa.CheckConstraint("revision >= 1", name="revision_from_one"),
        sa.Index("ix_lms_credit_appraisals_period_learner", "period_id", "learner_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    learner_id: Mapped[int] = mapped_column(sa.ForeignKey("lms_learners.id", ondelete="RESTRICT"))
    period_id: Mapped[int] = mapped_column(
        sa.ForeignKey("lms_credit_periods.id", ondelete="RESTRICT")
    )
    revision: Mapped[int]
    rating: Mapped[Rating | None] = mapped_column(enum_column(Rating))
    discipline: Mapped[Discipline | None] = mapped_column(enum_column(Discipline))
    initiatives: Mapped[int | None]
    actor_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("lms_learners.id", ondelete="SET NULL")
    )
    recorded_dt: Mapped[dt.datetime] = mapped_column(default=utcnow)


class TitleRule(Base):
    """An emulation title of a period and what the advisory shortlist checks for it.

    ``checks`` is a list of ``{"kind": …, **params}`` from the registry of pure checks
    (``lms.credits.shortlist_rules.CHECKS``); ``quota_percent`` (None: no quota) is taken
    of ``quota_base`` (those eligible, those inside ``base_title``'s list, or everyone
    considered) and rounded by ``rounding``. Nothing here writes to the ledger.
    """

    __tablename__ = "lms_credit_title_rules"
    __table_args__ = (
        sa.UniqueConstraint("period_id", "code"),
        sa.CheckConstraint(
            "quota_percent IS NULL OR (quota_percent >= 0 AND quota_percent <= 100)",
            name="quota_percent_0_to_100",
        ),
        sa.CheckConstraint(
            "quota_base <> 'title' OR base_title IS NOT NULL", name="title_base_names_a_title"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    period_id: Mapped[int] = mapped_column(
        sa.ForeignKey("lms_credit_periods.id", ondelete="RESTRICT"), index=True
    )
    code: Mapped[str] = mapped_column(sa.String(32))
    name_vi: Mapped[str] = mapped_column(sa.String(200))
    name_en: Mapped[str] = mapped_column(sa.String(200))
    applies_to: Mapped[TitleKind] = mapped_column(enum_column(TitleKind))
    #: Worked out in this order: a title whose checks name another comes after it.
    position: Mapped[int] = mapped_column(default=0)
    checks: Mapped[list] = mapped_column(sa.JSON, default=list)
    quota_percent: Mapped[Decimal | None] = mapped_column(sa.Numeric(5, 2))
    rounding: Mapped[Rounding] = mapped_column(enum_column(Rounding), default=Rounding.DOWN)
    quota_base: Mapped[QuotaBase] = mapped_column(
        enum_column(QuotaBase), default=QuotaBase.ELIGIBLE
    )
    base_title: Mapped[str | None] = mapped_column(sa.String(32))
    #: Why the quota is what it is, e.g. "giả định — cần đối chiếu quy định của tỉnh".
    quota_note: Mapped[str] = mapped_column(sa.String(300), default="")
    reference: Mapped[str] = mapped_column(sa.String(300), default="")

    period: Mapped[EmulationPeriod] = relationship()

    def name(self, locale: str) -> str:
        return localized_attr(self, "name", locale)
