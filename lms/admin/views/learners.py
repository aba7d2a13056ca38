"""Learner administration: search, create, edit, deactivate, password reset, roles."""
from __future__ import annotations

from flask import (abort, current_app, flash, get_template_attribute, redirect, render_template,
                   request, url_for)
from sqlalchemy.exc import IntegrityError
from wtforms.fields.choices import SelectChoice

from lms.accounts import operations, queries
from lms.accounts.models import Gender, Learner, LearnerCategory, OrgUnit, Role, RoleGrant
from lms.admin.forms import GrantRoleForm, LearnerForm, LearnerSearchForm, unit_choices
from lms.audit.record_views import record_record_view
from lms.auth.access import load_or_404, require
from lms.auth.principal import current_principal
from lms.db import get_session
from lms.forms import ButtonForm
from lms.pagination import decode_cursor
from lms.i18n import _
from lms.policy import can


@require("admin.manage_learners")
def list_learners():
    form = LearnerSearchForm(request.args)
    form.unit.choices = [SelectChoice(0, _("All units"))] + unit_choices()[1:]
    valid = form.validate()  # a 5,000-character search shows its error, it is not run
    unit = get_session().get(OrgUnit, form.unit.data) if valid and form.unit.data else None
    result = queries.search_learners_keyset(
        form.q.data if valid else None, unit, current_app.config["LMS_PAGE_SIZE"],
        after=decode_cursor(request.args.get("after"), queries.SEARCH_CURSOR_TYPES),
        before=decode_cursor(request.args.get("before"), queries.SEARCH_CURSOR_TYPES))
    total = queries.count_search(form.q.data if valid else None, unit,
                                 current_app.config["LMS_LIST_COUNT_SECONDS"])
    return render_template("lms/admin/learners.html", form=form, learners=result.items,
                           keyset=result, total=total)


def _profile_fields(form: LearnerForm) -> dict:
    session = get_session()
    return {
        "full_name": form.full_name.data,
        "staff_code": form.staff_code.data,
        "email": form.email.data or None,
        "birth_date": form.birth_date.data,
        "gender": Gender(form.gender.data) if form.gender.data else None,
        "category": LearnerCategory(form.category.data) if form.category.data else None,
        "position": form.position.data or None,
        "org_unit": session.get(OrgUnit, form.org_unit_id.data) if form.org_unit_id.data else None,
        "hired_on": form.hired_on.data,
    }


@require("admin.manage_learners")
def new_learner():
    form = LearnerForm()
    form.org_unit_id.choices = unit_choices()
    if form.validate_on_submit():
        response = _save_learner(form, None, _("The learner has been created."))
        if response is not None:
            return response
    return render_template("lms/admin/learner_form.html", form=form, learner=None)


def _save_learner(form: LearnerForm, learner: Learner | None, success: str):
    """Create or update the profile, and the account when a username is given for a
    person without one. Returns the redirect, or None with the error on its field."""
    try:
        actor = current_principal().learner
        if learner is None:
            learner = operations.create_learner(actor=actor, **_profile_fields(form))
        else:
            operations.apply_profile(learner, _profile_fields(form), actor=actor)
    except operations.AccountError as error:
        get_session().rollback()
        form.staff_code.errors.append(str(error))
        return None
    password = None
    if learner.user is None and form.username.data:
        password = operations.new_temporary_password(learner, form.username.data)
        try:
            operations.create_account(learner, form.username.data, password, must_change_password=True)
        except operations.AccountError as error:
            get_session().rollback()
            form.username.errors.append(str(error))
            return None
    flash(success, "success")
    if password:
        _flash_temporary_password(learner, password)
    return redirect(url_for("lms.admin.edit_learner", learner_id=learner.id))


def _flash_temporary_password(learner: Learner, password: str) -> None:
    """The new password as a readable block (lms/_secret.html). The flash travels in the
    signed session cookie until the next page shows it, then it is gone."""
    from markupsafe import Markup, escape

    block = get_template_attribute("lms/_secret.html", "temporary_password")(password)
    flash(Markup(_("Temporary password for %(username)s: %(password)s — give it to the person; "
                   "it is shown only once and must be changed at first sign-in.",
                   username=escape(learner.user.username), password=block)), "secret")


@require("admin.manage_learners")
def edit_learner(learner_id: int):
    learner = load_or_404(Learner, learner_id)
    if request.method == "GET":  # the profile is personal data: its reads are audited
        record_record_view(current_principal().learner, learner.id, page="admin")
    form = LearnerForm(obj=learner, org_unit_id=learner.org_unit_id or 0,
                       gender=learner.gender.value if learner.gender else "",
                       category=learner.category.value if learner.category else "",
                       username=learner.user.username if learner.user else "")
    form.org_unit_id.choices = unit_choices()
    if learner.user is not None:
        form.username.render_kw = {"readonly": True}
        # Shown, never saved again: an account made before today's username rule must not
        # block edits of its profile.
        form.username.validators = []
    if form.validate_on_submit():
        response = _save_learner(form, learner, _("The learner has been saved."))
        if response is not None:
            return response
    grant_form = GrantRoleForm()
    grant_form.org_unit_id.choices = unit_choices()
    return render_template("lms/admin/learner_form.html", form=form, learner=learner,
                           grants=queries.grants_of(learner), grant_form=grant_form,
                           action_form=ButtonForm())


@require("admin.manage_learners")
def set_active(learner_id: int):
    learner = load_or_404(Learner, learner_id)
    if not ButtonForm().validate_on_submit():
        abort(400)
    make_active = request.form.get("active") == "1"
    if not make_active and not can(current_principal(), "admin.deactivate_learner", learner):
        flash(_("You cannot deactivate your own account."), "error")
    elif learner.is_active != make_active:
        operations.set_active(learner, make_active, actor=current_principal().learner)
        flash(_("The learner has been activated.") if make_active
              else _("The learner has been deactivated."), "success")
    return redirect(url_for("lms.admin.edit_learner", learner_id=learner.id))


@require("admin.manage_learners")
def reset_password(learner_id: int):
    learner = load_or_404(Learner, learner_id)
    if not ButtonForm().validate_on_submit() or learner.user is None:
        abort(400)
    password = operations.new_temporary_password(learner, learner.user.username)
    operations.reset_password(learner.user, password, actor=current_principal().learner)
    _flash_temporary_password(learner, password)
    return redirect(url_for("lms.admin.edit_learner", learner_id=learner.id))


@require("admin.grant_roles")
def grant_role(learner_id: int):
    learner = load_or_404(Learner, learner_id)
    form = GrantRoleForm()
    form.org_unit_id.choices = unit_choices()
    if not form.validate_on_submit():
        flash(_("The role could not be granted: check the form."), "error")
        return redirect(url_for("lms.admin.edit_learner", learner_id=learner.id))
    role = Role(form.role.data)
    unit = get_session().get(OrgUnit, form.org_unit_id.data) if form.org_unit_id.data else None
    try:
        operations.grant_role(learner, role, unit if role == Role.HR else None,
                              actor=current_principal().learner)
    except operations.AccountError as error:
        flash(str(error), "error")
    except IntegrityError:
        get_session().rollback()  # the same grant was just made by a parallel request
    else:
        flash(_("The role has been granted."), "success")
    return redirect(url_for("lms.admin.edit_learner", learner_id=learner.id))


@require("admin.grant_roles")
def revoke_role(learner_id: int, grant_id: int):
    learner = load_or_404(Learner, learner_id)
    grant = load_or_404(RoleGrant, grant_id)
    if grant.learner_id != learner.id:
        abort(404)
    if not ButtonForm().validate_on_submit():
        abort(400)
    if not can(current_principal(), "admin.revoke_role", grant):
        flash(_("You cannot remove your own administrator role."), "error")
    else:
        operations.revoke_role(grant, actor=current_principal().learner)
        flash(_("The role has been revoked."), "success")
    return redirect(url_for("lms.admin.edit_learner", learner_id=learner.id))
