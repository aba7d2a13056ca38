"""Confirmation pages before the admin's destructive actions (no JavaScript needed).

Each is a GET on the action's own address; the page's button POSTs to the action, which
works as before (and still refuses without a valid CSRF token).
"""
from __future__ import annotations

from flask import abort, render_template, url_for

from lms.accounts.models import Learner, RoleGrant
from lms.admin.forms import ROLE_LABELS
from lms.auth.access import load_or_404, require
from lms.forms import ButtonForm
from lms.i18n import _, current_locale


def _confirm(**context):
    return render_template("lms/confirm.html", form=ButtonForm(formdata=None), **context)


@require("admin.manage_learners")
def confirm_reset_password(learner_id: int):
    learner = load_or_404(Learner, learner_id)
    if learner.user is None:
        abort(404)
    return _confirm(
        heading=_("Reset the password of %(name)s?", name=learner.full_name),
        question=_("A new temporary password is made and shown to you once."),
        consequences=[_("The current password stops working at once."),
                      _("%(name)s must choose a new password at the next sign-in.", name=learner.full_name)],
        action_url=url_for("lms.admin.reset_password", learner_id=learner.id),
        button=_("Reset the password"),
        cancel_url=url_for("lms.admin.edit_learner", learner_id=learner.id))


@require("admin.manage_learners")
def confirm_deactivate(learner_id: int):
    learner = load_or_404(Learner, learner_id)
    return _confirm(
        heading=_("Deactivate the account of %(name)s?", name=learner.full_name),
        question=_("The person can no longer sign in. Their learning records stay, and the "
                   "account can be activated again."),
        consequences=[_("Every session of this person ends.")],
        action_url=url_for("lms.admin.set_learner_active", learner_id=learner.id),
        hidden={"active": "0"}, button=_("Deactivate"),
        cancel_url=url_for("lms.admin.edit_learner", learner_id=learner.id))


@require("admin.grant_roles")
def confirm_revoke_role(learner_id: int, grant_id: int):
    learner = load_or_404(Learner, learner_id)
    grant = load_or_404(RoleGrant, grant_id)
    if grant.learner_id != learner.id:
        abort(404)
    role = str(ROLE_LABELS.get(grant.role, grant.role.value))
    if grant.org_unit is not None:
        question = _("%(name)s will no longer be %(role)s for %(unit)s.", name=learner.full_name,
                     role=role, unit=grant.org_unit.name(current_locale()))
    else:
        question = _("%(name)s will no longer be %(role)s.", name=learner.full_name, role=role)
    return _confirm(
        heading=_("Revoke the role %(role)s?", role=role), question=question, consequences=[],
        action_url=url_for("lms.admin.revoke_role", learner_id=learner.id, grant_id=grant.id),
        button=_("Revoke"), cancel_url=url_for("lms.admin.edit_learner", learner_id=learner.id))
