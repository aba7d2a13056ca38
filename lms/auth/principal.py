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
    preloaded = g.pop("lms_signed_in_roles", None)  # used once: a later call reads afresh
    if preloaded is not None and preloaded[0] == learner.id:
        # Read with the session row, in the same statement (lms.auth.user_sessions).
        rows = preloaded[1]
    else:
        rows = get_session().execute(
            sa.select(RoleGrant.role, OrgUnit.path)
            .outerjoin(OrgUnit, OrgUnit.id == RoleGrant.org_unit_id)
            .where(RoleGrant.learner_id == learner.id)
        ).all()
    roles = frozenset(role for role, _ in rows)
    hr_paths = tuple(sorted(path for role, path in rows if role == Role.HR and path))
    return Principal(learner=learner, roles=roles, hr_unit_paths=hr_paths)
