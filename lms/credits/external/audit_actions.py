"""How the external-completion actions read in the audit log (``state.audit_actions``).

The sentences use the details kept in the event (the learner's name and the course as
they were), so they stay readable whatever changes later.
"""
from __future__ import annotations

from flask import url_for
from markupsafe import Markup

from lms.audit.sentences import N_, AuditAction, sentence
from lms.i18n import _l


def _submission(event) -> Markup:
    """The submission's course title, linked to its page."""
    details = event.details or {}
    title = details.get("title") or "—"
    if not str(event.object_id).isdigit():
        return Markup.escape(title)
    return Markup('<a href="{}">{}</a>').format(
        url_for("lms.credits.external.detail", submission_id=int(event.object_id)), title)


def _describe(message):
    def describe(event, names) -> Markup:
        details = event.details or {}
        return sentence(message, actor=names.actor(event), person=details.get("full_name", "—"),
                        course=_submission(event), provider=details.get("provider", "—"),
                        periods=details.get("periods", "?"), reason=details.get("reason", ""))

    return describe


ACTIONS = {
    "credits.external_submitted": AuditAction(_l("External completion submitted"), _describe(N_(
        "%(actor)s submitted an external completion for %(person)s: %(course)s (%(provider)s, "
        "%(periods)s periods)."))),
    "credits.external_evidence_viewed": AuditAction(_l("External completion evidence viewed"), _describe(N_(
        "%(actor)s opened the evidence file of %(person)s for %(course)s."))),
    "credits.external_verified": AuditAction(_l("External completion verified"), _describe(N_(
        "%(actor)s verified the external completion of %(person)s: %(course)s (%(periods)s periods)."))),
    "credits.external_rejected": AuditAction(_l("External completion rejected"), _describe(N_(
        "%(actor)s rejected the external completion of %(person)s: %(course)s. Reason: %(reason)s"))),
}


def register(state) -> None:
    for code, action in ACTIONS.items():
        state.audit_actions.register(code, action)
