"""Org-unit administration: list as a tree, create, edit, move."""
from __future__ import annotations

from flask import flash, redirect, render_template, url_for

from lms.accounts import operations, queries
from lms.accounts.models import OrgUnit
from lms.admin.forms import MoveOrgUnitForm, OrgUnitForm, unit_choices
from lms.auth.access import load_or_404, require
from lms.auth.principal import current_principal
from lms.db import get_session
from lms.i18n import _


@require("admin.access")
def index():
    return redirect(url_for("lms.admin.learners"))


@require("admin.manage_units")
def list_units():
    return render_template("lms/admin/units.html", units=queries.org_units_in_tree_order())


def _submit(form, act, *, error_field, done: str, template: str, **context):
    """The shape of every unit form: on a valid POST run ``act``; an AccountError goes
    under ``error_field`` and the form shows again, success goes back to the tree."""
    if form.validate_on_submit():
        try:
            act()
        except operations.AccountError as error:
            error_field.errors.append(str(error))
        else:
            flash(done, "success")
            return redirect(url_for("lms.admin.units"))
    return render_template(template, form=form, **context)


def _chosen_parent(form) -> OrgUnit | None:
    return get_session().get(OrgUnit, form.parent_id.data) if form.parent_id.data else None


@require("admin.manage_units")
def new_unit():
    form = OrgUnitForm()
    form.parent_id.choices = unit_choices()
    return _submit(
        form, lambda: operations.create_org_unit(
            form.code.data.strip(), form.name_vi.data.strip(), form.name_en.data.strip(),
            _chosen_parent(form), actor=current_principal().learner),
        error_field=form.code, done=_("The org unit has been created."),
        template="lms/admin/unit_form.html", unit=None)


@require("admin.manage_units")
def edit_unit(unit_id: int):
    unit = load_or_404(OrgUnit, unit_id)
    form = OrgUnitForm(obj=unit)
    del form.parent_id  # moving has its own page with the cycle check
    return _submit(
        form, lambda: operations.update_org_unit(
            unit, code=form.code.data.strip(), name_vi=form.name_vi.data.strip(),
            name_en=form.name_en.data.strip(), actor=current_principal().learner),
        error_field=form.code, done=_("The org unit has been saved."),
        template="lms/admin/unit_form.html", unit=unit)


@require("admin.manage_units")
def move_unit(unit_id: int):
    unit = load_or_404(OrgUnit, unit_id)
    form = MoveOrgUnitForm(parent_id=unit.parent_id or 0)
    # Every unit is offered so that a forged or stale choice gets the explicit refusal below.
    form.parent_id.choices = unit_choices()
    return _submit(
        form, lambda: operations.move_org_unit(unit, _chosen_parent(form),
                                               actor=current_principal().learner),
        error_field=form.parent_id, done=_("The org unit has been moved."),
        template="lms/admin/unit_move.html", unit=unit)
