"""Reads of the credit data: periods, rules in force, targets, the ledger of a learner.

The ledger is read as it is (append-only): totals are sums in SQL of the entries,
reversals included, never a counter kept beside them.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import sqlalchemy as sa

from courses.models import CourseCompletion
from lms.accounts.models import Learner, OrgUnit
from lms.credits import rules as credit_rules
from lms.credits.models import (
    CreditEntry,
    CreditRule,
    Criterion,
    EmulationPeriod,
    EntryKind,
    Target,
)
from lms.db import get_session, once_per_read_request


def period_by_code(code: str) -> EmulationPeriod | None:
    return get_session().scalar(sa.select(EmulationPeriod).where(EmulationPeriod.code == code))


def period_on(day: dt.date) -> EmulationPeriod | None:
    """The period ``day`` falls in (the latest-starting one if an admin made them overlap);
    asked once per page."""
    return once_per_read_request(("credits.period_on", day), lambda: get_session().scalar(
        sa.select(EmulationPeriod)
        .where(EmulationPeriod.starts_on <= day, EmulationPeriod.ends_on >= day)
        .order_by(EmulationPeriod.starts_on.desc(), EmulationPeriod.id.desc())
        .limit(1)
    ))


def all_periods() -> list[EmulationPeriod]:
    return list(
        get_session().scalars(sa.select(EmulationPeriod).order_by(EmulationPeriod.starts_on.desc()))
    )


def criteria() -> list[Criterion]:
    return list(get_session().scalars(sa.select(Criterion).order_by(Criterion.code)))


def criterion_caps() -> dict[int, Decimal | None]:
    return dict(get_session().execute(sa.select(Criterion.id, Criterion.cap_per_period)).all())


def rule_terms(rule: CreditRule) -> credit_rules.RuleTerms:
    return credit_rules.RuleTerms(
        rule_id=rule.id,
        criterion_id=rule.criterion_id,
        course_code=rule.course_code,
        topic=rule.topic,
        value_kind=rule.value_kind.value,
        factor=rule.factor,
        fixed_value=rule.fixed_value,
        rule_cap=rule.cap_per_period,
        monthly_cap=rule.monthly_cap,
        on_time_bonus=rule.on_time_bonus,
        valid_from=rule.valid_from,
        valid_to=rule.valid_to,
    )


def rules_for_course(course_code: str, topic: str) -> list[credit_rules.RuleTerms]:
    """Every dated version of the rules naming the course or its topic; the pure rules
    pick those in force on the day."""
    rows = get_session().scalars(
        sa.select(CreditRule).where(
            sa.or_(CreditRule.course_code == course_code, CreditRule.topic == topic)
        )
    )
    return [rule_terms(rule) for rule in rows]


def rules_in_force_on(day: dt.date) -> list[CreditRule]:
    return list(
        get_session().scalars(
            sa.select(CreditRule)
            .where(
                CreditRule.valid_from <= day,
                sa.or_(CreditRule.valid_to.is_(None), CreditRule.valid_to > day),
            )
            .order_by(CreditRule.code)
        )
    )


# --- targets ---------------------------------------------------------------------------


def target_for(period_id: int, unit: OrgUnit | None, category: str | None) -> Target | None:
    """The most specific target of the period for a person of ``unit`` and ``category``.

    Tie-breaks, in order: the deepest unit (a division's target over the department's),
    then a target naming the category over one for every category, then the lowest id.
    A person without a unit gets only a target without a unit.
    """
    targets = get_session().scalars(sa.select(Target).where(Target.period_id == period_id)).all()
    paths = {}
    unit_ids = {t.org_unit_id for t in targets if t.org_unit_id is not None}
    if unit_ids:
        paths = dict(
            get_session()
            .execute(sa.select(OrgUnit.id, OrgUnit.path).where(OrgUnit.id.in_(unit_ids)))
            .all()
        )
    return pick_target(targets, paths, unit.path if unit is not None else None, category)


def pick_target(targets, paths: dict[int, str], unit_path: str | None, category: str | None):
    """:func:`target_for` without the database: the first of :func:`targets_by_specificity`
    that applies to the unit and category (the standings say the same in SQL)."""
    for target in targets_by_specificity(targets, paths):
        if target.category is not None and target.category != category:
            continue
        if target.org_unit_id is not None and (
            unit_path is None or not unit_path.startswith(paths[target.org_unit_id])
        ):
            continue
        return target
    return None


def targets_by_specificity(targets, paths: dict[int, str]) -> list:
    """The targets that can apply, the most specific first: the deepest unit, then one
    naming a category over one for every category, then the oldest. A target whose unit
    is unknown (``paths`` lacks it) applies to nobody."""
    usable = [t for t in targets if t.org_unit_id is None or t.org_unit_id in paths]
    return sorted(
        usable,
        key=lambda t: (
            -(paths[t.org_unit_id].count("/") if t.org_unit_id is not None else 0),
            t.category is None,
            t.id,
        ),
    )


def mandatory_due(target: Target | None) -> dict[str, dt.date]:
    return (
        {course.course_code: course.due_on for course in target.mandatory_courses} if target else {}
    )


# --- the ledger ------------------------------------------------------------------------


def ledger_lines(learner_id: int, period_id: int) -> list[credit_rules.LedgerLine]:
    rows = get_session().execute(
        sa.select(
            CreditEntry.completion_id,
            CreditEntry.course_code,
            CreditEntry.rule_id,
            CreditEntry.criterion_id,
            CreditEntry.awarded_value,
            CreditEntry.earned_on,
            CreditEntry.is_mandatory,
        )
        .where(CreditEntry.learner_id == learner_id, CreditEntry.period_id == period_id)
        .order_by(CreditEntry.id)
    )
    return [credit_rules.LedgerLine(*row) for row in rows]


def has_award(completion_id: int) -> bool:
    return (
        get_session().scalar(
            sa.select(
                sa.exists().where(
                    CreditEntry.completion_id == completion_id, CreditEntry.kind == EntryKind.AWARD
                )
            )
        )
        or False
    )


def open_entries_of_completion(completion_id: int) -> list[CreditEntry]:
    """Entries of the completion not reversed yet (and not reversals themselves)."""
    reversed_ids = sa.select(CreditEntry.reverses_entry_id).where(
        CreditEntry.reverses_entry_id.is_not(None)
    )
    return list(
        get_session().scalars(
            sa.select(CreditEntry)
            .where(
                CreditEntry.completion_id == completion_id,
                CreditEntry.kind == EntryKind.AWARD,
                CreditEntry.id.not_in(reversed_ids),
            )
            .order_by(CreditEntry.id)
        )
    )


def totals_by_criterion(learner_id: int, period_id: int) -> dict[int, Decimal]:
    return {
        criterion_id: total or Decimal("0")
        for criterion_id, total in get_session().execute(
            sa.select(CreditEntry.criterion_id, sa.func.sum(CreditEntry.awarded_value))
            .where(CreditEntry.learner_id == learner_id, CreditEntry.period_id == period_id)
            .group_by(CreditEntry.criterion_id)
        )
    }


def history(learner_id: int, period_id: int) -> list[CreditEntry]:
    """The learner's entries of the period, newest first, with their rule and criterion."""
    from sqlalchemy.orm import selectinload

    return list(
        get_session().scalars(
            sa.select(CreditEntry)
            .where(CreditEntry.learner_id == learner_id, CreditEntry.period_id == period_id)
            .options(selectinload(CreditEntry.criterion), selectinload(CreditEntry.rule))
            .order_by(CreditEntry.earned_on.desc(), CreditEntry.id.desc())
        )
    )


def completed_codes_in(learner_id: int, period: EmulationPeriod) -> dict[str, dt.datetime]:
    """{course code: first completion moment} of the learner's completions in the period
    (the whole period, by the organisation's calendar)."""
    from lms.dates import start_of_day

    rows = get_session().execute(
        sa.select(CourseCompletion.course_code, sa.func.min(CourseCompletion.completed_dt))
        .where(
            CourseCompletion.learner_id == learner_id,
            CourseCompletion.completed_dt >= start_of_day(period.starts_on),
            CourseCompletion.completed_dt < start_of_day(period.ends_on + dt.timedelta(days=1)),
        )
        .group_by(CourseCompletion.course_code)
    )
    return dict(rows.all())


def lock_learner(learner_id: int) -> None:
    """Serialise ledger writes of one learner until the transaction ends (PostgreSQL
    row lock; SQLite writers are already serialised by BEGIN IMMEDIATE): caps are read
    from the ledger, and two completions at once must not both see the room left."""
    get_session().execute(sa.select(Learner.id).where(Learner.id == learner_id).with_for_update())
