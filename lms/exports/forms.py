"""Forms of the export pages: the filters (a GET form: the row count preview), the run
(the same fields with CSRF), the check of a file, API tokens."""
from __future__ import annotations

import re

from flask_wtf.file import FileField
from wtforms import DateField, SelectField, StringField
from wtforms.validators import DataRequired, Optional, ValidationError

from lms.forms import LmsForm, id_choice, max_length, upload_size
from lms.i18n import _l

_SHA256 = re.compile(r"^[0-9a-fA-F]{64}$")
_COURSE_CODE = re.compile(r"^[A-Za-z0-9_.-]{1,32}$")


def _course_code(form, field) -> None:
    if field.data and not _COURSE_CODE.match(field.data):
        raise ValidationError(_l("A course code has only letters, digits, dots, dashes and underscores."))


def _dates_in_order(form) -> bool:
    # A dataset without dates has no date fields (the view removes them).
    start, end = getattr(form, "date_from", None), getattr(form, "date_to", None)
    if start is not None and end is not None and start.data and end.data and start.data > end.data:
        form.date_to.errors = [*form.date_to.errors, _l("The end date is before the start date.")]
        return False
    return True


class ExportFields(LmsForm):
    """The filters; choices are set by the view (the asker's units, the dataset's
    statuses)."""

    unit = SelectField(_l("Org unit (with its sub-units)"), coerce=id_choice, default=0,
                       validate_choice=True)
    date_from = DateField(_l("Completed from"), validators=[Optional()])
    date_to = DateField(_l("Completed until"), validators=[Optional()])
    period = StringField(_l("Emulation period code"), validators=[Optional(), max_length(32)])
    code = StringField(_l("Course code"), validators=[Optional(), max_length(32), _course_code])
    topic = SelectField(_l("Topic"), default="", validate_choice=True)
    status = SelectField(_l("Status"), default="", validate_choice=True)
    category = SelectField(_l("Category"), default="", validate_choice=True)
    format = SelectField(_l("File format"), validate_choice=True)
    locale = SelectField(_l("Language of the headers"), validate_choice=True)

    def validate(self, extra_validators=None) -> bool:
        return super().validate(extra_validators) and _dates_in_order(self)


class ExportFilterForm(ExportFields):
    """A GET form: looking at the count changes nothing."""

    class Meta:
        csrf = False


class ExportRunForm(ExportFields):
    """The same fields, posted with CSRF: running an export is recorded."""


def _sha256(form, field) -> None:
    if field.data and not _SHA256.match(field.data.strip()):
        raise ValidationError(_l("A SHA-256 is 64 hexadecimal characters."))


class CheckExportForm(LmsForm):
    file = FileField(_l("The exported file"), validators=[upload_size])
    sha256 = StringField(_l("Or its SHA-256"), validators=[Optional(), max_length(80), _sha256])

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        if not self.file.data and not (self.sha256.data or "").strip():
            self.sha256.errors = [*self.sha256.errors, _l("Upload the file or paste its SHA-256.")]
            return False
        return True


class ApiTokenForm(LmsForm):
    name = StringField(_l("Name (who uses it)"), validators=[DataRequired(), max_length(120)])
    org_unit_id = SelectField(_l("Units it may read"), coerce=id_choice, validate_choice=True)
