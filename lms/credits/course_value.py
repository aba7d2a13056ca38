"""The credits a course can earn if completed today (for its course page)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from lms.credits import queries
from lms.credits import rules as credit_rules
from lms.credits.models import Criterion
from lms.db import get_session


@dataclass
class ValueLine:
    criterion: Criterion
    value: Decimal
    bonus: Decimal
    due_on: dt.date | None


def course_value(course, learner):
    """(period, lines) under the rules in force today, before caps (they depend on what
    the learner earned already); None when no period or rule applies."""
    from lms.dates import today

    day = today()
    period = queries.period_on(day)
    if period is None:
        return None
    target = queries.target_for(
        period.id, learner.org_unit, learner.category.value if learner.category else None
    )
    due = queries.mandatory_due(target).get(course.code)
    facts = credit_rules.CompletionFacts(
        0,
        course.code,
        str(course.topic.value),
        course.periods,
        day,
        is_mandatory=due is not None or bool(course.is_mandatory),
        due_on=due,
    )
    rules = credit_rules.rules_for(facts, queries.rules_for_course(course.code, facts.topic))
    if not rules:
        return None
    lines = []
    for rule in rules:
        bonus = (
            credit_rules.money(rule.on_time_bonus)
            if facts.is_mandatory and due and day <= due
            else Decimal("0")
        )
        lines.append(
            ValueLine(
                get_session().get(Criterion, rule.criterion_id),
                credit_rules.raw_value(facts, rule),
                bonus,
                due,
            )
        )
    return period, lines
