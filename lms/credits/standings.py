"""Standings of a period over an org-unit subtree, with set-based queries.

Membership comes from history (``lms.accounts.queries``):

- credits count for the unit of the completion date (each entry keeps it);
- a person is in the denominator of the unit they belonged to on the period's cut-off,
  unless they are inactive or were hired less than ``EmulationPeriod.new_member_months``
  months before the cut-off (LĐTT is not for people hired under 6 months);
- a person "meets the target" with their own credits of the period (wherever earned)
  and every mandatory course of their target completed in the period.

Ranking and tie-breaks:

- individuals: credits (high first); equal credits share a rank (1, 2, 2, 4) and are
  listed by given name (the last word), then full name, then id;
- units: the share of members meeting the target, then credits per member (so a small
  unit is not outweighed by a big one), then more members counted, then unit code; a
  unit with nobody counted comes last, without a share.

How it is computed: one statement over the members of the subtree (a CTE with each
person's credits, whether they count, and their status against their own target, the
target picked in SQL as :func:`lms.credits.queries.pick_target` picks it), grouped for the
unit numbers and the ranks, and ordered for the one page of people shown. Python builds
only the rows of that page (``bench/standings.py`` measures it against a plain
aggregate).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from courses.models import CourseCompletion
from lms.accounts.models import Learner, OrgUnit, OrgUnitMembership
from lms.accounts.queries import org_units_in_tree_order, subtree_unit_ids_on
from lms.credits import queries
from lms.credits import rules as credit_rules
from lms.credits.models import Credits, CreditEntry, EmulationPeriod, EntryKind, Target
from lms.dates import add_months, start_of_day
from lms.db import get_session

ZERO = Decimal("0")


@dataclass
class PersonRow:
    learner_id: int
    full_name: str
    #: Lower-case, diacritics-free name (``Learner.search_name``), for the order by given name.
    search_name: str
    unit: OrgUnit
    total: Decimal
    status: str | None
    counted: bool
    rank: int = 0
    #: What the advisory shortlist also reads (``lms.credits.shortlist_queries``).
    hired_on: dt.date | None = None
    is_active: bool = True


@dataclass
class UnitRow:
    unit: OrgUnit
    members: int
    meeting: int
    credits: Decimal
    target: Target | None
    rank: int = 0

    @property
    def share(self) -> Decimal | None:
        return Decimal(self.meeting) / Decimal(self.members) if self.members else None

    @property
    def credits_per_member(self) -> Decimal | None:
        return self.credits / Decimal(self.members) if self.members else None

    @property
    def level(self) -> str | None:
        """Which collective threshold of its target the share reaches (advisory)."""
        share, target = self.share, self.target
        if share is None or target is None:
            return None
        if target.excellent_share_at_least is not None and share >= target.excellent_share_at_least:
            return "excellent"
        if target.advanced_share_above is not None and share > target.advanced_share_above:
            return "advanced"
        return None


@dataclass
class Standings:
    period: EmulationPeriod
    people: list[PersonRow] = field(default_factory=list)
    units: list[UnitRow] = field(default_factory=list)
    #: (label, value) of completions credited per month, in month order.
    month_rows: list[tuple[str, Decimal]] = field(default_factory=list)
    #: Everyone ranked (``people`` may hold one page of them).
    people_total: int = 0
    people_page: int = 1
    page_size: int = 50

    @property
    def people_pages(self) -> int:
        return max((self.people_total + self.page_size - 1) // self.page_size, 1)

    def unit_chart_rows(self) -> list[tuple[str, Decimal]]:
        return [(row.unit.code, row.credits) for row in self.units]


# --- scope ------------------------------------------------------------------------------


def visible_roots(principal) -> list[OrgUnit]:
    """The units the principal may take standings of: every unit for an admin, the
    units inside their HR subtrees for HR (today's tree)."""
    units = org_units_in_tree_order()
    if principal.is_admin:
        return units
    return [unit for unit in units if principal.covers_unit_path(unit.path)]


def chosen_root(roots: list[OrgUnit], unit_argument: str | None) -> OrgUnit | None:
    """``?unit=ID`` among ``roots`` (a unit outside them is a 404), else the first."""
    from flask import abort

    if not unit_argument:
        return roots[0] if roots else None
    if not unit_argument.isdigit() or len(unit_argument) > 10:
        abort(404)
    unit = next((unit for unit in roots if unit.id == int(unit_argument)), None)
    if unit is None:
        abort(404)
    return unit


# --- the computation -------------------------------------------------------------------


def membership_day(period: EmulationPeriod, today: dt.date | None) -> dt.date:
    """The cut-off; while a period runs and its cut-off is still ahead, today."""
    return (
        period.cutoff_on
        if today is None or today >= period.cutoff_on
        else max(today, period.starts_on)
    )


#: People per page of the standings (the page ranks everyone, and shows this many).
PEOPLE_PAGE_SIZE = 50


def standings(
    period: EmulationPeriod,
    root: OrgUnit,
    *,
    scope_paths: tuple[str, ...] | None = None,
    today: dt.date | None = None,
    months: bool = True,
    people_page: int | None = None,
    page_size: int = PEOPLE_PAGE_SIZE,
) -> Standings:
    """People and units of ``root``'s subtree as it was on the period's cut-off (or
    today, before it). ``scope_paths`` (HR) keeps only units inside those subtrees of
    today's tree. ``people_page`` (from 1) keeps one page of the ranked people (the
    page); None keeps everyone (the shortlist)."""
    session = get_session()
    day = membership_day(period, today)
    tree = subtree_unit_ids_on(root.id, day)
    unit_query = sa.select(OrgUnit).where(OrgUnit.id.in_(sa.select(tree.c.id)))
    if scope_paths is not None:
        unit_query = unit_query.where(
            sa.or_(
                sa.false(),
                *(OrgUnit.path.startswith(path, autoescape=True) for path in scope_paths),
            )
        )
    units = {unit.id: unit for unit in session.scalars(unit_query)}
    if not units:
        return Standings(period)
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
    people = _people_statement(
        period,
        units,
        day,
        targets,
        target_paths,
        whole_tree=root.parent_id is None and scope_paths is None,
    )
    # Everything below is set-based: the database counts members and those meeting
    # the target per unit, and ranks people; Python only builds the rows shown.
    core = session.connection()
    unit_counts, by_total, shown = _count_and_rank(core, people, people_page, page_size)
    ahead, more = {}, 0
    for total in sorted(by_total, reverse=True):
        ahead[total] = more
        more += by_total[total]
    unit_credits = dict(
        core.execute(
            sa.select(CreditEntry.org_unit_id, sa.func.sum(CreditEntry.awarded_value))
            .where(CreditEntry.period_id == period.id, CreditEntry.org_unit_id.in_(list(units)))
            .group_by(CreditEntry.org_unit_id)
        ).all()
    )
    result = Standings(
        period,
        units=_unit_rows(units, unit_counts, unit_credits, targets, target_paths),
        people_total=sum(counts[2] for counts in unit_counts.values()),
        people_page=people_page or 1,
        page_size=page_size,
    )
    if people_page is not None and people_page > result.people_pages:
        # A page past the end shows the last one (a second query, on this rare path only).
        result.people_page = result.people_pages
        _counts, _totals, shown = _count_and_rank(core, people, result.people_page, page_size)
    # Plain tuples (a named attribute of a result row costs more than the rest of the
    # row: this loop runs once per person when the shortlist asks for everyone).
    result.people = [
        PersonRow(
            learner_id,
            full_name,
            search_name,
            units[unit_id],
            total,
            status,
            bool(counted),
            rank=ahead[total] + 1,  # equal credits share a rank: 1 + how many have more
            hired_on=hired_on,
            is_active=bool(is_active),
        )
        for (
            _part, unit_id, total, counted, _meeting, _everyone, learner_id, full_name,
            search_name, _given, hired_on, is_active, status,
        ) in shown
    ]
    if months:
        result.month_rows = _months(period, list(units))
    return result


def _people_statement(period, units, day, targets, target_paths, *, whole_tree: bool):
    """A CTE of every member of ``units`` on ``day``: credits of the period (to the cent),
    whether they count in the shares, and their status against their own target.

    The target is :func:`queries.pick_target` said in SQL: the first of
    :func:`queries.targets_by_specificity` whose unit subtree and category fit the
    member, as one CASE over the few targets of the period."""
    on_day = sa.and_(
        OrgUnitMembership.org_unit_id.in_(list(units)),
        OrgUnitMembership.valid_from <= day,
        sa.or_(OrgUnitMembership.valid_to.is_(None), OrgUnitMembership.valid_to > day),
    )
    members_in = sa.select(OrgUnitMembership.learner_id).where(on_day)
    # Each member's credits of the period. For a whole tree, one ordered pass over the
    # period's ledger; for a subtree, only its members' entries (a seek each), so a
    # department's page does not cost the province's.
    in_ledger = CreditEntry.period_id == period.id
    if not whole_tree:
        in_ledger = sa.and_(in_ledger, CreditEntry.learner_id.in_(members_in))
    totals = (
        sa.select(
            CreditEntry.learner_id.label("learner_id"),
            sa.func.sum(CreditEntry.awarded_value).label("total"),
        )
        .where(in_ledger)
        .group_by(CreditEntry.learner_id)
        .cte("totals")
    )
    query = (
        sa.select(
            Learner.id.label("learner_id"),
            Learner.full_name.label("full_name"),
            Learner.search_name.label("search_name"),
            Learner.given_name_key.label("given_name_key"),
            Learner.hired_on.label("hired_on"),
            Learner.is_active.label("is_active"),
            OrgUnitMembership.org_unit_id.label("org_unit_id"),
        )
        .join(OrgUnitMembership, OrgUnitMembership.learner_id == Learner.id)
        .outerjoin(totals, totals.c.learner_id == Learner.id)
        .where(on_day)
    )
    # Rounded to the cent in SQL: SQLite sums REALs, and 0.7 + 0.1 must equal 0.8 both
    # for the target and for a shared rank.
    total = sa.type_coerce(sa.func.round(sa.func.coalesce(totals.c.total, 0), 2), Credits)
    finished: dict[tuple[str, ...], sa.ColumnElement] = {}
    branches = []
    ordered = queries.targets_by_specificity(targets, target_paths)
    if any(t.org_unit_id is not None for t in ordered):
        query = query.join(OrgUnit, OrgUnit.id == OrgUnitMembership.org_unit_id)
    for target in ordered:
        fits = []
        if target.category is not None:
            fits.append(sa.type_coerce(Learner.category, sa.String) == target.category)
        if target.org_unit_id is not None:
            fits.append(OrgUnit.path.startswith(target_paths[target.org_unit_id], autoescape=True))
        codes = tuple(sorted(c.course_code for c in target.mandatory_courses))
        if codes and codes not in finished:
            done = _done_every(period, members_in, codes).cte(f"done_{len(finished) + 1}")
            query = query.outerjoin(done, done.c.learner_id == Learner.id)
            finished[codes] = done.c.learner_id.is_not(None)
        shortfall = total < target.min_credits
        if codes:
            shortfall = sa.or_(shortfall, sa.not_(finished[codes]))
        status = sa.case(
            (shortfall, credit_rules.NOT_MET),
            *(
                ((total >= target.exceeding_credits, credit_rules.EXCEEDED),)
                if target.exceeding_credits is not None
                else ()
            ),
            else_=credit_rules.MET,
        )
        branches.append((sa.and_(sa.true(), *fits), status))
    newest_hire = (
        add_months(period.cutoff_on, -period.new_member_months)
        if period.new_member_months
        else None
    )
    counted = (
        sa.and_(
            Learner.is_active,
            sa.not_(sa.and_(Learner.hired_on.is_not(None), Learner.hired_on > newest_hire)),
        )
        if newest_hire
        else Learner.is_active
    )
    return query.add_columns(
        total.label("total"),
        sa.case((counted, 1), else_=0).label("counted"),
        (sa.case(*branches, else_=sa.null()) if branches else sa.null()).label("status"),
    ).cte("people")


def _done_every(period, members_in, codes: tuple[str, ...]) -> sa.Select:
    """The learners with a completion in the period of each of ``codes``."""
    return (
        sa.select(CourseCompletion.learner_id.label("learner_id"))
        .where(
            CourseCompletion.learner_id.in_(members_in),
            CourseCompletion.course_code.in_(codes),
            CourseCompletion.completed_dt >= start_of_day(period.starts_on),
            CourseCompletion.completed_dt < start_of_day(period.ends_on + dt.timedelta(days=1)),
        )
        .group_by(CourseCompletion.learner_id)
        .having(sa.func.count(sa.distinct(CourseCompletion.course_code)) == len(codes))
    )


def _count_and_rank(core, people, page: int | None, size: int):
    """One statement over the members (the database works the CTE out once):

    - part 0, grouped by unit and credits: per unit, those counted in the shares, those
      meeting the target and everyone; and how many people have each total (the ranks);
    - part 1, the people in order (credits, then given name, full name and id): one
      page of them, or all when ``page`` is None.

    Returns ({unit id: [counted, meeting, everyone]}, {total: people}, the people rows)."""
    given = people.c.given_name_key.label("given")
    meets = sa.and_(
        people.c.counted == 1, people.c.status.in_((credit_rules.MET, credit_rules.EXCEEDED))
    )
    counts = sa.select(
        sa.literal(0).label("part"),
        people.c.org_unit_id,
        people.c.total,
        sa.func.sum(people.c.counted).label("counted"),
        sa.func.sum(sa.case((meets, 1), else_=0)).label("meeting"),
        sa.func.count().label("everyone"),
        # typed NULLs: PostgreSQL matches the two parts' columns by type
        _none(sa.Integer, "learner_id"),
        _none(sa.String, "full_name"),
        _none(sa.String, "search_name"),
        _none(sa.String, "given"),
        _none(sa.Date, "hired_on"),
        _none(sa.Boolean, "is_active"),
        _none(sa.String, "status"),
    ).group_by(people.c.org_unit_id, people.c.total)
    ordered = sa.select(
        sa.literal(1).label("part"),
        people.c.org_unit_id,
        people.c.total,
        people.c.counted,
        _none(sa.BigInteger, "meeting"),
        _none(sa.BigInteger, "everyone"),
        people.c.learner_id,
        people.c.full_name,
        people.c.search_name,
        given,
        people.c.hired_on,
        people.c.is_active,
        people.c.status,
    ).order_by(people.c.total.desc(), given, people.c.search_name, people.c.learner_id)
    if page is not None:
        ordered = ordered.limit(size).offset((page - 1) * size)
    both = sa.union_all(counts, sa.select(ordered.subquery())).subquery()
    statement = sa.select(both).order_by(
        both.c.part, both.c.total.desc(), both.c.given, both.c.search_name, both.c.learner_id
    )
    unit_counts: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0])
    by_total: dict[Decimal, int] = defaultdict(int)
    shown = []
    for row in core.execute(statement):
        part, unit_id, total, counted, meeting, everyone = row[:6]
        if part == 1:
            shown.append(row)
            continue
        numbers = unit_counts[unit_id]
        numbers[0] += counted
        numbers[1] += meeting
        numbers[2] += everyone
        by_total[total] += everyone
    return unit_counts, by_total, shown


def _none(kind, name: str):
    return sa.cast(sa.null(), kind).label(name)


def _unit_rows(units, unit_counts, unit_credits, targets, target_paths) -> list[UnitRow]:
    rows = [
        UnitRow(
            unit,
            int(unit_counts.get(unit.id, (0, 0, 0))[0] or 0),
            int(unit_counts.get(unit.id, (0, 0, 0))[1] or 0),
            unit_credits.get(unit.id) or ZERO,
            queries.pick_target(targets, target_paths, unit.path, None),
        )
        for unit in units.values()
    ]
    rows.sort(key=unit_sort_key)
    for position, row in enumerate(rows, start=1):
        row.rank = position
    return rows


def unit_sort_key(row: UnitRow):
    if not row.members:
        return (1, ZERO, ZERO, 0, row.unit.code)
    return (0, -row.share, -row.credits_per_member, -row.members, row.unit.code)


def _months(period, unit_ids) -> list[tuple[str, Decimal]]:
    """Completions credited (positive awards) per month of the period in these units."""
    rows = (
        get_session()
        .execute(
            sa.select(CreditEntry.earned_on, sa.func.count(sa.distinct(CreditEntry.completion_id)))
            .where(
                CreditEntry.period_id == period.id,
                CreditEntry.org_unit_id.in_(unit_ids),
                CreditEntry.kind == EntryKind.AWARD,
                CreditEntry.awarded_value > 0,
            )
            .group_by(CreditEntry.earned_on)
        )
        .all()
    )
    by_month: dict[tuple[int, int], int] = defaultdict(int)
    for day, count in rows:
        by_month[(day.year, day.month)] += count
    months, cursor = [], dt.date(period.starts_on.year, period.starts_on.month, 1)
    while cursor <= period.ends_on:
        months.append(
            (
                f"{cursor.month:02d}/{cursor.year}",
                Decimal(by_month.get((cursor.year, cursor.month), 0)),
            )
        )
        cursor = add_months(cursor, 1)
    return months
