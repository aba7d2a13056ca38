"""Changes to periods, criteria, rules and targets (audited; flush only).

None of them touches the ledger: entries keep the values they were written with. A
rule change is a new dated version of the rule, in force from a day after today at
the earliest, so no completion already recorded falls under it.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from lms.audit.operations import record_event
from lms.credits.models import CreditRule, Criterion, EmulationPeriod, Target, TargetCourse
from lms.db import get_session
from lms.i18n import _


class RuleChangeError(ValueError):
    """A change the rules of the ledger refuse (message translated)."""


def _plain(value):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value.value if hasattr(value, "value") else value


def _apply(obj, changes: dict, *, action: str, actor, object_type: str) -> dict:
    """Set ``changes`` on ``obj``; audit old and new values of what changed."""
    changed = {}
    for name, value in changes.items():
        old = getattr(obj, name)
        if old != value:
            changed[name] = {"old": _plain(old), "new": _plain(value)}
            setattr(obj, name, value)
    if changed:
        get_session().flush()
        record_event(
            action, actor=actor, object_type=object_type, object_id=obj.id, details=changed
        )
    return changed


def change_period(period: EmulationPeriod, changes: dict, *, actor) -> dict:
    cutoff = changes.get("cutoff_on", period.cutoff_on)
    if not period.starts_on <= cutoff <= period.ends_on:
        raise RuleChangeError(_("The cut-off must fall inside the period."))
    return _apply(
        period, changes, action="credits.period_changed", actor=actor, object_type="credit_period"
    )


def change_criterion(criterion: Criterion, changes: dict, *, actor) -> dict:
    return _apply(
        criterion,
        changes,
        action="credits.criterion_changed",
        actor=actor,
        object_type="credit_criterion",
    )


def change_rule(
    rule: CreditRule, changes: dict, *, effective_from: dt.date, today: dt.date, actor
) -> CreditRule:
    """Close ``rule`` on ``effective_from`` and open its next version from that day."""
    if rule.valid_to is not None:
        raise RuleChangeError(_("Only the version in force can be changed."))
    if effective_from <= today or effective_from <= rule.valid_from:
        raise RuleChangeError(
            _(
                "A change applies from tomorrow at the earliest: completions "
                "already recorded keep the rule they were credited under."
            )
        )
    fields = (
        "criterion_id",
        "course_code",
        "topic",
        "value_kind",
        "factor",
        "fixed_value",
        "cap_per_period",
        "monthly_cap",
        "on_time_bonus",
        "reference",
    )
    values = {name: getattr(rule, name) for name in fields} | changes
    successor = CreditRule(code=rule.code, valid_from=effective_from, **values)
    rule.valid_to = effective_from
    session = get_session()
    session.add(successor)
    session.flush()
    record_event(
        "credits.rule_changed",
        actor=actor,
        object_type="credit_rule",
        object_id=successor.id,
        details={
            "code": rule.code,
            "previous_id": rule.id,
            "effective_from": effective_from.isoformat(),
            "changes": {
                name: {"old": _plain(getattr(rule, name)), "new": _plain(value)}
                for name, value in changes.items()
                if getattr(rule, name) != value
            },
        },
    )
    return successor


def change_target(
    target: Target, changes: dict, mandatory: list[tuple[str, dt.date]], *, actor
) -> dict:
    changed = _apply(
        target, changes, action="credits.target_changed", actor=actor, object_type="credit_target"
    )
    old = sorted((c.course_code, c.due_on) for c in target.mandatory_courses)
    if old != sorted(mandatory):
        target.mandatory_courses.clear()
        get_session().flush()  # the old rows go first: (target, course) is unique
        target.mandatory_courses.extend(
            TargetCourse(course_code=code, due_on=due) for code, due in mandatory
        )
        get_session().flush()
        record_event(
            "credits.target_changed",
            actor=actor,
            object_type="credit_target",
            object_id=target.id,
            details={
                "mandatory_courses": {
                    "old": [[c, d.isoformat()] for c, d in old],
                    "new": [[c, d.isoformat()] for c, d in sorted(mandatory)],
                }
            },
        )
        changed["mandatory_courses"] = True
    return changed


def parse_mandatory(text: str) -> list[tuple[str, dt.date]]:
    """ "CYBER01 30/06/2026" lines → [(code, date)]; a bad line raises RuleChangeError."""
    found = {}
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        parts = line.split()
        try:
            if len(parts) != 2 or not parts[0].isascii() or len(parts[0]) > 32:
                raise ValueError
            due = dt.datetime.strptime(parts[1], "%d/%m/%Y").date()
        except ValueError:
            raise RuleChangeError(
                _("Line %(line)d: write a course code and a date dd/mm/yyyy.", line=number)
            ) from None
        found[parts[0].upper()] = due
    return sorted(found.items())
