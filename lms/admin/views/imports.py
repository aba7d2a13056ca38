"""Learner import from CSV or XLSX: validate everything, then write all or nothing."""
from __future__ import annotations

from flask import current_app, render_template

from lms.accounts.import_file import ImportFileError
from lms.accounts.operations import AccountError
from lms.accounts.import_operations import import_learners as run_import
from lms.admin.forms import ImportLearnersForm
from lms.auth.access import require
from lms.auth.principal import current_principal
from lms.db import get_session
from lms.i18n import _


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
    return render_template("lms/admin/import.html", form=form, outcome=outcome,
                           file_error=file_error)
