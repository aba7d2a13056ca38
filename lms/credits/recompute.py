"""Rebuild the expected ledger of a period from its completions and the rules, and
compare it with the ledger as written (``flask lms credits recompute``).

The expected ledger replays every completion of the period in the order it happened,
each against the expected entries before it, with the rules in force on its date — what
the receiver did at the time. Completions whose credits were reversed because their
certificate was revoked are expected to credit nothing. After normal use there is no
difference; ``--apply`` corrects each one with a reversing entry and, where credits are
due, a new award of the next generation (nothing is updated or deleted).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from courses.models import CourseCompletion
from lms.accounts.models import Learner, OrgUnit
from lms.credits import operations, queries
from lms.credits import rules as credit_rules
from lms.credits.models import CreditEntry, EmulationPeriod, EntryKind, Target
from lms.db import get_session

ZERO = Decimal("0")


@dataclass(frozen=True)
class Difference:
    completion_id: int
    learner_id: int
    course_code: str
    rule_id: int
    expected: Decimal | None
    actual: Decimal | None


@dataclass
class _Expected:
    completion: CourseCompletion
    facts: credit_rules.CompletionFacts
    entry: credit_rules.ComputedEntry


def _completions(period: EmulationPeriod) -> list[CourseCompletion]:
    from lms.dates import start_of_day

    return list(
        get_session().scalars(
            sa.select(CourseCompletion)
            .where(
                CourseCompletion.completed_dt >= start_of_day(period.starts_on),
                CourseCompletion.completed_dt < start_of_day(period.ends_on + dt.timedelta(days=1)),
            )
            .options(selectinload(CourseCompletion.course))
            .order_by(CourseCompletion.completed_dt, CourseCompletion.id)
        )
    )


def _revoked_completions(period: EmulationPeriod) -> set[int]:
    rows = get_session().execute(
        sa.select(CreditEntry.completion_id, CreditEntry.reasons).where(
            CreditEntry.period_id == period.id, CreditEntry.kind == EntryKind.REVERSAL
        )
    )
    return {
        completion_id
        for completion_id, reasons in rows
        if any(item.get("code") == "revoked" for item in reasons or [])
    }


def expected_ledger(period: EmulationPeriod) -> dict[tuple[int, int], _Expected]:
    """{(completion id, rule id): expected entry} for the whole period."""
    session = get_session()
    completions = _completions(period)
    revoked = _revoked_completions(period)
    caps = queries.criterion_caps()
    targets = session.scalars(
        sa.select(Target)
        .where(Target.period_id == period.id)
        .options(selectinload(Target.mandatory_courses))
    ).all()
    unit_paths = dict(session.execute(sa.select(OrgUnit.id, OrgUnit.path)).all())
    categories = (
        dict(
            session.execute(
                sa.select(Learner.id, Learner.category).where(
                    Learner.id.in_({c.learner_id for c in completions})
                )
            ).all()
        )
        if completions
        else {}
    )
    rules_cache: dict[tuple[str, str], list[credit_rules.RuleTerms]] = {}
    ledgers: dict[int, list[credit_rules.LedgerLine]] = {}
    expected: dict[tuple[int, int], _Expected] = {}
    for completion in completions:
        if completion.id in revoked:
            continue
        category = categories.get(completion.learner_id)
        target = queries.pick_target(
            targets,
            unit_paths,
            unit_paths.get(completion.org_unit_id),
            category.value if category else None,
        )
        facts = operations.completion_facts(completion, completion.course, target)
        key = (completion.course_code, facts.topic)
        if key not in rules_cache:
            rules_cache[key] = queries.rules_for_course(*key)
        ledger = ledgers.setdefault(completion.learner_id, [])
        for entry in credit_rules.compute_entries(facts, rules_cache[key], caps, ledger):
            expected[(completion.id, entry.rule_id)] = _Expected(completion, facts, entry)
            ledger.append(
                credit_rules.LedgerLine(
                    completion.id,
                    completion.course_code,
                    entry.rule_id,
                    entry.criterion_id,
                    entry.awarded,
                    facts.completed_on,
                    facts.is_mandatory,
                )
            )
    return expected


def _actual(period: EmulationPeriod) -> dict[tuple[int, int], tuple[int, str, Decimal]]:
    rows = get_session().execute(
        sa.select(
            CreditEntry.completion_id,
            CreditEntry.rule_id,
            CreditEntry.learner_id,
            CreditEntry.course_code,
            sa.func.sum(CreditEntry.awarded_value),
        )
        .where(CreditEntry.period_id == period.id)
        .group_by(
            CreditEntry.completion_id,
            CreditEntry.rule_id,
            CreditEntry.learner_id,
            CreditEntry.course_code,
        )
    )
    return {
        (completion_id, rule_id): (learner_id, code, total)
        for completion_id, rule_id, learner_id, code, total in rows
    }


def differences(period: EmulationPeriod, expected=None) -> list[Difference]:
    """Every (completion, rule) whose net credits differ from the expected ledger, or
    that is expected and has no entry at all."""
    expected = expected_ledger(period) if expected is None else expected
    actual = _actual(period)
    found = []
    for key in sorted(set(expected) | set(actual)):
        want = expected.get(key)
        have = actual.get(key)
        want_value = want.entry.awarded if want else None
        have_value = have[2] if have else None
        if want is None and have_value == ZERO:
            continue  # reversed to nothing, as it should be
        if want is not None and have is not None and want_value == have_value:
            continue
        learner_id = want.completion.learner_id if want else have[0]
        code = want.completion.course_code if want else have[1]
        found.append(Difference(key[0], learner_id, code, key[1], want_value, have_value))
    return found


def apply(period: EmulationPeriod, *, actor=None) -> list[Difference]:
    """Correct every difference: reverse what is there, award what is due. Refused
    (audited) when the period is locked."""
    operations.refuse_if_locked(period, completion_id=None, actor=actor, attempted="recompute")
    expected = expected_ledger(period)
    found = differences(period, expected)
    session = get_session()
    for difference in found:
        key = (difference.completion_id, difference.rule_id)
        open_entries = [
            entry
            for entry in queries.open_entries_of_completion(difference.completion_id)
            if entry.rule_id == difference.rule_id
        ]
        reason = credit_rules.reason("correction", why=f"recompute {period.code}")
        for entry in open_entries:
            operations.reverse_entry(entry, reason, actor_id=actor.id if actor else None)
        want = expected.get(key)
        if want is not None:
            generation = (
                session.scalar(
                    sa.select(sa.func.max(CreditEntry.generation)).where(
                        CreditEntry.completion_id == difference.completion_id,
                        CreditEntry.rule_id == difference.rule_id,
                    )
                )
                or 0
            ) + 1
            session.add(
                operations.award_entry(
                    want.completion,
                    want.facts,
                    period,
                    want.entry,
                    generation=generation,
                    actor_id=actor.id if actor else None,
                )
            )
    session.flush()
    if found:
        from lms.audit.operations import record_event

        record_event(
            "credits.recomputed",
            actor=actor,
            object_type="credit_period",
            object_id=period.id,
            details={"period": period.code, "corrections": len(found)},
        )
    return found
