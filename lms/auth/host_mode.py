"""Host mode: map the host's logged-in user to an LMS learner profile.

The host passes ``profile_loader`` to :class:`lms.LMS`; it returns a dict such as
``{"host_user_id": "42", "full_name": "Nguyễn Thị Hoa", "staff_code": "NV042",
"org_unit_code": "SVHTTDL"}``. The profile is created on the first visit and its name,
unit and e-mail follow the host afterwards.
"""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from lms.accounts.models import Learner, OrgUnit
from lms.db import get_session
from lms.i18n import nfc, strip_diacritics

_SYNCED_FIELDS = ("full_name", "email", "position")


def learner_for_host_user(host_user, state) -> Learner | None:
    profile = state.profile_loader(host_user)
    if not profile or not profile.get("host_user_id"):
        return None
    host_id = str(profile["host_user_id"])
    session = get_session()
    learner = _find(session, host_id)
    if learner is None or _is_stale(session, learner, profile):
        _upsert_in_own_transaction(state, host_id, profile)
        # End this request's read transaction: on SQLite its snapshot predates the write.
        session.rollback()
        learner = _find(session, host_id)
    return learner


def _find(session, host_id: str) -> Learner | None:
    return session.scalar(sa.select(Learner).where(Learner.host_user_id == host_id))


def _is_stale(session, learner: Learner, profile: dict) -> bool:
    for name in _SYNCED_FIELDS:
        if name in profile and nfc(profile[name]) != getattr(learner, name):
            return True
    unit_code = profile.get("org_unit_code")
    return unit_code is not None and (learner.org_unit is None or learner.org_unit.code != unit_code)


def _upsert_in_own_transaction(state, host_id: str, profile: dict) -> None:
    """Provision or refresh in a short write transaction of its own.

    A GET request reads with deferred transactions; provisioning is the rare write, so
    it gets its own session. Two first visits at once: the loser's insert violates the
    unique host id and simply finds the winner's row.
    """
    with state.database.unit_of_work() as session:
        learner = _find(session, host_id) or Learner(host_user_id=host_id)
        learner.full_name = nfc(profile.get("full_name") or host_id)
        learner.search_name = strip_diacritics(learner.full_name)
        for name in ("email", "position"):
            if name in profile:
                setattr(learner, name, nfc(profile[name]))
        if profile.get("staff_code") and learner.staff_code is None:
            learner.staff_code = profile["staff_code"]
        unit_code = profile.get("org_unit_code")
        if unit_code:
            unit = session.scalar(sa.select(OrgUnit).where(OrgUnit.code == unit_code))
            learner.org_unit = unit
        session.add(learner)
        try:
            session.flush()  # the unit of work commits; a lost race is found here
        except IntegrityError:
            session.rollback()
