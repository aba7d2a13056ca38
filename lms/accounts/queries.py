"""Read helpers for org units and learners."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from lms.accounts.models import Learner, OrgUnit, RoleGrant
from lms.db import get_session
from lms.i18n import strip_diacritics
from lms.pagination import Page, paginate


def org_units_in_tree_order() -> list[OrgUnit]:
    """Every unit, parents before children (sorting the id paths numerically)."""
    units = get_session().scalars(sa.select(OrgUnit)).all()
    return sorted(units, key=lambda unit: [int(part) for part in unit.path.strip("/").split("/")])


def org_unit_by_code(code: str) -> OrgUnit | None:
    return get_session().scalar(sa.select(OrgUnit).where(OrgUnit.code == code))


def search_learners(text: str | None, org_unit: OrgUnit | None, *, include_subunits: bool = True,
                    active_only: bool = False, page: int = 1, page_size: int = 50) -> Page:
    """One page of the learners matching a name or staff code, diacritics and case ignored."""
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
    return paginate(query, page, page_size, order_by=(Learner.search_name, Learner.id),
                    options=(selectinload(Learner.org_unit), selectinload(Learner.user)))


def grants_of(learner: Learner) -> list[RoleGrant]:
    return get_session().scalars(
        sa.select(RoleGrant).where(RoleGrant.learner_id == learner.id)
        .options(selectinload(RoleGrant.org_unit)).order_by(RoleGrant.role)
    ).all()
