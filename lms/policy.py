"""Who may do what: the one place where permissions are decided.

Views load their objects, then ask ``can(principal, action, obj)`` (or let
:func:`lms.auth.access.load_or_404` ask); nothing else in the code compares roles.
Rules that need the object (whose attempt, whose account, which grant) take it as
``obj``. HR rights are scoped to the org-unit subtrees of their grants: the same
unit-path rule answers yes/no for one learner (:func:`covers_learner`) and filters SQL
lists (:func:`learner_scope`), and a property test holds the two equal.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa

from lms.accounts.models import Learner, OrgUnit, Role
from lms.auth.principal import Principal


# --- the HR scope: one rule, in Python and in SQL -----------------------------------------

def covers_learner(principal: Principal, learner: Learner) -> bool:
    """Admins see everyone; HR see the learners whose unit lies in one of their
    subtrees (never a learner without a unit); nobody else sees anyone's records."""
    if principal.is_admin:
        return True
    unit = learner.org_unit
    return principal.is_hr and unit is not None and principal.covers_unit_path(unit.path)


def learner_scope(principal: Principal) -> sa.ColumnElement[bool]:
    """:func:`covers_learner` as a SQL condition on :class:`Learner` (no join needed, so
    a list may outer-join units and still show the admin learners without one)."""
    if principal.is_admin:
        return sa.true()
    if not (principal.is_hr and principal.hr_unit_paths):
        return sa.false()
    units_in_scope = sa.select(OrgUnit.id).where(sa.or_(
        *(OrgUnit.path.startswith(path, autoescape=True) for path in principal.hr_unit_paths)))
    return Learner.org_unit_id.in_(units_in_scope.scalar_subquery())


# --- object rules ------------------------------------------------------------------------

def _is_self(principal: Principal, learner: Learner | None) -> bool:
    return learner is not None and learner.id == principal.learner.id


def _may_deactivate(principal: Principal, learner) -> bool:
    # Deactivating oneself would lock the last admin out of the admin pages.
    return principal.is_admin and learner is not None and not _is_self(principal, learner)


def _may_revoke(principal: Principal, grant) -> bool:
    # An admin cannot demote themself: another admin must do it.
    return principal.is_admin and grant is not None and not (
        grant.role == Role.ADMIN and grant.learner_id == principal.learner.id)


def _may_view_certificate(principal: Principal, certificate) -> bool:
    # Its learner, an admin, or HR whose subtree holds the learner (today's unit).
    return certificate is not None and (certificate.learner_id == principal.learner.id
                                        or covers_learner(principal, certificate.learner))


def _owns_export(principal: Principal, record) -> bool:
    # A job's file goes to whoever asked for it; admins may fetch any.
    return record is not None and (principal.is_admin or record.actor_id == principal.learner.id)


def _may_submit_external_for(principal: Principal, learner) -> bool:
    # Oneself, or (HR, admins) a learner of one's subtrees.
    return learner is not None and (_is_self(principal, learner) or covers_learner(principal, learner))


def _may_view_external(principal: Principal, submission) -> bool:
    # Its learner, or HR whose subtree holds the learner today, or an admin.
    return submission is not None and (submission.learner_id == principal.learner.id
                                       or covers_learner(principal, submission.learner))


def _may_decide_external(principal: Principal, submission) -> bool:
    # HR of the learner's unit (or an admin), and never about oneself — not even an HR
    # officer or admin — nor about what one entered oneself: verifying is a second pair
    # of eyes on the evidence.
    return (submission is not None and covers_learner(principal, submission.learner)
            and submission.learner_id != principal.learner.id
            and submission.submitted_by_id != principal.learner.id)


def _owns_attempt(principal: Principal, attempt) -> bool:
    return attempt is not None and attempt.learner_id == principal.learner.id


# Each action maps to a rule (principal, obj) -> bool; the principal is signed in.
_RULES: dict[str, Callable[[Principal, Any], bool]] = {
    # Every signed-in, active person is a learner.
    "learn": lambda p, obj: True,
    "admin.access": lambda p, obj: p.is_admin,
    "admin.manage_units": lambda p, obj: p.is_admin,
    "admin.manage_learners": lambda p, obj: p.is_admin,
    "admin.deactivate_learner": _may_deactivate,
    "admin.grant_roles": lambda p, obj: p.is_admin,
    "admin.revoke_role": _may_revoke,
    "admin.import_learners": lambda p, obj: p.is_admin,
    "admin.view_audit": lambda p, obj: p.is_admin,
    "content.author": lambda p, obj: p.is_author or p.is_admin,
    "reports.view": lambda p, obj: p.is_hr or p.is_admin,
    # Credit standings: HR of their subtrees (queries scope them), admins of everything.
    "credits.view_standings": lambda p, obj: p.is_hr or p.is_admin,
    # Periods, criteria, rules and targets of the emulation credits.
    "credits.manage": lambda p, obj: p.is_admin,
    # Annual rating, discipline and initiatives for the advisory shortlist: HR of their
    # subtrees, admins of everyone; ``obj`` (when given) is the learner.
    "credits.appraise": lambda p, obj: (p.is_hr or p.is_admin) if obj is None
    else covers_learner(p, obj),
    # External completions: ``obj`` is the learner it is for (oneself, or one of an HR
    # officer's subtrees) …
    "external.submit_for": _may_submit_external_for,
    # … the queue of HR and admins (queries scope it to their subtrees) …
    "external.review": lambda p, obj: p.is_hr or p.is_admin,
    # … and ``obj`` a submission: its page and evidence file; verifying or rejecting it.
    "external.view": _may_view_external,
    "external.decide": _may_decide_external,
    # ``obj`` is a learner: admins see everyone, HR only their subtrees.
    "learner.view_records": lambda p, obj: obj is not None and covers_learner(p, obj),
    # ``obj`` is a certificate: downloads of its PDF and credential.
    "certificate.view": _may_view_certificate,
    "certificates.revoke": lambda p, obj: p.is_admin,
    # ``obj`` is a certificate ZIP: who asked for it, or an admin.
    "certificate_archive.view": lambda p, obj: obj is not None and (
        p.is_admin or obj.requested_by_id == p.learner.id),
    # Exports: HR within their subtrees (the scope is applied in every dataset query).
    "exports.run": lambda p, obj: p.is_hr or p.is_admin,
    # ``obj`` is an export record: its progress page and file.
    "exports.open_job": _owns_export,
    "exports.view_records": lambda p, obj: p.is_admin,
    "exports.manage_api_tokens": lambda p, obj: p.is_admin,
    # ``obj`` is a quiz attempt: only its learner opens, answers or submits it.
    "quiz.take_attempt": _owns_attempt,
}

ACTIONS = frozenset(_RULES)


def can(principal: Principal, action: str, obj: Any = None) -> bool:
    """Whether ``principal`` may perform ``action`` (on ``obj`` where it matters)."""
    try:
        rule = _RULES[action]
    except KeyError:
        raise KeyError(f"Unknown action {action!r}; add it to lms.policy") from None
    return principal.is_authenticated and rule(principal, obj)
