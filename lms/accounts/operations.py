"""Every write on org units, learners, accounts and role grants (mutate → flush).

Callers (views, CLI) validate input with forms first and commit once at the end.
Business rules that forms cannot see raise :class:`AccountError` with a translated message.
"""
from __future__ import annotations


import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from lms.accounts.models import (
    Learner,
    MembershipSource,
    OrgUnit,
    OrgUnitMembership,
    OrgUnitParentPeriod,
    Role,
    RoleGrant,
    User,
)
from lms.accounts.password_policy import PasswordRules, password_problem
from lms.accounts.passwords import check_password, hash_password
from lms.audit.operations import record_event
from lms.dates import today
from lms.db import get_session, utcnow
from lms.i18n import _, nfc, strip_diacritics


class AccountError(ValueError):
    """A rule of the account model was broken; the message is translated."""


def _add_unique(obj, conflict_message: str) -> None:
    """Add and flush in a savepoint: a parallel request that took the same code or name
    first (double click, two admins) becomes a clear AccountError, not a 500, and the
    surrounding transaction stays usable."""
    session = get_session()
    try:
        with session.begin_nested():
            session.add(obj)
            session.flush()
    except IntegrityError:
        raise AccountError(conflict_message) from None


# --- org units ------------------------------------------------------------------------

def create_org_unit(code: str, name_vi: str, name_en: str, parent: OrgUnit | None, *,
                    actor: Learner | None = None) -> OrgUnit:
    session = get_session()
    if session.scalar(sa.select(OrgUnit.id).where(OrgUnit.code == code)) is not None:
        raise AccountError(_("An org unit with code %(code)s already exists.", code=code))
    _refuse_closed(parent)
    unit = OrgUnit(code=code, name_vi=nfc(name_vi), name_en=nfc(name_en), parent=parent, path="")
    # The id is needed for the path.
    _add_unique(unit, _("An org unit with code %(code)s already exists.", code=code))
    unit.path = f"{parent.path if parent else '/'}{unit.id}/"
    session.add(OrgUnitParentPeriod(org_unit_id=unit.id, parent_id=parent.id if parent else None,
                                    valid_from=today()))
    session.flush()
    record_event("admin.unit_created", actor=actor, object_type="org_unit", object_id=unit.id,
                 details={"code": unit.code, "name_vi": unit.name_vi, "name_en": unit.name_en,
                          "parent": parent.code if parent else None})
    return unit


def update_org_unit(unit: OrgUnit, *, code: str, name_vi: str, name_en: str,
                    actor: Learner | None = None) -> None:
    session = get_session()
    clash = session.scalar(sa.select(OrgUnit.id).where(OrgUnit.code == code, OrgUnit.id != unit.id))
    if clash is not None:
        raise AccountError(_("An org unit with code %(code)s already exists.", code=code))
    new = {"code": code, "name_vi": nfc(name_vi), "name_en": nfc(name_en)}
    changes = {name: [getattr(unit, name), value] for name, value in new.items()
               if getattr(unit, name) != value}
    unit.code, unit.name_vi, unit.name_en = new["code"], new["name_vi"], new["name_en"]
    session.flush()
    if changes:
        record_event("admin.unit_updated", actor=actor, object_type="org_unit", object_id=unit.id,
                     details={"code": unit.code, "changes": changes})


def move_org_unit(unit: OrgUnit, new_parent: OrgUnit | None, *, actor: Learner | None = None) -> None:
    """Re-parent ``unit`` and rewrite the paths of its whole subtree in one UPDATE.

    Audited: a move widens or narrows what every HR officer above either parent sees.
    """
    if new_parent is not None and new_parent.path.startswith(unit.path):
        raise AccountError(_("A unit cannot be moved under itself or one of its own sub-units."))
    _refuse_closed(unit)
    _refuse_closed(new_parent)
    session = get_session()
    old_path = unit.path
    new_path = f"{new_parent.path if new_parent else '/'}{unit.id}/"
    if new_path == old_path:
        return
    old_parent = unit.parent
    details = {"code": unit.code, "from_parent": old_parent.code if old_parent else None,
               "to_parent": new_parent.code if new_parent else None,
               "from_path": old_path, "to_path": new_path}
    session.execute(
        sa.update(OrgUnit)
        .where(OrgUnit.path.startswith(old_path, autoescape=True))
        .values(path=sa.literal(new_path) + sa.func.substr(OrgUnit.path, len(old_path) + 1))
        .execution_options(synchronize_session=False)
    )
    unit.parent_id = new_parent.id if new_parent else None
    _date_parent_change(unit.id, unit.parent_id)
    session.flush()
    session.expire_all()  # paths of loaded descendants changed in SQL
    record_event("admin.unit_moved", actor=actor, object_type="org_unit", object_id=unit.id,
                 details=details)


def _date_parent_change(unit_id: int, parent_id: int | None) -> None:
    """Close the unit's open parent period and open the next one, dated today."""
    session = get_session()
    day = today()
    current = session.scalar(sa.select(OrgUnitParentPeriod).where(
        OrgUnitParentPeriod.org_unit_id == unit_id, OrgUnitParentPeriod.valid_to.is_(None)))
    if current is not None:
        current.valid_to = max(day, current.valid_from)
        session.flush()  # closed before the next opens: at most one open row per unit
    session.add(OrgUnitParentPeriod(org_unit_id=unit_id, parent_id=parent_id, valid_from=day))


def _refuse_closed(unit: OrgUnit | None) -> None:
    if unit is not None and unit.is_closed:
        raise AccountError(_("The org unit %(code)s is closed: choose a unit that still exists.",
                             code=unit.code))


def close_org_unit(unit: OrgUnit, *, actor: Learner | None = None,
                   reason: str | None = None) -> None:
    """Close a unit from today: it keeps its history and leaves the pickers.

    Refused while people still belong to it or one of its sub-units is open: move them
    first, or merge the unit (:func:`merge_org_units`).
    """
    if unit.is_closed:
        raise AccountError(_("The org unit %(code)s is already closed.", code=unit.code))
    session = get_session()
    members = session.scalar(sa.select(sa.func.count()).select_from(Learner)
                             .where(Learner.org_unit_id == unit.id))
    if members:
        raise AccountError(_("The org unit %(code)s still has members (%(count)d): move them or "
                             "merge the unit into another one first.", code=unit.code, count=members))
    open_children = session.scalar(sa.select(sa.func.count()).select_from(OrgUnit).where(
        OrgUnit.parent_id == unit.id, OrgUnit.closed_on.is_(None)))
    if open_children:
        raise AccountError(_("The org unit %(code)s still has open sub-units: move or close them "
                             "first.", code=unit.code))
    unit.closed_on = today()
    session.flush()
    record_event("admin.unit_closed", actor=actor, object_type="org_unit", object_id=unit.id,
                 details={"code": unit.code, "closed_on": unit.closed_on.isoformat(),
                          "reason": reason})


def merge_org_units(source: OrgUnit, target: OrgUnit, *, reason: str,
                    actor: Learner | None = None) -> int:
    """Move every current member of ``source`` to ``target`` (each move dated today with
    ``reason``, e.g. "Sáp nhập theo Nghị quyết …"), move its open sub-units under
    ``target``, and close ``source``. Returns how many people moved. One transaction:
    the caller commits once."""
    reason = nfc((reason or "").strip())
    if not reason:
        raise AccountError(_("Give the reason for the merge (for example the decision that "
                             "ordered it)."))
    if source.id == target.id:
        raise AccountError(_("A unit cannot be merged into itself."))
    if target.path.startswith(source.path):
        raise AccountError(_("A unit cannot be merged into one of its own sub-units."))
    _refuse_closed(source)
    _refuse_closed(target)
    session = get_session()
    members = session.scalars(sa.select(Learner).where(Learner.org_unit_id == source.id)
                              .order_by(Learner.id)).all()
    for learner in members:
        set_learner_unit(learner, target, source=MembershipSource.MERGE, actor=actor, reason=reason)
    children = session.scalars(sa.select(OrgUnit).where(
        OrgUnit.parent_id == source.id, OrgUnit.closed_on.is_(None)).order_by(OrgUnit.id)).all()
    for child in children:
        move_org_unit(child, target, actor=actor)
    session.refresh(source)
    source.merged_into_id = target.id
    close_org_unit(source, actor=actor, reason=reason)
    record_event("admin.units_merged", actor=actor, object_type="org_unit", object_id=source.id,
                 details={"source": source.code, "target": target.code, "reason": reason,
                          "members_moved": len(members),
                          "sub_units_moved": [child.code for child in children]})
    return len(members)


def delete_org_unit(unit: OrgUnit, *, actor: Learner | None = None) -> None:
    """Delete a unit created by mistake. A unit with history — anyone ever a member, a
    sub-unit now or in the past, a completion that names it — is refused: close it."""
    session = get_session()
    refusal = _("The org unit %(code)s has history (members, sub-units or completions, now or "
                "in the past): it cannot be deleted. Close it instead.", code=unit.code)
    has_members = session.scalar(sa.select(OrgUnitMembership.id).where(
        OrgUnitMembership.org_unit_id == unit.id).limit(1)) is not None
    if has_members or unit.merged_into_id is not None:
        raise AccountError(refusal)
    details = {"code": unit.code, "name_vi": unit.name_vi}
    unit_id = unit.id
    try:
        with session.begin_nested():
            # Parent rows of the unit itself go with it (CASCADE in the database); any
            # other row naming it (a sub-unit, a completion, a merge) is RESTRICT.
            session.execute(sa.delete(OrgUnitParentPeriod).where(
                OrgUnitParentPeriod.org_unit_id == unit_id))
            session.delete(unit)
            session.flush()
    except IntegrityError:
        raise AccountError(refusal) from None
    record_event("admin.unit_deleted", actor=actor, object_type="org_unit", object_id=unit_id,
                 details=details)


# --- learners and accounts ------------------------------------------------------------

PROFILE_FIELDS = ("full_name", "staff_code", "email", "birth_date", "gender", "category",
                  "position", "org_unit", "hired_on")


#: Audited with their old and new values. E-mail, birth date and gender are audited as
#: "changed" only: the audit log must not become a second copy of personal data.
_AUDITED_WITH_VALUES = ("full_name", "staff_code", "category", "position", "org_unit", "hired_on")
_AUDITED_AS_CHANGED = ("email", "birth_date", "gender")


def create_learner(*, actor: Learner | None = None,
                   unit_source: MembershipSource = MembershipSource.ADMIN, **fields) -> Learner:
    _check_staff_code_free(fields.get("staff_code"), None)
    learner = Learner(full_name="", search_name="")
    unit = fields.pop("org_unit", None)
    _refuse_closed(unit)
    apply_profile(learner, fields)
    _add_unique(learner, _("Staff code %(code)s is already used by another person.",
                           code=fields.get("staff_code")))
    set_learner_unit(learner, unit, source=unit_source, actor=actor)
    record_event("admin.learner_created", actor=actor, object_type="learner", object_id=learner.id,
                 details={"staff_code": learner.staff_code, "full_name": learner.full_name,
                          "org_unit": learner.org_unit.code if learner.org_unit else None})
    return learner


def apply_profile(learner: Learner, fields: dict, *, actor: Learner | None = None,
                  unit_source: MembershipSource = MembershipSource.ADMIN) -> None:
    """Set profile fields, normalising text to NFC and refreshing the search key.

    On an existing learner the changes are audited (``admin.learner_updated``): a new org
    unit moves the person into other HR officers' view. The unit itself changes only
    through :func:`set_learner_unit` (dated membership, its own audit event).
    """
    if "staff_code" in fields:
        _check_staff_code_free(fields["staff_code"], learner.id)
    before = _audited_values(learner) if learner.id is not None else None
    if "org_unit" in fields:
        if learner.id is None:
            raise ValueError("a new learner's unit is set by create_learner")
        set_learner_unit(learner, fields["org_unit"], source=unit_source, actor=actor)
    for name in PROFILE_FIELDS:
        if name == "org_unit":
            continue
        if name in fields:
            value = fields[name]
            setattr(learner, name, nfc(value.strip()) if isinstance(value, str) else value)
    if learner.staff_code == "":
        learner.staff_code = None
    learner.search_name = strip_diacritics(learner.full_name)
    if before is not None:
        after = _audited_values(learner)
        changes = {name: [before[name], after[name]] for name in _AUDITED_WITH_VALUES
                   if before[name] != after[name]}
        changes.update({name: "changed" for name in _AUDITED_AS_CHANGED if before[name] != after[name]})
        if changes:
            record_event("admin.learner_updated", actor=actor, object_type="learner",
                         object_id=learner.id,
                         details={"staff_code": learner.staff_code, "changes": changes})


def set_learner_unit(learner: Learner, unit: OrgUnit | None, *, source: MembershipSource,
                     actor: Learner | None = None, reason: str | None = None) -> bool:
    """Move a (flushed) learner to ``unit`` (None: no unit) from today: the open membership
    row is closed and the next one opened in this transaction, ``Learner.org_unit_id``
    follows, and ``learner.unit_changed`` is audited. The one writer of a learner's unit.

    Returns False (writing nothing) when the learner is already there.
    """
    session = get_session()
    # Lock the learner's row: two parallel changes of one person close and open in turn
    # (FOR UPDATE on PostgreSQL; SQLite's BEGIN IMMEDIATE already serialises writers).
    current_id = session.scalar(sa.select(Learner.org_unit_id).where(Learner.id == learner.id)
                                .with_for_update())
    new_id = unit.id if unit is not None else None
    if current_id == new_id:
        return False
    _refuse_closed(unit)
    day = today()
    open_row = session.scalar(sa.select(OrgUnitMembership).where(
        OrgUnitMembership.learner_id == learner.id, OrgUnitMembership.valid_to.is_(None)))
    if open_row is not None:
        open_row.valid_to = max(day, open_row.valid_from)
        session.flush()  # closed before the next opens: at most one open row per learner
    if unit is not None:
        session.add(OrgUnitMembership(learner_id=learner.id, org_unit_id=unit.id, valid_from=day,
                                      source=source, reason=reason,
                                      actor_id=actor.id if actor else None))
    old_code = session.scalar(sa.select(OrgUnit.code).where(OrgUnit.id == current_id)) \
        if current_id is not None else None
    learner.org_unit = unit
    session.flush()
    record_event("learner.unit_changed", actor=actor, object_type="learner", object_id=learner.id,
                 details={"staff_code": learner.staff_code, "from": old_code,
                          "to": unit.code if unit else None, "on": day.isoformat(),
                          "source": source.value, "reason": reason})
    return True


def delete_learner(learner: Learner, *, actor: Learner | None = None) -> None:
    """Delete a profile made by mistake. Anyone with learning records (enrolments,
    attempts, completions: RESTRICT in the database) is refused: deactivate them."""
    session = get_session()
    details = {"staff_code": learner.staff_code, "full_name": learner.full_name}
    learner_id = learner.id
    user = learner.user
    try:
        with session.begin_nested():
            session.delete(learner)
            if user is not None:
                session.delete(user)
            session.flush()
    except IntegrityError:
        raise AccountError(_("%(name)s has learning records (courses, quizzes or completions) and "
                             "cannot be deleted: deactivate the account instead.",
                             name=details["full_name"])) from None
    record_event("admin.learner_deleted", actor=actor, object_type="learner",
                 object_id=learner_id, details=details)


def _audited_values(learner: Learner) -> dict:
    """Profile values as the audit log stores them (JSON: codes, ISO dates, enum values)."""
    values = {}
    for name in _AUDITED_WITH_VALUES + _AUDITED_AS_CHANGED:
        value = getattr(learner, name)
        if name == "org_unit":
            value = value.code if value is not None else None
        elif hasattr(value, "isoformat"):
            value = value.isoformat()
        elif hasattr(value, "value"):  # enums
            value = value.value
        values[name] = value
    return values


def _check_staff_code_free(staff_code: str | None, learner_id: int | None) -> None:
    if not staff_code:
        return
    query = sa.select(Learner.id).where(Learner.staff_code == staff_code)
    if learner_id is not None:
        query = query.where(Learner.id != learner_id)
    if get_session().scalar(query) is not None:
        raise AccountError(_("Staff code %(code)s is already used by another person.", code=staff_code))


def set_active(learner: Learner, active: bool, *, actor: Learner | None) -> None:
    learner.is_active = active
    if not active and learner.user is not None:
        _end_sessions(learner.user, "deactivated")
    record_event("admin.learner_activated" if active else "admin.learner_deactivated",
                 actor=actor, object_type="learner", object_id=learner.id)


def create_account(learner: Learner, username: str, password: str, *,
                   must_change_password: bool = False) -> User:
    session = get_session()
    username = normalise_username(username)
    if session.scalar(sa.select(User.id).where(User.username == username)) is not None:
        raise AccountError(_("The username %(username)s is taken.", username=username))
    check_new_password(password, username=username, learner=learner)
    user = User(username=username, password_hash=hash_password(password),
                must_change_password=must_change_password, password_changed_dt=utcnow())
    _add_unique(user, _("The username %(username)s is taken.", username=username))
    learner.user = user
    session.flush()
    return user


def normalise_username(username: str) -> str:
    return nfc(username.strip()).casefold()


def verify_password(user: User, password: str) -> bool:
    return check_password(user.password_hash, password)


def check_new_password(password: str, *, username: str, learner: Learner) -> None:
    """Refuse a weak password, or one built from the person's own details (AccountError)."""
    from flask import current_app

    problem = password_problem(password, PasswordRules.from_config(current_app.config),
                               username=username, full_name=learner.full_name,
                               staff_code=learner.staff_code, email=learner.email)
    if problem:
        raise AccountError(problem)


def new_temporary_password(learner: Learner, username: str) -> str:
    """A random password for an admin reset or a new account that passes the rules."""
    from lms.accounts import temporary_passwords

    while True:
        password = temporary_passwords.generate()
        try:
            check_new_password(password, username=username, learner=learner)
        except AccountError:
            continue  # astronomically rare (e.g. it spells the staff code): draw again
        return password


def change_password(user: User, new_password: str, *, keep_session_id: int | None = None) -> None:
    """The owner's change: ends every other session of the account (all but
    ``keep_session_id``, the one making the change)."""
    check_new_password(new_password, username=user.username, learner=user.learner)
    user.password_hash = hash_password(new_password)
    user.must_change_password = False
    user.password_changed_dt = utcnow()
    _bump_session_version(user)
    _end_sessions(user, "password_changed", except_id=keep_session_id)
    record_event("auth.password_changed", actor=user.learner, object_type="user", object_id=user.id)


def reset_password(user: User, temporary_password: str, *, actor: Learner | None) -> None:
    """An admin's reset: the person must choose a new password at next sign-in."""
    check_new_password(temporary_password, username=user.username, learner=user.learner)
    user.password_hash = hash_password(temporary_password)
    user.must_change_password = True
    user.password_changed_dt = utcnow()
    _bump_session_version(user)
    _end_sessions(user, "password_reset")
    record_event("admin.password_reset", actor=actor, object_type="user", object_id=user.id,
                 details={"username": user.username})


def _bump_session_version(user: User) -> None:
    # Atomic in SQL: two resets at once must both invalidate old sessions.
    get_session().execute(
        sa.update(User).where(User.id == user.id).values(session_version=User.session_version + 1)
    )
    get_session().refresh(user)


def _end_sessions(user: User, reason: str, *, except_id: int | None = None) -> None:
    """End the account's server-side sessions on every app server (lms.auth.user_sessions)."""
    from lms.auth import user_sessions
    from lms.auth.models import EndReason

    user_sessions.end_all(user.id, EndReason(reason), except_id=except_id)


def record_login(user: User) -> None:
    user.last_login_dt = utcnow()


# --- roles ----------------------------------------------------------------------------

def grant_role(learner: Learner, role: Role, org_unit: OrgUnit | None, *,
               actor: Learner | None) -> RoleGrant:
    """Grant ``role`` (HR needs ``org_unit``); granting an existing grant returns it."""
    if (role == Role.HR) != (org_unit is not None):
        raise AccountError(_("An HR grant needs an org unit; other roles take none."))
    session = get_session()
    scope_key = RoleGrant.scope_key_for(org_unit.id if org_unit else None)
    existing = session.scalar(sa.select(RoleGrant).where(
        RoleGrant.learner_id == learner.id, RoleGrant.role == role, RoleGrant.scope_key == scope_key))
    if existing is not None:
        return existing
    grant = RoleGrant(learner=learner, role=role, org_unit=org_unit, scope_key=scope_key,
                      granted_by_id=actor.id if actor else None)
    session.add(grant)
    session.flush()
    record_event("admin.role_granted", actor=actor, object_type="learner", object_id=learner.id,
                 details={"role": role.value, "org_unit": org_unit.code if org_unit else None})
    return grant


def revoke_role(grant: RoleGrant, *, actor: Learner | None) -> None:
    session = get_session()
    record_event("admin.role_revoked", actor=actor, object_type="learner",
                 object_id=grant.learner_id,
                 details={"role": grant.role.value,
                          "org_unit": grant.org_unit.code if grant.org_unit else None})
    session.delete(grant)
    session.flush()

