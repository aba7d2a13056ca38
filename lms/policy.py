"""Who may do what: the one place where permissions are decided.

Views ask ``can(principal, action, obj)`` after loading their objects; nothing else in
the code compares roles. HR rights are scoped to the org-unit subtrees of their grants.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from lms.auth.principal import Principal

# Each action maps to a rule (principal, obj) -> bool.
_RULES: dict[str, Callable[[Principal, Any], bool]] = {
    # Every signed-in, active person is a learner.
    "learn": lambda p, obj: p.is_authenticated,
    "admin.access": lambda p, obj: p.is_admin,
    "admin.manage_units": lambda p, obj: p.is_admin,
    "admin.manage_learners": lambda p, obj: p.is_admin,
    "admin.grant_roles": lambda p, obj: p.is_admin,
    "admin.import_learners": lambda p, obj: p.is_admin,
    "admin.view_audit": lambda p, obj: p.is_admin,
    "content.author": lambda p, obj: p.is_author or p.is_admin,
    "reports.view": lambda p, obj: p.is_hr or p.is_admin,
    # ``obj`` is a learner: admins see everyone, HR only their subtrees.
    "learner.view_records": lambda p, obj: p.is_admin
    or (p.is_hr and obj is not None and obj.org_unit is not None
        and p.covers_unit_path(obj.org_unit.path)),
}

ACTIONS = frozenset(_RULES)


def can(principal: Principal, action: str, obj: Any = None) -> bool:
    """Whether ``principal`` may perform ``action`` (on ``obj`` where it matters)."""
    try:
        rule = _RULES[action]
    except KeyError:
        raise KeyError(f"Unknown action {action!r}; add it to lms.policy") from None
    return principal.is_authenticated and rule(principal, obj)
