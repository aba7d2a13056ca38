"""How the shortlist's changes read in the audit log (``state.audit_actions``)."""

from __future__ import annotations

from lms.audit.sentences import N_, AuditAction, sentence
from lms.i18n import _, _l


def _value(name: str, value) -> str:
    from lms.credits.shortlist_rules import Discipline, Rating
    from lms.credits.shortlist_text import DISCIPLINE_LABELS, RATING_LABELS

    if value is None or value == "":
        return _("not entered")
    if name == "rating" and value in {level.value for level in Rating}:
        return str(RATING_LABELS[Rating(value)])
    if name == "discipline" and value in {level.value for level in Discipline}:
        return str(DISCIPLINE_LABELS[Discipline(value)])
    return str(value)


def _changes(details: dict) -> str:
    labels = {
        "rating": _("annual rating"),
        "discipline": _("discipline"),
        "initiatives": _("recognised initiatives"),
    }
    changes = details.get("changes") or {}
    if not isinstance(changes, dict):
        return "—"
    return "; ".join(
        f"{labels.get(name, name)}: {_value(name, change.get('old'))} → {_value(name, change.get('new'))}"
        for name, change in changes.items()
        if isinstance(change, dict)
    )


def _appraisal_changed(event, names):
    details = event.details or {}
    return sentence(
        N_("%(actor)s changed the emulation inputs of %(person)s for %(period)s: %(changes)s."),
        actor=names.actor(event),
        person=names.object_person(event),
        period=details.get("period", "—"),
        changes=_changes(details),
    )


def _title_rule_changed(event, names):
    details = event.details or {}
    changes = details.get("changes") or {}
    return sentence(
        N_("%(actor)s changed the emulation title %(code)s of the shortlist: %(fields)s."),
        actor=names.actor(event),
        code=details.get("code", "—"),
        fields=", ".join(changes) if isinstance(changes, dict) else "—",
    )


ACTIONS = {
    "credits.appraisal_changed": AuditAction(_l("Emulation inputs changed"), _appraisal_changed),
    "credits.title_rule_changed": AuditAction(
        _l("Emulation title rule changed"), _title_rule_changed
    ),
}


def register(state) -> None:
    for code, action in ACTIONS.items():
        state.audit_actions.register(code, action)
