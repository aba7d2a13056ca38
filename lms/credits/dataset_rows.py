"""Rows of the credit datasets (``lms.credits.datasets``), scoped and filtered in SQL.

The ledger streams with ``yield_per``. Standings, status and summary are per-person or
per-unit aggregates: the aggregation is done by the database, and the few thousand
rows of people of a scope are classified against their target in Python.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session, aliased

from courses.models import Course, CourseCompletion
from lms.accounts.models import Learner, LearnerCategory, OrgUnit
from lms.credits import rules as credit_rules
from lms.credits.models import CreditEntry, CreditRule, Criterion, EmulationPeriod, Target
from lms.datasets import ExportFilters, ExportScope
from lms.i18n import localized, localized_attr

ZERO = Decimal("0")
BATCH = 1000
#: ExportFilters.category codes → stored values, and the short labels HR files use.
CATEGORY_CODES = {
    "CB": LearnerCategory.CAN_BO,
    "CC": LearnerCategory.CONG_CHUC,
    "VC": LearnerCategory.VIEN_CHUC,
    "NLD": LearnerCategory.NGUOI_LAO_DONG,
}
CATEGORY_LABELS = {
    LearnerCategory.CAN_BO: "CB",
    LearnerCategory.CONG_CHUC: "CC",
    LearnerCategory.VIEN_CHUC: "VC",
    LearnerCategory.NGUOI_LAO_DONG: "NLĐ",
}
STATUS_TEXT = {
    credit_rules.NOT_MET: {"vi": "Chưa đạt", "en": "Not met"},
    credit_rules.MET: {"vi": "Đạt", "en": "Met"},
    credit_rules.EXCEEDED: {"vi": "Vượt", "en": "Exceeded"},
}


def _period(session: Session, filters: ExportFilters) -> EmulationPeriod | None:
    """The period asked for, else the one today falls in."""
    if filters.period_code:
        return session.scalar(
            sa.select(EmulationPeriod).where(EmulationPeriod.code == filters.period_code)
        )
    from lms.dates import today

    day = today()
    return session.scalar(
        sa.select(EmulationPeriod)
        .where(EmulationPeriod.starts_on <= day, EmulationPeriod.ends_on >= day)
        .order_by(EmulationPeriod.starts_on.desc())
    )


def _unit_filter(session: Session, filters: ExportFilters, path_column):
    if filters.unit_id is None:
        return sa.true()
    path = session.scalar(sa.select(OrgUnit.path).where(OrgUnit.id == filters.unit_id))
    return path_column.startswith(path, autoescape=True) if path else sa.false()


def _category_filter(filters: ExportFilters):
    if not filters.category:
        return sa.true()
    category = CATEGORY_CODES.get(filters.category.upper().replace("Đ", "D"))
    return Learner.category == category if category else sa.false()


# --- the ledger --------------------------------------------------------------------------


def _ledger_query(session: Session, filters: ExportFilters, scope: ExportScope):
    unit = aliased(OrgUnit)
    query = (
        sa.select(
            CreditEntry,
            Learner.staff_code,
            Learner.full_name,
            Learner.category,
            unit.name_vi,
            unit.name_en,
            EmulationPeriod.code,
            Criterion.code,
            CreditRule.code,
            CreditRule.reference,
        )
        .join(Learner, Learner.id == CreditEntry.learner_id)
        .join(EmulationPeriod, EmulationPeriod.id == CreditEntry.period_id)
        .join(Criterion, Criterion.id == CreditEntry.criterion_id)
        .join(CreditRule, CreditRule.id == CreditEntry.rule_id)
        .join(unit, unit.id == CreditEntry.org_unit_id)  # the unit of the completion date
        .where(
            scope.unit_condition(unit.path),
            _unit_filter(session, filters, unit.path),
            _category_filter(filters),
        )
    )
    if filters.period_code:
        query = query.where(EmulationPeriod.code == filters.period_code)
    if filters.date_from:
        query = query.where(CreditEntry.earned_on >= filters.date_from)
    if filters.date_to:
        query = query.where(CreditEntry.earned_on <= filters.date_to)
    if filters.course_code:
        query = query.where(CreditEntry.course_code == filters.course_code)
    return query


def ledger_rows(session, filters, scope, locale) -> Iterator[tuple]:
    query = _ledger_query(session, filters, scope).order_by(CreditEntry.id)
    for result in session.execute(query.execution_options(yield_per=BATCH)):
        yield _ledger_row(result, locale)


def ledger_page(session, filters, scope, locale, after, limit) -> list[tuple[int, tuple]]:
    """Entries by id (the read API's cursor): the ledger is append-only, so ids only grow
    and a page boundary never moves when new entries arrive."""
    query = _ledger_query(session, filters, scope).order_by(CreditEntry.id).limit(limit)
    if after is not None:
        query = query.where(CreditEntry.id > after)
    return [(result[0].id, _ledger_row(result, locale)) for result in session.execute(query)]


def _ledger_row(result, locale) -> tuple:
    (entry, staff_code, full_name, category, unit_vi, unit_en, period, criterion, rule,
     reference) = result
    reasons = "; ".join(localized(item, locale) for item in entry.reasons or [])
    return (
        entry.id,
        staff_code,
        full_name,
        localized({"vi": unit_vi, "en": unit_en}, locale),
        CATEGORY_LABELS.get(category, ""),
        period,
        entry.earned_on,
        entry.course_code,
        criterion,
        rule,
        entry.kind.value,
        entry.raw_value,
        entry.bonus_value,
        entry.awarded_value,
        reasons,
        reference,
        entry.completion_id,
        entry.reverses_entry_id,
    )


def ledger_count(session, filters, scope) -> int:
    return (
        session.scalar(
            sa.select(sa.func.count()).select_from(
                _ledger_query(session, filters, scope).subquery()
            )
        )
        or 0
    )


# --- standings ---------------------------------------------------------------------------


def _standings_rows(session, filters, scope) -> list:
    from lms.credits.standings import standings

    period = _period(session, filters)
    if period is None:
        return []
    if filters.unit_id is not None:
        roots = session.scalars(sa.select(OrgUnit).where(OrgUnit.id == filters.unit_id)).all()
    else:
        roots = session.scalars(sa.select(OrgUnit).where(OrgUnit.parent_id.is_(None))).all()
    paths = None if scope.everything else scope.unit_paths
    rows = []
    for root in roots:
        rows.extend(standings(period, root, scope_paths=paths, people_page=1).units)
    return rows


def standings_rows(session, filters, scope, locale) -> Iterator[tuple]:
    level = {
        "excellent": {"vi": "Đạt ngưỡng xuất sắc", "en": "Excellent threshold"},
        "advanced": {"vi": "Đạt ngưỡng tiên tiến", "en": "Advanced threshold"},
    }
    for row in _standings_rows(session, filters, scope):
        yield (
            row.rank,
            row.unit.code,
            row.unit.name(locale),
            row.members,
            row.meeting,
            row.share.quantize(Decimal("0.0001")) if row.share is not None else None,
            row.credits,
            row.credits_per_member.quantize(Decimal("0.01"))
            if row.credits_per_member is not None
            else None,
            localized(level[row.level], locale) if row.level else "",
        )


def standings_count(session, filters, scope) -> int:
    return len(_standings_rows(session, filters, scope))


# --- each learner's status against the target ---------------------------------------------


def _people(session, filters, scope):
    """Learners of the scope today (their current unit), active ones."""
    return session.execute(
        sa.select(
            Learner.id,
            Learner.staff_code,
            Learner.full_name,
            Learner.category,
            OrgUnit.id,
            OrgUnit.code,
            OrgUnit.name_vi,
            OrgUnit.name_en,
            OrgUnit.path,
        )
        .join(OrgUnit, OrgUnit.id == Learner.org_unit_id)
        .where(
            Learner.is_active.is_(True),
            scope.unit_condition(OrgUnit.path),
            _unit_filter(session, filters, OrgUnit.path),
            _category_filter(filters),
        )
        .order_by(OrgUnit.path, Learner.search_name, Learner.id)
    ).all()


def _statuses(session, period, people):
    """{learner id: (total, target, status, [(code, due_on)] missing)} for ``people``."""
    from sqlalchemy.orm import selectinload

    from lms.credits.queries import pick_target
    from lms.dates import start_of_day

    ids = [person.id for person in people]
    targets = session.scalars(
        sa.select(Target)
        .where(Target.period_id == period.id)
        .options(selectinload(Target.mandatory_courses))
    ).all()
    target_paths = dict(
        session.execute(
            sa.select(OrgUnit.id, OrgUnit.path).where(
                OrgUnit.id.in_({t.org_unit_id for t in targets if t.org_unit_id is not None})
            )
        ).all()
    )
    totals, done = {}, set()
    for chunk in range(0, len(ids), BATCH):
        part = ids[chunk : chunk + BATCH]
        totals.update(
            session.execute(
                sa.select(CreditEntry.learner_id, sa.func.sum(CreditEntry.awarded_value))
                .where(CreditEntry.period_id == period.id, CreditEntry.learner_id.in_(part))
                .group_by(CreditEntry.learner_id)
            ).all()
        )
        done.update(
            session.execute(
                sa.select(CourseCompletion.learner_id, CourseCompletion.course_code)
                .distinct()
                .where(
                    CourseCompletion.learner_id.in_(part),
                    CourseCompletion.completed_dt >= start_of_day(period.starts_on),
                    CourseCompletion.completed_dt
                    < start_of_day(period.ends_on + dt.timedelta(days=1)),
                )
            ).all()
        )
    result = {}
    for person in people:
        target = pick_target(
            targets, target_paths, person.path, person.category.value if person.category else None
        )
        total = totals.get(person.id) or ZERO
        missing = [
            (c.course_code, c.due_on)
            for c in (target.mandatory_courses if target else [])
            if (person.id, c.course_code) not in done
        ]
        status = (
            credit_rules.target_status(
                total, target.min_credits, target.exceeding_credits, not missing
            )
            if target
            else None
        )
        result[person.id] = (total, target, status, missing)
    return result


def _status_records(session, filters, scope):
    period = _period(session, filters)
    if period is None:
        return None, []
    people = _people(session, filters, scope)
    statuses = _statuses(session, period, people)
    wanted = filters.status
    records = []
    for person in people:
        total, target, status, missing = statuses[person.id]
        if wanted == "mandatory_missing" and not missing:
            continue
        if wanted in STATUS_TEXT and status != wanted:
            continue
        records.append((person, total, target, status, missing))
    return period, records


def status_rows(session, filters, scope, locale) -> Iterator[tuple]:
    from lms.i18n import format_day

    period, records = _status_records(session, filters, scope)
    for person, total, target, status, missing in records:
        yield (
            person.staff_code,
            person.full_name,
            localized_attr(person, "name", locale),
            CATEGORY_LABELS.get(person.category, ""),
            period.code,
            total,
            target.min_credits if target else None,
            localized(STATUS_TEXT[status], locale) if status else "",
            not missing,
            ", ".join(f"{code} ({format_day(due)})" for code, due in missing),
        )


def status_count(session, filters, scope) -> int:
    return len(_status_records(session, filters, scope)[1])


# --- summary per unit and category -----------------------------------------------------------


def _summary(session, filters, scope):
    period, records = _status_records(session, dataclasses.replace(filters, status=None), scope)
    if period is None:
        return []
    from lms.dates import start_of_day

    groups: dict[tuple, list] = defaultdict(list)
    for person, _total, _target, status, _missing in records:
        groups[(person[4], person.category)].append((person, status))
    trained = defaultdict(lambda: [set(), 0])
    query = (
        sa.select(
            CourseCompletion.learner_id,
            CourseCompletion.course_code,
            Course.topic,
            CourseCompletion.periods,
        )
        .join(Course, Course.id == CourseCompletion.course_id)
        .where(
            CourseCompletion.learner_id.in_([record[0].id for record in records] or [0]),
            CourseCompletion.completed_dt >= start_of_day(period.starts_on),
            CourseCompletion.completed_dt < start_of_day(period.ends_on + dt.timedelta(days=1)),
        )
    )
    if filters.course_code:
        query = query.where(CourseCompletion.course_code == filters.course_code)
    if filters.topic:
        query = query.where(Course.topic == filters.topic)
    person_group = {person.id: (person[4], person.category) for person, *_rest in records}
    for learner_id, code, topic, periods in session.execute(query):
        item = trained[(person_group[learner_id], code, topic.value)]
        item[0].add(learner_id)
        item[1] += periods
    rows = []
    for (unit_id, category), members in sorted(
        groups.items(), key=lambda g: (g[1][0][0].path, str(g[0][1]))
    ):
        person = members[0][0]
        meeting = sum(status in (credit_rules.MET, credit_rules.EXCEEDED) for _p, status in members)
        share = (Decimal(meeting) / Decimal(len(members))).quantize(Decimal("0.0001"))
        courses = sorted(
            (key[1], key[2], value)
            for key, value in trained.items()
            if key[0] == (unit_id, category)
        ) or [(None, None, (set(), 0))]
        for code, topic, (learners, periods) in courses:
            rows.append(
                (
                    person.code,
                    person,
                    CATEGORY_LABELS.get(category, ""),
                    len(members),
                    code or "",
                    topic or "",
                    len(learners),
                    periods,
                    share,
                )
            )
    return rows


def summary_rows(session, filters, scope, locale) -> Iterator[tuple]:
    for code, person, category, people, course, topic, trained, periods, share in _summary(
        session, filters, scope
    ):
        yield (
            code,
            localized_attr(person, "name", locale),
            category,
            people,
            course,
            topic,
            trained,
            periods,
            share,
        )


def summary_count(session, filters, scope) -> int:
    return len(_summary(session, filters, scope))


# --- columns added to the completion records -------------------------------------------------


def has_credit_entries(completion_id):
    """SQL: the ledger has entries for the completion (its credit columns have values)."""
    return sa.exists().where(CreditEntry.completion_id == completion_id)


def completion_columns(session, completion_ids, locale) -> dict[int, tuple]:
    """{completion id: (criteria, net credits counted, reductions)} in one query."""
    if not completion_ids:
        return {}
    rows = session.execute(
        sa.select(
            CreditEntry.completion_id,
            Criterion.code,
            CreditEntry.awarded_value,
            CreditEntry.reasons,
        )
        .join(Criterion, Criterion.id == CreditEntry.criterion_id)
        .where(CreditEntry.completion_id.in_(list(completion_ids)))
        .order_by(CreditEntry.id)
    )
    found: dict[int, list] = {}
    for completion_id, criterion, awarded, reasons in rows:
        criteria, total, notes = found.setdefault(completion_id, [[], ZERO, []])
        if criterion not in criteria:
            criteria.append(criterion)
        found[completion_id][1] = total + awarded
        notes.extend(localized(item, locale) for item in reasons or [])
    return {
        completion_id: (", ".join(criteria), total, "; ".join(notes))
        for completion_id, (criteria, total, notes) in found.items()
    }
