"""A learner's credits in a period against their target (reads only): what the home
section and the /credits page show."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

import sqlalchemy as sa

from courses.models import Course
from lms.credits import queries
from lms.credits import rules as credit_rules
from lms.credits.models import CreditEntry, Criterion, EmulationPeriod, Target
from lms.db import get_session, once_per_read_request

ZERO = Decimal("0")


@dataclass
class CriterionLine:
    criterion: Criterion
    total: Decimal
    #: What the bar is drawn against: the criterion's cap, else the target's minimum.
    scale: Decimal | None


@dataclass
class MandatoryLine:
    course_code: str
    title: dict[str, str]
    due_on: dt.date
    completed_on: dt.date | None
    overdue: bool


@dataclass
class Progress:
    period: EmulationPeriod
    target: Target | None
    total: Decimal
    status: str | None
    criteria: list[CriterionLine] = field(default_factory=list)
    mandatory: list[MandatoryLine] = field(default_factory=list)

    @property
    def share(self) -> Decimal:
        """Total as a share of the target's minimum (for the bar), at most 1."""
        if not self.target or not self.target.min_credits:
            return ZERO
        return min(self.total / self.target.min_credits, Decimal("1"))


def current_titles(codes) -> dict[str, dict[str, str]]:
    """{course code: {"vi", "en"}} of the newest version of each code, one query."""
    codes = list(codes)
    if not codes:
        return {}
    newest = (
        sa.select(Course.code, sa.func.max(Course.version).label("version"))
        .where(Course.code.in_(codes))
        .group_by(Course.code)
        .subquery()
    )
    rows = get_session().execute(
        sa.select(Course.code, Course.title_vi, Course.title_en).join(
            newest, sa.and_(Course.code == newest.c.code, Course.version == newest.c.version)
        )
    )
    return {code: {"vi": vi, "en": en} for code, vi, en in rows}


def learner_progress(learner, period: EmulationPeriod, today: dt.date) -> Progress:
    """Credits per criterion, the status against the learner's target (their unit and
    category today) and their mandatory courses with due dates; computed once per page
    (the home page's credits section and its mandatory courses both ask)."""
    return once_per_read_request(("credits.progress", learner.id, period.id, today),
                                 lambda: _learner_progress(learner, period, today))


def _learner_progress(learner, period: EmulationPeriod, today: dt.date) -> Progress:
    from lms.dates import local_date

    target = queries.target_for(
        period.id, learner.org_unit, learner.category.value if learner.category else None
    )
    totals = queries.totals_by_criterion(learner.id, period.id)
    total = sum(totals.values(), ZERO)
    done = {
        code: local_date(moment)
        for code, moment in queries.completed_codes_in(learner.id, period).items()
    }
    due = queries.mandatory_due(target)
    titles = current_titles(due)
    mandatory = [
        MandatoryLine(
            code,
            titles.get(code, {"vi": code, "en": code}),
            due_on,
            done.get(code),
            overdue=code not in done and today > due_on,
        )
        for code, due_on in sorted(due.items(), key=lambda item: (item[1], item[0]))
    ]
    status = None
    if target is not None:
        status = credit_rules.target_status(
            total,
            target.min_credits,
            target.exceeding_credits,
            all(line.completed_on for line in mandatory),
        )
    lines = [
        CriterionLine(
            criterion,
            totals.get(criterion.id, ZERO),
            criterion.cap_per_period or (target.min_credits if target else None),
        )
        for criterion in queries.criteria()
        if criterion.applies_to.value != "collective"
    ]
    return Progress(period, target, total, status, lines, mandatory)


def entry_count(learner_id: int, period_id: int) -> int:
    return (
        get_session().scalar(
            sa.select(sa.func.count())
            .select_from(CreditEntry)
            .where(CreditEntry.learner_id == learner_id, CreditEntry.period_id == period_id)
        )
        or 0
    )
