"""Forms of the certificate pages."""
from __future__ import annotations

from flask_wtf.file import FileField, FileRequired
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired

from lms.forms import LmsForm, max_length, upload_size
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
