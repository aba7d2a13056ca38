"""Forms of the external completions: the submission (one evidence file) and HR's
rejection (a reason is required). Verifying is a button (``lms.forms.ButtonForm``)."""
from __future__ import annotations

from flask import current_app
from flask_wtf.file import FileField, FileRequired
from wtforms import IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Optional, ValidationError

from lms.accounts.text_rules import visible_text
from lms.config import evidence_max_bytes
from lms.credits.external import providers
from lms.credits.external.evidence import EvidenceError, read_evidence
from lms.forms import DayField, LmsForm, max_length
from lms.i18n import _, _l


class SubmissionForm(LmsForm):
    staff_code = StringField(
        _l("Staff code of the learner"), validators=[Optional(), max_length(40), visible_text],
        description=_l("HR officers: the learner you enter this for. Leave it empty to "
                       "record your own course."))
    source = SelectField(_l("Provider and course"), validate_choice=True)
    provider_other = StringField(
        _l("Provider (when not in the list)"), validators=[max_length(200), visible_text])
    course_title = StringField(
        _l("Course title, as on the evidence"),
        validators=[DataRequired(), max_length(300), visible_text])
    periods = IntegerField(_l("Periods (tiết)"), validators=[InputRequired()])
    # InputRequired, not DataRequired: the latter would replace the day parser's own
    # message ("Tháng 2 năm 2025 không có ngày 31.") with "required".
    completed_on = DayField(_l("Completed on"), validators=[InputRequired()])
    evidence = FileField(
        _l("Evidence: the certificate or confirmation (PDF, PNG or JPEG)"),
        validators=[FileRequired(_l("Choose the evidence file."))])

    def __init__(self, *args, with_staff_code: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not with_staff_code:
            del self.staff_code
        catalogue = providers.catalogue()
        self.source.choices = [SelectChoice(course.code, course.label())
                               for course in catalogue.courses]
        self.source.choices.append(SelectChoice(providers.OTHER, _("Other provider or course")))
        #: What the evidence turned out to be (evidence.Evidence), once validated.
        self.checked_evidence = None

    def validate_provider_other(self, field) -> None:
        if self.source.data == providers.OTHER and not (field.data or "").strip():
            raise ValidationError(_("Name the provider of a course that is not in the list."))

    def validate_periods(self, field) -> None:
        limit = providers.catalogue().max_periods_of(self.source.data or "")
        if field.data is None or not 1 <= field.data <= limit:
            raise ValidationError(_("Enter a whole number of periods from 1 to %(max)d.", max=limit))

    def validate_completed_on(self, field) -> None:
        from lms.dates import today

        if field.data and field.data > today():
            raise ValidationError(_("The completion date cannot be in the future."))

    def validate_evidence(self, field) -> None:
        limit = evidence_max_bytes(current_app.config)
        try:
            self.checked_evidence = read_evidence(field.data.stream, limit)
        except EvidenceError as error:
            raise ValidationError(evidence_message(error)) from None


def evidence_message(error: EvidenceError) -> str:
    if error.reason == "too_large":
        return _("The evidence file is larger than %(limit)s; scan or photograph it at a "
                 "lower resolution.", limit=size_text(error.limit))
    if error.reason == "empty":
        return _("The evidence file is empty.")
    if error.reason == "image":
        return _("The image cannot be read: it is damaged or too large in pixels. Save it "
                 "again as PNG or JPEG.")
    return _("The evidence must be a PDF, PNG or JPEG file; this file is none of them, "
             "whatever its name says.")


def size_text(size: int) -> str:
    megabytes = size / (1024 * 1024)
    if megabytes >= 1:
        return f"{megabytes:.1f}".rstrip("0").rstrip(".").replace(".", ",") + " MB"
    return f"{max(size // 1024, 1)} kB"


class RejectForm(LmsForm):
    reason = TextAreaField(_l("Reason for the rejection (the learner reads it)"),
                           validators=[DataRequired(), max_length(500)])
