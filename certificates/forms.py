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
    """HR: the certificates of a unit subtree completed in a reporting period
    (``lms.reporting_periods``) or in a date range, as one ZIP.

    ``use_periods(periods, today)`` fills the period list (the current one preselected on
    the blank form) or, with none, removes the field: the form is then dates only."""

    unit = SelectField(_l("Org unit"), coerce=id_choice, validate_choice=True)
    period = SelectField(_l("Emulation period"), validate_choice=True, description=_l(
        "Choose a period, or “By the dates below” and fill in both dates."))
    date_from = DateField(_l("Completed from"), validators=[Optional()])
    date_to = DateField(_l("Completed until"), validators=[Optional()])

    def use_periods(self, periods, today) -> None:
        self._periods = {period.code: period for period in periods}
        if not periods:
            del self.period
            return
        self.period.choices = [("", _l("By the dates below")),
                               *((period.code, period.label()) for period in periods)]
        if not self.is_submitted():
            from lms.reporting_periods import current

            now = current(periods, today)
            self.period.data = now.code if now else ""

    def chosen_period(self):
        """The reporting period chosen, or None for the date range."""
        field = getattr(self, "period", None)
        return self._periods.get(field.data) if field is not None and field.data else None

    def span(self):
        """(first day, last day) of the selection: the period's, or the dates'."""
        period = self.chosen_period()
        if period is not None:
            return period.starts_on, period.ends_on
        return self.date_from.data, self.date_to.data

    def validate(self, extra_validators=None) -> bool:
        # The dates are optional fields (a browser sends them empty beside a chosen
        # period); without a period both are needed, checked here after the fields.
        valid = super().validate(extra_validators)
        period_field = getattr(self, "period", None)
        if self.chosen_period() is not None or (period_field is not None and period_field.errors):
            return valid
        for field, message in (
                (self.date_from, _l("Enter the first day, or choose an emulation period.")),
                (self.date_to, _l("Enter the last day, or choose an emulation period."))):
            if field.data is None and not field.errors:
                field.errors.append(message)
                valid = False
        if self.date_from.data and self.date_to.data and self.date_to.data < self.date_from.data:
            self.date_to.errors.append(_l("The end date is before the start date."))
            valid = False
        return valid
