"""Learner import from CSV or XLSX: validate everything, then write all or nothing."""
from __future__ import annotations

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for

from lms.accounts.import_file import ImportFileError
from lms.accounts.operations import AccountError
from lms.accounts.import_operations import import_learners as run_import
from lms.admin.forms import ImportLearnersForm
from lms.accounts import credential_sheets
from lms.accounts.credential_slips import slips_csv
from lms.auth.access import require
from lms.forms import ButtonForm
from lms.auth.principal import current_principal
from lms.db import get_session
from lms.i18n import _, current_locale


@require("admin.import_learners")
def import_learners():
    form = ImportLearnersForm()
    outcome = file_error = None
    if form.validate_on_submit():
        upload = form.file.data
        data = upload.read()  # its size is checked by the form (upload_size)
        try:
            outcome = run_import(upload.filename or "upload.csv", data,
                                 actor=current_principal().learner,
                                 import_valid_rows_only=form.import_valid_rows_only.data,
                                 max_rows=current_app.config["LMS_IMPORT_MAX_ROWS"])
        except ImportFileError as error:
            file_error = str(error)
        except AccountError:
            # A parallel import (double click, another admin) wrote the same people first.
            outcome = None
            file_error = _("Another import changed these learners at the same moment, so "
                           "nothing was imported from this file. Import it again: rows already "
                           "there will simply be left unchanged.")
        if outcome is None or not outcome.applied:
            get_session().rollback()  # nothing of a refused file is kept
    sheet_token = None
    if outcome is not None and outcome.applied and outcome.new_accounts:
        sheet_token = credential_sheets.store(
            _slips_file(outcome.new_accounts), actor_id=current_principal().learner.id,
            minutes=current_app.config["LMS_CREDENTIAL_SHEET_MINUTES"])
    return render_template("lms/admin/import.html", form=form, outcome=outcome,
                           file_error=file_error, sheet_token=sheet_token,
                           sheet_form=ButtonForm(formdata=None), sign_in_url=_sign_in_url(),
                           sheet_minutes=current_app.config["LMS_CREDENTIAL_SHEET_MINUTES"])


def _sign_in_url() -> str:
    return url_for("lms.auth.login", _external=True)


def _slips_file(accounts) -> bytes:
    return slips_csv(accounts, sign_in_url=_sign_in_url(), locale=current_locale(),
                     headers=[_("Full name"), _("Staff code"), _("Org unit"), _("Username"),
                              _("Temporary password"), _("Sign-in address")])


@require("admin.import_learners")
def download_credentials():
    """The import's credential CSV, once: the first download deletes it."""
    if not ButtonForm().validate_on_submit():
        abort(400)
    data = credential_sheets.take(request.form.get("token", ""))
    if data is None:
        flash(_("This list of temporary passwords was downloaded already or has expired. "
                "Reset the password of anyone whose slip is missing."), "error")
        return redirect(url_for("lms.admin.import_learners"))
    return Response(data, mimetype="text/csv", headers={
        "Content-Disposition": 'attachment; filename="tai-khoan-moi.csv"'})


@require("admin.import_learners")
def import_template(extension: str):
    """The import template, CSV or XLSX, with an example row naming a real unit code."""
    from lms.accounts import import_template as template
    from lms.accounts.queries import org_units_in_tree_order

    units = org_units_in_tree_order(include_closed=False)
    unit_code = units[-1].code if units else None
    if extension == "csv":
        data, mimetype = template.as_csv(unit_code), "text/csv"
    else:
        data = template.as_xlsx(unit_code)
        mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return Response(data, mimetype=mimetype, headers={
        "Content-Disposition": f'attachment; filename="mau-nhap-hoc-vien.{extension}"'})
