"""Read helpers for org units and learners, today and on a past date."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from lms.accounts.models import Learner, OrgUnit, OrgUnitMembership, OrgUnitParentPeriod, RoleGrant
from lms.db import get_session
from lms.i18n import strip_diacritics
from lms.pagination import KeysetPage, Page, count_cache, keyset_page, paginate


def given_name_key(name: sa.ColumnElement[str]) -> sa.ColumnElement[str]:
    """SQL: the last word of ``name`` (the given name), on SQLite and PostgreSQL alike.
    ``rtrim(name, <every non-space character of name>)`` leaves the part up to the
    last space; what follows it is the given name."""
    head = sa.func.rtrim(name, sa.func.replace(name, " ", ""))
    return sa.func.substr(name, sa.func.length(head) + 1)


def vietnamese_name_order() -> tuple[sa.ColumnElement, ...]:
    """ORDER BY terms of HR lists (DOMAIN.md): given name, then the full name (family name
    first), then the id so no row is on two pages. Read from the diacritics-free
    ``search_name``: "Bình" sorts with "binh", "Đức" with "duc". The given name is the
    stored ``given_name_key`` (the value of :func:`given_name_key`), so the index
    ``ix_lms_learners_name_order`` holds this order."""
    return (Learner.given_name_key, Learner.search_name, Learner.id)


def org_units_in_tree_order(*, include_closed: bool = True) -> list[OrgUnit]:
    """Every unit, parents before children (sorting the id paths numerically).

    Pickers pass ``include_closed=False``: a closed unit takes no new members.
    """
    query = sa.select(OrgUnit)
    if not include_closed:
        query = query.where(OrgUnit.closed_on.is_(None))
    units = get_session().scalars(query).all()
    return sorted(units, key=lambda unit: [int(part) for part in unit.path.strip("/").split("/")])


def org_unit_by_code(code: str) -> OrgUnit | None:
    return get_session().scalar(sa.select(OrgUnit).where(OrgUnit.code == code))


def search_learners(text: str | None, org_unit: OrgUnit | None, *, include_subunits: bool = True,
                    active_only: bool = False, page: int = 1, page_size: int = 50) -> Page:
    """One page of the learners matching a name or staff code, diacritics and case ignored."""
    return paginate(_search_query(text, org_unit, include_subunits, active_only), page, page_size,
                    order_by=(Learner.search_name, Learner.id),
                    options=(selectinload(Learner.org_unit), selectinload(Learner.user)))


#: The admin list's cursor: (search name, id).
SEARCH_CURSOR_TYPES = (str, int)


def search_learners_keyset(text: str | None, org_unit: OrgUnit | None, page_size: int, *,
                           after: tuple | None = None, before: tuple | None = None) -> KeysetPage:
    """:func:`search_learners` as keyset pages: in (search name, id) order, read from the
    ``ix_lms_learners_search_order`` index, no count, so a page costs the same at any
    size of the table."""
    return keyset_page(_search_query(text, org_unit, True, False), page_size,
                       order_by=(Learner.search_name, Learner.id),
                       key_of=lambda learner: (learner.search_name, learner.id),
                       after=after, before=before,
                       options=(selectinload(Learner.org_unit), selectinload(Learner.user)))


def count_search(text: str | None, org_unit: OrgUnit | None, seconds: float) -> int:
    """How many learners :func:`search_learners_keyset` finds, counted once per search for
    ``seconds`` (a count reads every match, a page does not). A new learner (a higher id)
    is counted at once; an edit that changes a match within ``seconds``."""
    session = get_session()
    key = ("admin.search", text, org_unit.id if org_unit else None,
           session.scalar(sa.select(sa.func.max(Learner.id))))
    query = _search_query(text, org_unit, True, False)
    count, _counted_at = count_cache().get(key, seconds, lambda: session.scalar(
        sa.select(sa.func.count()).select_from(query.subquery())) or 0)
    return count


def _search_query(text: str | None, org_unit: OrgUnit | None, include_subunits: bool,
                  active_only: bool) -> sa.Select:
    query = sa.select(Learner)
    if text:
        needle = strip_diacritics(text)
        query = query.where(sa.or_(
            Learner.search_name.contains(needle, autoescape=True),
            sa.func.lower(Learner.staff_code).contains(needle, autoescape=True),
        ))
    if org_unit is not None:
        if include_subunits:
            query = query.join(OrgUnit, OrgUnit.id == Learner.org_unit_id).where(
                OrgUnit.path.startswith(org_unit.path, autoescape=True))
        else:
            query = query.where(Learner.org_unit_id == org_unit.id)
    if active_only:
        query = query.where(Learner.is_active.is_(True))
    return query


def grants_of(learner: Learner) -> list[RoleGrant]:
    return get_session().scalars(
        sa.select(RoleGrant).where(RoleGrant.learner_id == learner.id)
        .options(selectinload(RoleGrant.org_unit)).order_by(RoleGrant.role)
    ).all()


# --- history: who was where on a date -------------------------------------------------

def _valid_on(model, day: dt.date):
    """Rows of a dated table in force on ``day`` (``valid_to`` is exclusive)."""
    return sa.and_(model.valid_from <= day, sa.or_(model.valid_to.is_(None), model.valid_to > day))


def unit_of_learner_on(learner_id: int, day: dt.date) -> OrgUnit | None:
    """The unit the learner belonged to on ``day`` (None: no unit, or not yet recorded)."""
    return get_session().scalar(
        sa.select(OrgUnit).join(OrgUnitMembership, OrgUnitMembership.org_unit_id == OrgUnit.id)
        .where(OrgUnitMembership.learner_id == learner_id, _valid_on(OrgUnitMembership, day)))


def unit_ids_of_learners_on(learner_ids: Iterable[int], day: dt.date) -> dict[int, int]:
    """{learner id: unit id} on ``day`` for many learners in one query (absent: no unit)."""
    ids = list(learner_ids)
    if not ids:
        return {}
    rows = get_session().execute(
        sa.select(OrgUnitMembership.learner_id, OrgUnitMembership.org_unit_id)
        .where(OrgUnitMembership.learner_id.in_(ids), _valid_on(OrgUnitMembership, day)))
    return dict(rows.all())


def subtree_unit_ids_on(unit_id: int, day: dt.date):
    """A recursive CTE (column ``id``) of ``unit_id`` and every unit under it on ``day``,
    walked through the dated parent rows: the tree as it was then, not as it is now."""
    tree = sa.select(sa.literal(unit_id).label("id")).cte("subtree", recursive=True)
    below = (sa.select(OrgUnitParentPeriod.org_unit_id)
             .join(tree, OrgUnitParentPeriod.parent_id == tree.c.id)
             .where(_valid_on(OrgUnitParentPeriod, day)))
    return tree.union(below)


def subtree_members_on(unit_id: int, day: dt.date) -> dict[int, int]:
    """{learner id: unit id} of everyone in the subtree of ``unit_id`` on ``day``, by the
    memberships and the tree of that day. One query, whatever the size of the subtree."""
    tree = subtree_unit_ids_on(unit_id, day)
    rows = get_session().execute(
        sa.select(OrgUnitMembership.learner_id, OrgUnitMembership.org_unit_id)
        .where(OrgUnitMembership.org_unit_id.in_(sa.select(tree.c.id)),
               _valid_on(OrgUnitMembership, day)))
    return dict(rows.all())

