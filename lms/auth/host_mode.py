"""Host mode: map the host's logged-in user to an LMS learner profile.

The host passes ``profile_loader`` to :class:`lms.LMS`; it returns a dict such as
``{"host_user_id": "42", "full_name": "Nguyễn Thị Hoa", "staff_code": "NV042",
"org_unit_code": "SVHTTDL"}``. The profile is created on the first visit and its name,
unit and e-mail follow the host afterwards.
"""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from lms.accounts.models import Learner, MembershipSource, OrgUnit
from lms.db import get_session, write_during_read_request
from lms.i18n import nfc, strip_diacritics

_SYNCED_FIELDS = ("full_name", "email", "position")
#: Merges are followed at most this far (A merged into B merged into C …).
_MAX_MERGE_HOPS = 10


def learner_for_host_user(host_user, state) -> Learner | None:
    profile = state.profile_loader(host_user)
    if not profile or not profile.get("host_user_id"):
        return None
    host_id = str(profile["host_user_id"])
    session = get_session()
    learner = _find(session, host_id)
    if learner is None or _is_stale(session, learner, profile):
        _upsert_in_own_transaction(host_id, profile)
        # The request's read transaction has ended (its SQLite snapshot predated the
        # write); what it loaded is stale.
        session.rollback()
        session.expire_all()
        learner = _find(session, host_id)
    return learner


def _find(session, host_id: str) -> Learner | None:
    return session.scalar(sa.select(Learner).where(Learner.host_user_id == host_id))


def _is_stale(session, learner: Learner, profile: dict) -> bool:
    for name in _SYNCED_FIELDS:
        if name in profile and nfc(profile[name]) != getattr(learner, name):
            return True
    unit_code = profile.get("org_unit_code")
    if unit_code is None or (learner.org_unit is not None and learner.org_unit.code == unit_code):
        return False
    unit = _unit_for_code(session, unit_code)
    return unit is not False and (unit.id if unit else None) != learner.org_unit_id


def _unit_for_code(session, code: str) -> OrgUnit | None | bool:
    """The open unit a host's code stands for: a merged unit's code leads to the unit it
    was merged into. False when the code names a unit closed without a successor (the
    learner then stays where they are); None for an unknown code (no unit)."""
    unit = session.scalar(sa.select(OrgUnit).where(OrgUnit.code == code))
    for _hop in range(_MAX_MERGE_HOPS):
        if unit is None or not unit.is_closed:
            return unit
        if unit.merged_into_id is None:
            return False
        unit = session.get(OrgUnit, unit.merged_into_id)
    return False


def _upsert_in_own_transaction(host_id: str, profile: dict) -> None:
    """Provision or refresh in a short write transaction of its own.

    A GET request reads with deferred transactions; provisioning is the rare write, so
    it gets its own session. A unit change goes through the dated, audited
    :func:`lms.accounts.operations.set_learner_unit` like every other path. Two first
    visits at once: the loser's insert violates the unique host id and simply finds the
    winner's row.
    """
    from lms.accounts import operations

    try:
        with write_during_read_request() as session:
            learner = _find(session, host_id)
            if learner is None:
                learner = Learner(host_user_id=host_id, full_name="", search_name="")
                session.add(learner)
            learner.full_name = nfc(profile.get("full_name") or host_id)
            learner.search_name = strip_diacritics(learner.full_name)
            for name in ("email", "position"):
                if name in profile:
                    setattr(learner, name, nfc(profile[name]))
            if profile.get("staff_code") and learner.staff_code is None:
                learner.staff_code = profile["staff_code"]
            session.flush()
            unit_code = profile.get("org_unit_code")
            unit = _unit_for_code(session, unit_code) if unit_code else False
            if unit is not False:
                operations.set_learner_unit(learner, unit, source=MembershipSource.HOST_SYNC,
                                            reason=f"host profile: {unit_code}")
    except IntegrityError:
        pass  # a parallel first visit provisioned this host user: its row is used
