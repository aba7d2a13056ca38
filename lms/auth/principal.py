"""The current principal: the learner profile behind the request and its roles."""
from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
from flask import g
from flask_login import current_user

from lms.accounts.models import Learner, OrgUnit, Role, RoleGrant
from lms.db import get_session


@dataclass(frozen=True)
class Principal:
    """Who is asking. Anonymous visitors get a principal with no learner."""

    learner: Learner | None = None
    roles: frozenset[Role] = frozenset()
    #: Materialised paths of the org units an HR grant covers (their whole subtrees).
    hr_unit_paths: tuple[str, ...] = field(default_factory=tuple)

    @property
    def is_authenticated(self) -> bool:
        return self.learner is not None

    @property
    def is_admin(self) -> bool:
        return Role.ADMIN in self.roles

    @property
    def is_author(self) -> bool:
        return Role.AUTHOR in self.roles

    @property
    def is_hr(self) -> bool:
        return Role.HR in self.roles

    def covers_unit_path(self, path: str | None) -> bool:
        """True when an org unit (by its path) lies inside one of the HR subtrees."""
        return path is not None and any(path.startswith(p) for p in self.hr_unit_paths)


ANONYMOUS = Principal()


def current_principal() -> Principal:
    """The request's principal, computed once per request."""
    principal = g.get("lms_principal")
    if principal is None:
        principal = _load_principal()
        g.lms_principal = principal
        g.lms_learner = principal.learner
    return principal


def _load_principal() -> Principal:
    from lms.extension import get_state

    if not current_user or not current_user.is_authenticated:
        return ANONYMOUS
    state = get_state()
    if state.is_host_mode:
        from lms.auth.host_mode import learner_for_host_user

        learner = learner_for_host_user(current_user, state)
    else:
        learner = current_user.learner
    if learner is None or not learner.is_active:
        return ANONYMOUS
    return principal_for(learner)


def principal_for(learner: Learner) -> Principal:
    rows = get_session().execute(
        sa.select(RoleGrant.role, OrgUnit.path)
        .outerjoin(OrgUnit, OrgUnit.id == RoleGrant.org_unit_id)
        .where(RoleGrant.learner_id == learner.id)
    ).all()
    roles = frozenset(row.role for row in rows)
    hr_paths = tuple(sorted(row.path for row in rows if row.role == Role.HR and row.path))
    return Principal(learner=learner, roles=roles, hr_unit_paths=hr_paths)
