"""Sentences of the actions the core records (sign-in, accounts, units, roles)."""
from __future__ import annotations

from lms.audit.sentences import N_, AuditAction, sentence
from lms.i18n import _l


def _role(code: str) -> str:
    from lms.accounts.models import Role
    from lms.admin.forms import ROLE_LABELS

    return str(ROLE_LABELS.get(Role(code), code))


def _details(event) -> dict:
    return event.details or {}


def _fields(changes: dict) -> str:
    from lms.i18n import _

    labels = {"full_name": _("full name"), "staff_code": _("staff code"), "email": _("e-mail"),
              "birth_date": _("birth date"), "gender": _("gender"), "category": _("category"),
              "position": _("position"), "org_unit": _("org unit"), "hired_on": _("hired on"),
              "code": _("code"), "name_vi": _("Vietnamese name"), "name_en": _("English name")}
    return ", ".join(labels.get(name, name) for name in changes)


def _role_granted(event, names):
    details = _details(event)
    if details.get("org_unit"):
        return sentence(N_("%(actor)s granted the role %(role)s for %(unit)s to %(person)s."),
                        actor=names.actor(event), role=_role(details["role"]),
                        unit=names.unit(details["org_unit"]), person=names.object_person(event))
    return sentence(N_("%(actor)s granted the role %(role)s to %(person)s."), actor=names.actor(event),
                    role=_role(details["role"]), person=names.object_person(event))


def _role_revoked(event, names):
    details = _details(event)
    if details.get("org_unit"):
        return sentence(N_("%(actor)s revoked the role %(role)s for %(unit)s from %(person)s."),
                        actor=names.actor(event), role=_role(details["role"]),
                        unit=names.unit(details["org_unit"]), person=names.object_person(event))
    return sentence(N_("%(actor)s revoked the role %(role)s from %(person)s."), actor=names.actor(event),
                    role=_role(details["role"]), person=names.object_person(event))


def _about_person(message):
    return lambda event, names: sentence(message, actor=names.actor(event),
                                         person=names.object_person(event))


def _about_unit(message):
    return lambda event, names: sentence(
        message, actor=names.actor(event),
        unit=names.unit(_details(event).get("code"), event.object_id))


def _unit_changed(event, names):
    details = _details(event)
    none = _l("no unit")
    return sentence(N_("%(actor)s moved %(person)s from %(old)s to %(new)s."), actor=names.actor(event),
                    person=names.object_person(event),
                    old=names.unit(details["from"]) if details.get("from") else none,
                    new=names.unit(details["to"]) if details.get("to") else none)


def _unit_moved(event, names):
    details = _details(event)
    top = _l("the top level")
    return sentence(N_("%(actor)s moved the unit %(unit)s under %(parent)s."), actor=names.actor(event),
                    unit=names.unit(details.get("code"), event.object_id),
                    parent=names.unit(details["to_parent"]) if details.get("to_parent") else top)


def _units_merged(event, names):
    details = _details(event)
    return sentence(N_("%(actor)s merged the unit %(source)s into %(target)s (%(reason)s)."),
                    actor=names.actor(event), source=names.unit(details["source"]),
                    target=names.unit(details["target"]), reason=details.get("reason") or "—")


def _updated(message):
    return lambda event, names: sentence(
        message, actor=names.actor(event), person=names.object_person(event),
        unit=names.unit(_details(event).get("code"), event.object_id),
        fields=_fields(_details(event).get("changes") or {}))


def _imported(event, names):
    details = _details(event)
    return sentence(N_("%(actor)s imported learners from %(file)s: %(created)s added, %(updated)s "
                    "updated, %(skipped)s rows skipped."), actor=names.actor(event),
                    file=event.object_id or "—", created=details.get("created", 0),
                    updated=details.get("updated", 0), skipped=details.get("skipped", 0))


def _login_failed(event, _names):
    return sentence(N_("A sign-in as %(username)s failed."), username=event.actor_label or "—")


def _login_throttled(event, _names):
    return sentence(N_("A sign-in as %(username)s was held back %(seconds)s s after repeated failures."),
                    username=event.actor_label or "—", seconds=_details(event).get("wait_seconds", "?"))


def _sessions_ended(event, names):
    return sentence(N_("%(actor)s signed out %(count)s other sessions."), actor=names.actor(event),
                    count=_details(event).get("count", 0))


def _deleted_person(event, names):
    details = _details(event)
    return sentence(N_("%(actor)s deleted the profile of %(name)s (%(code)s)."), actor=names.actor(event),
                    name=details.get("full_name", "—"), code=details.get("staff_code") or "—")


def _deleted_unit(event, names):
    details = _details(event)
    return sentence(N_("%(actor)s deleted the unit %(name)s (%(code)s)."), actor=names.actor(event),
                    name=details.get("name_vi", "—"), code=details.get("code", "—"))


CORE_ACTIONS = {
    "auth.login": AuditAction(_l("Sign in"), lambda e, n: sentence(N_("%(actor)s signed in."), actor=n.actor(e))),
    "auth.login_failed": AuditAction(_l("Failed sign-in"), _login_failed),
    "auth.login_throttled": AuditAction(_l("Sign-in held back"), _login_throttled),
    "auth.password_changed": AuditAction(_l("Password changed"), lambda e, n: sentence(N_("%(actor)s changed their password."), actor=n.actor(e))),
    "auth.sessions_ended": AuditAction(_l("Other sessions signed out"), _sessions_ended),
    "learner.record_viewed": AuditAction(_l("Learner record opened"), _about_person(N_("%(actor)s opened the learning record of %(person)s."))),
    "learner.unit_changed": AuditAction(_l("Learner moved to a unit"), _unit_changed),
    "admin.learners_imported": AuditAction(_l("Learners imported"), _imported),
    "admin.learner_created": AuditAction(_l("Learner added"), _about_person(N_("%(actor)s added %(person)s."))),
    "admin.learner_updated": AuditAction(_l("Learner profile changed"), _updated(N_("%(actor)s changed the profile of %(person)s: %(fields)s."))),
    "admin.learner_deleted": AuditAction(_l("Learner deleted"), _deleted_person),
    "admin.learner_activated": AuditAction(_l("Account activated"), _about_person(N_("%(actor)s activated the account of %(person)s."))),
    "admin.learner_deactivated": AuditAction(_l("Account deactivated"), _about_person(N_("%(actor)s deactivated the account of %(person)s."))),
    "admin.password_reset": AuditAction(_l("Password reset"), _about_person(N_("%(actor)s reset the password of %(person)s."))),
    "admin.role_granted": AuditAction(_l("Role granted"), _role_granted),
    "admin.role_revoked": AuditAction(_l("Role revoked"), _role_revoked),
    "admin.unit_created": AuditAction(_l("Unit created"), _about_unit(N_("%(actor)s created the unit %(unit)s."))),
    "admin.unit_updated": AuditAction(_l("Unit changed"), _updated(N_("%(actor)s changed the unit %(unit)s: %(fields)s."))),
    "admin.unit_moved": AuditAction(_l("Unit moved"), _unit_moved),
    "admin.unit_closed": AuditAction(_l("Unit closed"), _about_unit(N_("%(actor)s closed the unit %(unit)s."))),
    "admin.units_merged": AuditAction(_l("Units merged"), _units_merged),
    "admin.unit_deleted": AuditAction(_l("Unit deleted"), _deleted_unit),
}


def register_core_actions(state) -> None:
    for code, action in CORE_ACTIONS.items():
        state.audit_actions.register(code, action)
