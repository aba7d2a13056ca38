"""Admin pages of the read API's tokens: create (the secret is shown once), revoke."""
from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from wtforms.fields.choices import SelectChoice

from lms.accounts.models import OrgUnit
from lms.admin.forms import unit_choices
from lms.auth.access import load_or_404, require
from lms.auth.principal import current_principal
from lms.db import get_session
from lms.exports import operations, queries
from lms.exports.forms import ApiTokenForm
from lms.exports.models import ApiToken
from lms.forms import ButtonForm
from lms.i18n import _, nfc


@require("exports.manage_api_tokens")
def api_tokens():
    form = ApiTokenForm()
    form.org_unit_id.choices = [SelectChoice(0, _("Every unit"))] + unit_choices()[1:]
    secret = None
    if form.validate_on_submit():
        unit = get_session().get(OrgUnit, form.org_unit_id.data) if form.org_unit_id.data else None
        _token, secret = operations.create_api_token(nfc(form.name.data.strip()), unit,
                                                      actor=current_principal().learner)
    return render_template("lms/exports/api_tokens.html", form=form, secret=secret,
                           tokens=queries.api_tokens(), button=ButtonForm())


@require("exports.manage_api_tokens")
def revoke_api_token(token_id: int):
    token = load_or_404(ApiToken, token_id)
    if ButtonForm().validate_on_submit() and operations.revoke_api_token(
            token, actor=current_principal().learner):
        flash(_("The token is revoked: it no longer opens the API."), "success")
    return redirect(url_for(".api_tokens"))
