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


@require("admin.manage_units")
def new_unit():
    form = OrgUnitForm()
    form.parent_id.choices = unit_choices()
    if form.validate_on_submit():
        parent = get_session().get(OrgUnit, form.parent_id.data) if form.parent_id.data else None
        try:
            operations.create_org_unit(form.code.data.strip(), form.name_vi.data.strip(),
                                       form.name_en.data.strip(), parent,
                                       actor=current_principal().learner)
        except operations.AccountError as error:
            form.code.errors.append(str(error))
        else:
            flash(_("The org unit has been created."), "success")
            return redirect(url_for("lms.admin.units"))
    return render_template("lms/admin/unit_form.html", form=form, unit=None)


@require("admin.manage_units")
def edit_unit(unit_id: int):
    unit = load_or_404(OrgUnit, unit_id)
    form = OrgUnitForm(obj=unit)
    del form.parent_id  # moving has its own page with the cycle check
    if form.validate_on_submit():
        try:
            operations.update_org_unit(unit, code=form.code.data.strip(),
                                       name_vi=form.name_vi.data.strip(),
                                       name_en=form.name_en.data.strip(),
                                       actor=current_principal().learner)
        except operations.AccountError as error:
            form.code.errors.append(str(error))
        else:
            flash(_("The org unit has been saved."), "success")
            return redirect(url_for("lms.admin.units"))
    return render_template("lms/admin/unit_form.html", form=form, unit=unit)


@require("admin.manage_units")
def move_unit(unit_id: int):
    unit = load_or_404(OrgUnit, unit_id)
    form = MoveOrgUnitForm(parent_id=unit.parent_id or 0)
    # Every unit is offered so that a forged or stale choice gets the explicit refusal below.
    form.parent_id.choices = unit_choices()
    if form.validate_on_submit():
        parent = get_session().get(OrgUnit, form.parent_id.data) if form.parent_id.data else None
        try:
            operations.move_org_unit(unit, parent, actor=current_principal().learner)
        except operations.AccountError as error:
            form.parent_id.errors.append(str(error))
        else:
            flash(_("The org unit has been moved."), "success")
            return redirect(url_for("lms.admin.units"))
    return render_template("lms/admin/unit_move.html", form=form, unit=unit)
