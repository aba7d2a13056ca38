"""Admin forms. Choices that come from the database are filled in by the view."""
from __future__ import annotations

import re

from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import BooleanField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Optional, Regexp, ValidationError

from lms.accounts import queries
from lms.accounts.import_validation import USERNAME
from lms.accounts.models import Gender, LearnerCategory, OrgUnit, Role
from lms.accounts.text_rules import email_address, visible_text
from lms.forms import DayField, LmsForm, id_choice, max_length, upload_size
from lms.i18n import _, _l

CODE_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*\Z")  # \Z: "$" would let a final "\n" in
_code_rule = Regexp(CODE_PATTERN, message=_l("Use letters, digits, '.', '_' or '-' only."))


def _username_rule(_form, field) -> None:
    """The same rule as the learner import: what people can type on any phone keyboard."""
    if field.data and not USERNAME.match(field.data.strip().casefold()):
        raise ValidationError(_l("A username has 3–80 characters: letters a–z, digits, '.', '_' or '-'."))


def unit_choices(exclude: OrgUnit | None = None) -> list[SelectChoice]:
    """Org-unit choices of a select, indented by depth, "none" first; a unit's own
    subtree is left out of its move list."""
    from lms.i18n import current_locale

    locale = current_locale()  # names in the page's language, as everywhere else
    choices = [SelectChoice(0, _("— None (top level) —"))]
    for unit in queries.org_units_in_tree_order(include_closed=False):
        if exclude is not None and unit.path.startswith(exclude.path):
            continue
        choices.append(SelectChoice(unit.id, f"{'— ' * unit.depth}{unit.code} · {unit.name(locale)}"))
    return choices


class OrgUnitForm(LmsForm):
    code = StringField(_l("Code"), validators=[DataRequired(), max_length(32), visible_text, _code_rule])
    name_vi = StringField(_l("Name in Vietnamese"), validators=[DataRequired(), max_length(200), visible_text])
    name_en = StringField(_l("Name in English"), validators=[DataRequired(), max_length(200), visible_text])
    parent_id = SelectField(_l("Parent unit"), coerce=id_choice, validate_choice=True)


class MoveOrgUnitForm(LmsForm):
    parent_id = SelectField(_l("New parent unit"), coerce=id_choice, validate_choice=True)


GENDER_LABELS = {Gender.FEMALE: _l("Female"), Gender.MALE: _l("Male"), Gender.OTHER: _l("Other")}
CATEGORY_LABELS = {
    LearnerCategory.CAN_BO: _l("Cadre (cán bộ)"),
    LearnerCategory.CONG_CHUC: _l("Civil servant (công chức)"),
    LearnerCategory.VIEN_CHUC: _l("Public employee (viên chức)"),
    LearnerCategory.NGUOI_LAO_DONG: _l("Worker (người lao động)"),
}
ROLE_LABELS = {Role.AUTHOR: _l("Author"), Role.HR: _l("HR officer"), Role.ADMIN: _l("Administrator")}


class LearnerForm(LmsForm):
    full_name = StringField(_l("Full name"), validators=[DataRequired(), max_length(200), visible_text])
    staff_code = StringField(_l("Staff code"), validators=[DataRequired(), max_length(40), visible_text, _code_rule])
    email = StringField(_l("E-mail"), validators=[Optional(), max_length(200), visible_text,
                                                  email_address])
    birth_date = DayField(_l("Birth date"), validators=[Optional()])
    gender = SelectField(_l("Gender"), validators=[Optional()],
                         choices=[SelectChoice("", "—")] + [SelectChoice(g.value, label) for g, label in GENDER_LABELS.items()])
    category = SelectField(_l("Category"), validators=[Optional()],
                           choices=[SelectChoice("", "—")] + [SelectChoice(c.value, label) for c, label in CATEGORY_LABELS.items()])
    position = StringField(_l("Position"), validators=[Optional(), max_length(200), visible_text])
    org_unit_id = SelectField(_l("Org unit"), coerce=id_choice, validate_choice=True)
    hired_on = DayField(_l("Hired on"), validators=[Optional()])
    username = StringField(_l("Username for signing in"),
                           validators=[Optional(), max_length(80), visible_text, _username_rule],
                           description=_l("Leave empty for a person who signs in through the portal."))


class LearnerSearchForm(LmsForm):
    class Meta:
        csrf = False  # a GET search: nothing changes

    q = StringField(_l("Name or staff code"), validators=[Optional(), max_length(200)])
    unit = SelectField(_l("Org unit"), coerce=id_choice, validate_choice=False)


class GrantRoleForm(LmsForm):
    role = SelectField(_l("Role"), choices=[SelectChoice(r.value, label) for r, label in ROLE_LABELS.items()])
    org_unit_id = SelectField(_l("Org unit (HR only)"), coerce=id_choice, validate_choice=True)


class ImportLearnersForm(LmsForm):
    file = FileField(_l("File (CSV or XLSX)"), validators=[
        FileRequired(), FileAllowed(["csv", "xlsx"], _l("Only .csv and .xlsx files can be imported.")),
        upload_size])
    import_valid_rows_only = BooleanField(_l("Import the valid rows and skip the invalid ones"))


class AuditFilterForm(LmsForm):
    class Meta:
        csrf = False

    #: Choices (every registered and every recorded action) are set by the view.
    action = SelectField(_l("Action"), validators=[Optional()], validate_choice=True)
    actor = StringField(_l("Done by"), validators=[Optional(), max_length(200)])
    since = DayField(_l("From"), validators=[Optional()])
    until = DayField(_l("Until (inclusive)"), validators=[Optional()])

    def validate_until(self, field):
        if field.data and self.since.data and field.data < self.since.data:
            raise ValidationError(_l("The end date is before the start date."))
