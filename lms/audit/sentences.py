"""The audit log as sentences people read: "Quản Trị Viên granted the role HR officer
for Bảo tàng tỉnh to Lò Thị Hoa", people and units by name and linked.

Each action code has an :class:`AuditAction` in ``state.audit_actions`` (a
:class:`lms.registry.Registry`): its label for the filter's select and a function that
writes the sentence of one event. The core registers its own actions here
(:func:`register_core_actions`); a feature registers the actions it records in its
``init_app``, e.g. courses::

    state.audit_actions.register("content.course_published", AuditAction(
        _l("Course published"), lambda event, names: sentence(N_("…"), …)))

An action nobody registered still shows, as its code and its details: nothing recorded
is ever hidden. Names come from :class:`Names`, which loads every person and unit a page
of events mentions in a few queries (no query per row).
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from flask import url_for
from markupsafe import Markup, escape

from lms.i18n import _, _l, current_locale


@dataclass(frozen=True)
class AuditAction:
    """How one action code reads in the audit log."""

    #: Short translated name, for the action filter (``lms.i18n._l``).
    label: Any
    #: ``(event, names) -> Markup``: the sentence of one event (:func:`sentence`).
    describe: Callable[[Any, "Names"], Markup]
    #: ``(events) -> dict``: things the sentences need beyond people and units, loaded at
    #: once for a page of this action's events (e.g. course titles); ``names.extra``.
    preload: Callable[[list], dict] | None = None


def N_(message: str) -> str:
    """Marks a sentence for extraction (babel's N_); :func:`sentence` translates it."""
    return message


def sentence(message: str, **values) -> Markup:
    """The translated ``message`` with ``values`` escaped (a :class:`Markup` link stays)."""
    return Markup(_(message, **{key: escape(value) for key, value in values.items()}))


@dataclass
class Names:
    """People, users and units mentioned by a page of events, loaded together."""

    learners: dict[int, Any] = field(default_factory=dict)
    learners_of_users: dict[int, Any] = field(default_factory=dict)
    units_by_id: dict[int, Any] = field(default_factory=dict)
    units_by_code: dict[str, Any] = field(default_factory=dict)
    #: Action code → what its ``preload`` returned.
    extra: dict[str, dict] = field(default_factory=dict)

    def actor(self, event) -> Markup:
        """Who acted: linked when the profile still exists, else the name of the time."""
        if event.actor_id is not None and event.actor_id in self.learners:
            return self.person(self.learners[event.actor_id])
        return Markup(escape(event.actor_label)) if event.actor_label else Markup(escape(_("The system")))

    def person(self, learner, fallback: str | None = None) -> Markup:
        if learner is None:
            return Markup(escape(fallback or _("a deleted person")))
        return Markup('<a href="{}">{}</a>').format(
            url_for("lms.admin.edit_learner", learner_id=learner.id), learner.full_name)

    def object_person(self, event, fallback_key: str = "full_name") -> Markup:
        """The person an event is about (object ``learner`` or ``user``)."""
        learner = None
        if event.object_type == "learner" and _is_id(event.object_id):
            learner = self.learners.get(int(event.object_id))
        elif event.object_type == "user" and _is_id(event.object_id):
            learner = self.learners_of_users.get(int(event.object_id))
        details = event.details or {}
        return self.person(learner, details.get(fallback_key) or details.get("staff_code")
                           or details.get("username"))

    def unit(self, code: str | None = None, unit_id: Any = None) -> Markup:
        """A unit by code or id, named in the page's language and linked."""
        unit = self.units_by_code.get(code) if code else None
        if unit is None and _is_id(unit_id):
            unit = self.units_by_id.get(int(unit_id))
        if unit is None:
            return Markup(escape(code or _("a deleted unit")))
        return Markup('<a href="{}">{}</a>').format(
            url_for("lms.admin.edit_unit", unit_id=unit.id), unit.name(current_locale()))


def _is_id(value) -> bool:
    return isinstance(value, str | int) and str(value).isdigit() and len(str(value)) < 12


#: Detail keys that hold org-unit codes, in the core's events.
UNIT_CODE_KEYS = ("org_unit", "from", "to", "from_parent", "to_parent", "source", "target", "code")


def load_names(events: list, actions) -> Names:
    """Everything the sentences of ``events`` name, in one query per kind."""
    from lms.accounts.models import Learner, OrgUnit
    from lms.db import get_session

    session = get_session()
    names = Names()
    learner_ids = {e.actor_id for e in events if e.actor_id is not None}
    learner_ids |= {int(e.object_id) for e in events if e.object_type == "learner" and _is_id(e.object_id)}
    user_ids = {int(e.object_id) for e in events if e.object_type == "user" and _is_id(e.object_id)}
    unit_ids = {int(e.object_id) for e in events if e.object_type == "org_unit" and _is_id(e.object_id)}
    unit_codes = {str(value) for e in events for key, value in (e.details or {}).items()
                  if key in UNIT_CODE_KEYS and isinstance(value, str) and len(value) <= 32}
    if user_ids:
        for learner in session.scalars(sa.select(Learner).where(Learner.user_id.in_(user_ids))):
            names.learners_of_users[learner.user_id] = learner
    if learner_ids:
        names.learners = {learner.id: learner for learner in session.scalars(
            sa.select(Learner).where(Learner.id.in_(learner_ids)))}
    if unit_ids or unit_codes:
        for unit in session.scalars(sa.select(OrgUnit).where(
                sa.or_(OrgUnit.id.in_(unit_ids), OrgUnit.code.in_(unit_codes)))):
            names.units_by_id[unit.id] = unit
            names.units_by_code[unit.code] = unit
    by_action: dict[str, list] = {}
    for event in events:
        by_action.setdefault(event.action, []).append(event)
    for code, of_action in by_action.items():
        action = actions.get(code) if code in actions else None
        if action is not None and action.preload is not None:
            names.extra[code] = action.preload(of_action)
    return names


def describe(event, names: Names, actions) -> Markup:
    """The sentence of ``event``; its code and details when no feature registered it."""
    if event.action in actions:
        try:
            return actions.get(event.action).describe(event, names)
        except (KeyError, TypeError, ValueError, AttributeError):
            pass  # details of an older shape: fall back to the raw record below
    return sentence(N_("%(actor)s: %(action)s"), actor=names.actor(event), action=event.action)


def action_choices(actions, recorded: Iterable[str]) -> list[tuple[str, str]]:
    """(code, label) of the action filter: every registered action, then any code the
    trail holds that nobody registered, by label."""
    choices = {code: str(action.label) for code, action in actions.items()}
    for code in recorded:
        choices.setdefault(code, code)
    return sorted(choices.items(), key=lambda item: item[1].casefold())
