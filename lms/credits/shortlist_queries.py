"""Reads of the advisory shortlist: the appraisals HR entered (the latest revision of
each person's), the title rules of a period, and the shortlist itself.

Who is considered: the people of the chosen unit's subtree on the period's cut-off, as
in the standings (``lms.credits.standings``: membership from history, credits of the
period wherever earned, the status against the person's target), active, and — for HR —
inside their subtree today (``lms.policy.learner_scope``): HR never see anyone else,
even someone who belonged to their unit on the cut-off. The collectives are the units of
that subtree, each with those of its members on the cut-off who are shown.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa

from lms.accounts.models import Learner, OrgUnit
from lms.credits import shortlist_rules
from lms.credits import standings as standing_queries
from lms.credits.models import Appraisal, EmulationPeriod, TitleRule
from lms.credits.shortlist_rules import (
    Context,
    Discipline,
    PersonFacts,
    Rating,
    TitleKind,
    TitleList,
    TitleTerms,
    UnitFacts,
)
from lms.db import get_session
from lms.policy import learner_scope

#: People per page of the appraisal form.
PAGE_SIZE = 50


def title_rules(period_id: int) -> list[TitleRule]:
    return list(
        get_session().scalars(
            sa.select(TitleRule)
            .where(TitleRule.period_id == period_id)
            .order_by(TitleRule.position, TitleRule.code)
        )
    )


def title_terms(rule: TitleRule) -> TitleTerms:
    return TitleTerms(
        code=rule.code,
        applies_to=rule.applies_to,
        checks=shortlist_rules.parse_checks(rule.checks or [], rule.applies_to),
        quota_percent=rule.quota_percent,
        rounding=rule.rounding,
        quota_base=rule.quota_base,
        base_title=rule.base_title,
    )


def latest_appraisals(period_id: int, learner_ids=None) -> dict[int, Appraisal]:
    """{learner id: the appraisal in force} (the highest revision) of the period."""
    newest = (
        sa.select(Appraisal.learner_id, sa.func.max(Appraisal.revision).label("revision"))
        .where(Appraisal.period_id == period_id)
        .group_by(Appraisal.learner_id)
    )
    if learner_ids is not None:
        newest = newest.where(Appraisal.learner_id.in_(learner_ids))
    newest = newest.subquery()
    rows = get_session().scalars(
        sa.select(Appraisal).join(
            newest,
            sa.and_(
                Appraisal.learner_id == newest.c.learner_id,
                Appraisal.revision == newest.c.revision,
                Appraisal.period_id == period_id,
            ),
        )
    )
    return {row.learner_id: row for row in rows}


# --- the appraisal form's people ----------------------------------------------------------


def _people_query(principal, root: OrgUnit):
    return (
        sa.select(Learner)
        .join(OrgUnit, Learner.org_unit_id == OrgUnit.id)
        .where(
            learner_scope(principal),
            Learner.is_active.is_(True),
            OrgUnit.path.startswith(root.path, autoescape=True),
        )
    )


def people_to_appraise(principal, root: OrgUnit, page: int) -> tuple[list[Learner], int]:
    """Active people of ``root``'s subtree today inside the principal's scope, by unit
    then name; (one page of them, how many in all)."""
    session = get_session()
    query = _people_query(principal, root)
    total = session.scalar(sa.select(sa.func.count()).select_from(query.subquery())) or 0
    people = session.scalars(
        query.order_by(OrgUnit.path, Learner.search_name, Learner.id)
        .offset((page - 1) * PAGE_SIZE)
        .limit(PAGE_SIZE)
    ).all()
    return list(people), total


# --- the shortlist ------------------------------------------------------------------------


@dataclass
class Shortlist:
    period: EmulationPeriod
    rules: list[TitleRule]
    #: Title code → its list, in the rules' order.
    lists: dict[str, TitleList]
    #: Learner id / unit id → what a candidate card shows beside the checks.
    people: dict[int, object]
    units: dict[int, OrgUnit]

    def names(self, locale: str) -> dict[str, str]:
        return {rule.code: rule.name(locale) for rule in self.rules}


def _facts(row, appraisal) -> PersonFacts:
    return PersonFacts(
        learner_id=row.learner_id,
        full_name=row.full_name,
        unit_id=row.unit.id,
        credits=row.total,
        status=row.status,
        hired_on=row.hired_on,
        rating=Rating(appraisal.rating) if appraisal and appraisal.rating else None,
        discipline=(
            Discipline(appraisal.discipline) if appraisal and appraisal.discipline else None
        ),
        initiatives=appraisal.initiatives if appraisal else None,
        counted=row.counted,
    )


def shortlist(period: EmulationPeriod, root: OrgUnit, principal, today: dt.date) -> Shortlist:
    """Every title of the period worked out in order over ``root``'s subtree."""
    scope = None if principal.is_admin else tuple(principal.hr_unit_paths)
    table = standing_queries.standings(period, root, scope_paths=scope, today=today, months=False)
    rows = [row for row in table.people if row.is_active]
    if not principal.is_admin:
        visible = set(get_session().scalars(sa.select(Learner.id).where(learner_scope(principal))))
        rows = [row for row in rows if row.learner_id in visible]
    appraisals = latest_appraisals(period.id)
    people = [_facts(row, appraisals.get(row.learner_id)) for row in rows]
    by_unit: dict[int, list[PersonFacts]] = {}
    for facts in people:
        by_unit.setdefault(facts.unit_id, []).append(facts)
    units = {row.unit.id: row.unit for row in table.units}
    collectives = [
        UnitFacts(unit.id, unit.code, tuple(by_unit[unit.id]))
        for unit in sorted(units.values(), key=lambda unit: unit.code)
        if unit.id in by_unit
    ]
    rules = title_rules(period.id)
    context = Context(cutoff=period.cutoff_on)
    lists = {}
    for rule in rules:
        terms = title_terms(rule)
        candidates = people if terms.applies_to == TitleKind.INDIVIDUAL else collectives
        lists[rule.code] = shortlist_rules.evaluate(terms, candidates, context)
    return Shortlist(
        period,
        rules,
        lists,
        {row.learner_id: row for row in rows},
        units,
    )
