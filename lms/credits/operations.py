"""Writes of the credit ledger (mutate → flush → signal; never commit).

Entries are only ever added. A completion is credited once: its award entries carry
a unique key (completion, rule, generation), so a replayed ``course_completed`` — or
two workers crediting the same completion — writes one set, whatever the database.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from flask import current_app
from sqlalchemy.exc import IntegrityError

from lms import signals
from lms.audit.operations import record_event
from lms.credits import queries
from lms.credits import rules as credit_rules
from lms.credits.models import CreditEntry, EmulationPeriod, EntryKind
from lms.db import get_session
from lms.i18n import _


class PeriodLockedError(ValueError):
    """The emulation period is locked: it takes no new entry (message translated)."""


def completion_day(completion) -> dt.date:
    from lms.dates import local_date

    return local_date(completion.completed_dt)


def locked_refusal(
    period: EmulationPeriod, *, completion_id: int | None, actor=None, attempted: str
) -> PeriodLockedError:
    """Audit a refused write into a locked period; returns the error to raise or show."""
    record_event(
        "credits.refused_locked_period",
        actor=actor,
        object_type="credit_period",
        object_id=period.id,
        details={"period": period.code, "completion_id": completion_id, "attempted": attempted},
    )
    return PeriodLockedError(
        _(
            "The emulation period %(code)s is locked: it takes no new credit "
            "entries. An administrator must unlock it first.",
            code=period.code,
        )
    )


def refuse_if_locked(
    period: EmulationPeriod, *, completion_id: int | None, actor=None, attempted: str
) -> None:
    """Raise :class:`PeriodLockedError` (after its audit event) when ``period`` is locked.
    A caller that rolls back must record the refusal again in its own transaction."""
    if period.is_locked:
        raise locked_refusal(period, completion_id=completion_id, actor=actor, attempted=attempted)


def completion_facts(completion, course, target) -> credit_rules.CompletionFacts:
    """The pure rules' view of a completion: its snapshot, and whether the course is
    mandatory for the person (their target lists it, or the pack says so)."""
    due = queries.mandatory_due(target)
    return credit_rules.CompletionFacts(
        completion_id=completion.id,
        course_code=completion.course_code,
        topic=str(course.topic.value),
        periods=completion.periods,
        completed_on=completion_day(completion),
        is_mandatory=completion.course_code in due or bool(course.is_mandatory),
        due_on=due.get(completion.course_code),
    )


def expected_entries(
    completion, course, learner, period: EmulationPeriod, ledger: list[credit_rules.LedgerLine]
) -> tuple[credit_rules.CompletionFacts, list[credit_rules.ComputedEntry]]:
    """What the rules say this completion earns, given ``ledger`` (the learner's
    entries of the period so far). Shared by the award and the recompute."""
    from lms.accounts.models import OrgUnit

    unit = get_session().get(OrgUnit, completion.org_unit_id) if completion.org_unit_id else None
    target = queries.target_for(
        period.id, unit, learner.category.value if learner.category else None
    )
    facts = completion_facts(completion, course, target)
    rules = queries.rules_for_course(completion.course_code, facts.topic)
    return facts, credit_rules.compute_entries(facts, rules, queries.criterion_caps(), ledger)


def award_entry(
    completion, facts, period, computed, *, generation: int = 1, actor_id=None
) -> CreditEntry:
    return CreditEntry(
        kind=EntryKind.AWARD,
        learner_id=completion.learner_id,
        period_id=period.id,
        criterion_id=computed.criterion_id,
        rule_id=computed.rule_id,
        completion_id=completion.id,
        generation=generation,
        course_code=completion.course_code,
        earned_on=facts.completed_on,
        org_unit_id=completion.org_unit_id,
        is_mandatory=facts.is_mandatory,
        raw_value=computed.raw,
        bonus_value=computed.bonus,
        awarded_value=computed.awarded,
        reasons=[reason.as_dict() for reason in computed.reasons],
        actor_id=actor_id,
    )


def award_completion(completion, learner, course) -> list[CreditEntry]:
    """Write the entries a completion earns (none when no period or rule covers it, or
    when it is credited already). Raises :class:`PeriodLockedError` for a locked period."""
    period = queries.period_on(completion_day(completion))
    if period is None:
        return []
    refuse_if_locked(period, completion_id=completion.id, attempted="award")
    queries.lock_learner(learner.id)
    if queries.has_award(completion.id):
        return []  # a replayed signal: credited already
    facts, computed = expected_entries(
        completion, course, learner, period, queries.ledger_lines(learner.id, period.id)
    )
    entries = [award_entry(completion, facts, period, item) for item in computed]
    if not entries:
        return []
    session = get_session()
    try:
        with session.begin_nested():
            session.add_all(entries)
    except IntegrityError:
        return []  # another worker credited it first: the database kept one set
    signals.credits_awarded.send(
        current_app._get_current_object(), completion_id=completion.id, entries=entries
    )
    return entries


def reverse_entry(
    entry: CreditEntry, reason: credit_rules.Reason, *, actor_id=None
) -> CreditEntry | None:
    """The reversing entry of ``entry`` (its values negated), or None when it is reversed
    already (the unique key on ``reverses_entry_id`` decides, also under concurrency)."""
    reversal = CreditEntry(
        kind=EntryKind.REVERSAL,
        learner_id=entry.learner_id,
        period_id=entry.period_id,
        criterion_id=entry.criterion_id,
        rule_id=entry.rule_id,
        completion_id=entry.completion_id,
        generation=entry.generation,
        course_code=entry.course_code,
        earned_on=entry.earned_on,
        org_unit_id=entry.org_unit_id,
        is_mandatory=entry.is_mandatory,
        raw_value=-entry.raw_value,
        bonus_value=-entry.bonus_value,
        awarded_value=-entry.awarded_value,
        reasons=[reason.as_dict()],
        reverses_entry_id=entry.id,
        actor_id=actor_id,
    )
    session = get_session()
    try:
        with session.begin_nested():
            session.add(reversal)
    except IntegrityError:
        return None
    return reversal


def reverse_completion(
    completion_id: int, why: str, *, actor=None, code: str = "revoked"
) -> list[CreditEntry]:
    """Reverse every open entry of a completion (a revoked certificate: the achievement
    stops counting). Refused with an audit event when the period is locked."""
    entries = queries.open_entries_of_completion(completion_id)
    for period in {entry.period for entry in entries}:
        refuse_if_locked(period, completion_id=completion_id, actor=actor, attempted="reversal")
    if entries:
        queries.lock_learner(entries[0].learner_id)
    reason = credit_rules.reason(code, why=why)
    written = [
        reversal
        for entry in entries
        if (reversal := reverse_entry(entry, reason, actor_id=actor.id if actor else None))
    ]
    if written:
        record_event(
            "credits.reversed",
            actor=actor,
            object_type="course_completion",
            object_id=completion_id,
            details={"entries": [e.reverses_entry_id for e in written], "reason": why},
        )
    return written


# --- signal receivers --------------------------------------------------------------------


def on_course_completed(sender, *, completion, learner, course, **_extra) -> None:
    """``course_completed`` receiver (inside the transaction, rows only). A locked period
    refuses the entries, never the completion: the refusal is audited instead."""
    try:
        award_completion(completion, learner, course)
    except PeriodLockedError:
        pass  # refuse_if_locked recorded the audit event; the completion itself stands


def on_certificate_revoked(
    sender, *, completion_id: int, reason: str, actor_id=None, **_extra
) -> None:
    """``certificate_revoked`` receiver: reversing entries for that completion."""
    from lms.accounts.models import Learner

    actor = get_session().get(Learner, actor_id) if actor_id else None
    try:
        reverse_completion(completion_id, reason, actor=actor)
    except PeriodLockedError:
        pass  # audited; the certificate's revocation is the certificates feature's to keep


def sum_awarded(entries) -> Decimal:
    return sum((entry.awarded_value for entry in entries), Decimal("0"))
