"""Forms of the certificate pages."""
from __future__ import annotations

from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Optional

from lms.forms import LmsForm, id_choice, max_length, upload_size
from lms.i18n import _l


class LookupForm(LmsForm):
    """Find a certificate by its serial and the holder's name (GET: a bookmarkable check)."""

    class Meta:
        csrf = False  # a read-only search, like the catalog filter

    serial = StringField(_l("Certificate number"), validators=[DataRequired(), max_length(80)])
    name = StringField(_l("Full name as printed"), validators=[DataRequired(), max_length(200)])


class UploadCheckForm(LmsForm):
    """Upload a PDF to check it is byte-for-byte the one issued."""

    file = FileField(_l("Certificate PDF file"), validators=[FileRequired(), upload_size])


class RevokeForm(LmsForm):
    reason = TextAreaField(_l("Reason for the revocation"),
                           validators=[DataRequired(), max_length(500)])


class CertificateSearchForm(LmsForm):
    class Meta:
        csrf = False  # a GET search: nothing changes

    q = StringField(_l("Certificate number or name"), validators=[Optional(), max_length(200)])


class ArchiveForm(LmsForm):
    """HR: the certificates of a unit subtree completed in a date range, as one ZIP."""

    unit = SelectField(_l("Org unit"), coerce=id_choice, validate_choice=True)
    date_from = DateField(_l("Completed from"), validators=[DataRequired()])
    date_to = DateField(_l("Completed until"), validators=[DataRequired()])

    def validate_date_to(self, field) -> None:
        from wtforms.validators import ValidationError

        if self.date_from.data and field.data and field.data < self.date_from.data:
            raise ValidationError(_l("The end date is before the start date."))
