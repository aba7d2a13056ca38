"""Writes of the advisory shortlist (flush only, every change audited).

- :func:`save_appraisal`: what HR entered for a person and a period, as a new revision
  (the rows are append-only: the history stays in the table, and the audit event
  ``credits.appraisal_changed`` carries the old and the new values).
- :func:`change_title_rule`: an admin's change to a title's checks, quota or reference
  (``credits.title_rule_changed``, old and new values). The shortlist is worked out when
  the page is read, so a change shows at once — and touches no credit entry.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from lms.audit.operations import record_event
from lms.credits.admin_operations import _plain
from lms.credits.models import Appraisal, EmulationPeriod, TitleRule
from lms.credits.shortlist_rules import Discipline, Rating
from lms.db import get_session
from lms.i18n import _

APPRAISAL_FIELDS = ("rating", "discipline", "initiatives")


class AppraisalError(ValueError):
    """A change refused (message translated)."""


@dataclass(frozen=True)
class AppraisalValues:
    rating: Rating | None
    discipline: Discipline | None
    initiatives: int | None

    @classmethod
    def of(cls, row: Appraisal | None) -> AppraisalValues:
        if row is None:
            return cls(None, None, None)
        return cls(
            Rating(row.rating) if row.rating else None,
            Discipline(row.discipline) if row.discipline else None,
            row.initiatives,
        )


def latest_revision(learner_id: int, period_id: int) -> Appraisal | None:
    return get_session().scalar(
        sa.select(Appraisal)
        .where(Appraisal.learner_id == learner_id, Appraisal.period_id == period_id)
        .order_by(Appraisal.revision.desc())
        .limit(1)
    )


def save_appraisal(
    learner,
    period: EmulationPeriod,
    values: AppraisalValues,
    *,
    actor,
    based_on_revision: int | None = None,
) -> Appraisal | None:
    """Append the next revision when ``values`` differ from the one in force (None:
    nothing changed). ``based_on_revision`` is the revision the form was filled from: if
    someone saved the person since, the change is refused rather than overwriting it."""
    if period.is_locked:
        raise AppraisalError(
            _("The period %(code)s is locked: its inputs can no longer change.", code=period.code)
        )
    current = latest_revision(learner.id, period.id)
    revision = current.revision if current else 0
    old = AppraisalValues.of(current)
    if old == values:
        return None  # what the form asks is already in force (a double submit, too)
    if based_on_revision is not None and based_on_revision != revision:
        raise AppraisalError(
            _(
                "%(name)s was changed by someone else meanwhile: reload the page and check.",
                name=learner.full_name,
            )
        )
    row = Appraisal(
        learner_id=learner.id,
        period_id=period.id,
        revision=revision + 1,
        rating=values.rating,
        discipline=values.discipline,
        initiatives=values.initiatives,
        actor_id=actor.id if actor is not None else None,
    )
    session = get_session()
    try:
        with session.begin_nested():  # the same revision saved at once by another request
            session.add(row)
            session.flush()
    except sa.exc.IntegrityError:
        raise AppraisalError(
            _(
                "%(name)s was changed by someone else meanwhile: reload the page and check.",
                name=learner.full_name,
            )
        ) from None
    record_event(
        "credits.appraisal_changed",
        actor=actor,
        object_type="learner",
        object_id=learner.id,
        details={
            "period": period.code,
            "revision": row.revision,
            "full_name": learner.full_name,
            "changes": {
                name: {"old": _plain(getattr(old, name)), "new": _plain(getattr(values, name))}
                for name in APPRAISAL_FIELDS
                if getattr(old, name) != getattr(values, name)
            },
        },
    )
    return row


def change_title_rule(rule: TitleRule, changes: dict, *, actor) -> dict:
    """Set ``changes`` on the title rule; audit old and new values of what changed."""
    changed = {}
    for name, value in changes.items():
        old = getattr(rule, name)
        if old != value:
            changed[name] = {"old": _plain(old), "new": _plain(value)}
            setattr(rule, name, value)
    if changed:
        get_session().flush()
        record_event(
            "credits.title_rule_changed",
            actor=actor,
            object_type="credit_title_rule",
            object_id=rule.id,
            details={"code": rule.code, "period_id": rule.period_id, "changes": changed},
        )
    return changed
