"""Forms of the credit admin pages. Numbers are decimals with two places at most;
every change needs a reference (the decision or document it follows)."""

from __future__ import annotations

from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    FieldList,
    Form,
    FormField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, NumberRange, Optional

from lms.accounts.text_rules import visible_text
from lms.db import MAX_ID
from lms.forms import LmsForm, id_choice, max_length
from lms.i18n import _l

_credits = [Optional(), NumberRange(min=0, max=9999)]
_share = [Optional(), NumberRange(min=0, max=1)]


class PeriodForm(LmsForm):
    name_vi = StringField(
        _l("Name in Vietnamese"), validators=[DataRequired(), max_length(200), visible_text]
    )
    name_en = StringField(
        _l("Name in English"), validators=[DataRequired(), max_length(200), visible_text]
    )
    cutoff_on = DateField(_l("Data cut-off"), validators=[DataRequired()])
    new_member_months = IntegerField(
        _l("Months of service before counting in the shares"),
        validators=[DataRequired(), NumberRange(min=0, max=120)],
    )
    is_locked = BooleanField(_l("Locked (no new entries)"))
    reference = StringField(
        _l("Reference"), validators=[DataRequired(), max_length(300), visible_text]
    )


class CriterionForm(LmsForm):
    name_vi = StringField(
        _l("Name in Vietnamese"), validators=[DataRequired(), max_length(300), visible_text]
    )
    name_en = StringField(
        _l("Name in English"), validators=[DataRequired(), max_length(300), visible_text]
    )
    cap_per_period = DecimalField(_l("Cap per period (empty: none)"), places=2, validators=_credits)
    reference = StringField(
        _l("Reference"), validators=[DataRequired(), max_length(300), visible_text]
    )


class RuleForm(LmsForm):
    criterion_id = SelectField(_l("Criterion"), coerce=id_choice, validate_choice=True)
    value_kind = SelectField(
        _l("Value"),
        choices=[
            SelectChoice("periods", _l("Periods × factor")),
            SelectChoice("fixed", _l("Fixed value")),
        ],
    )
    factor = DecimalField(
        _l("Factor"), places=2, validators=[DataRequired(), NumberRange(min=0, max=100)]
    )
    fixed_value = DecimalField(_l("Fixed value"), places=2, validators=_credits)
    cap_per_period = DecimalField(
        _l("Rule cap per period (empty: none)"), places=2, validators=_credits
    )
    monthly_cap = IntegerField(
        _l("Completions counted per month (empty: no cap)"),
        validators=[Optional(), NumberRange(min=0, max=100)],
    )
    on_time_bonus = DecimalField(
        _l("On-time bonus for a mandatory course"),
        places=2,
        validators=[Optional(), NumberRange(min=0, max=9999)],
    )
    effective_from = DateField(_l("In force from"), validators=[DataRequired()])
    reference = StringField(
        _l("Reference"), validators=[DataRequired(), max_length(300), visible_text]
    )


class TargetForm(LmsForm):
    min_credits = DecimalField(
        _l("Minimum credits"), places=2, validators=[DataRequired(), NumberRange(min=0, max=9999)]
    )
    exceeding_credits = DecimalField(
        _l("Exceeded from (credits, empty: no such level)"), places=2, validators=_credits
    )
    advanced_share_above = DecimalField(
        _l("Advanced collective: share above (0–1)"), places=4, validators=_share
    )
    excellent_share_at_least = DecimalField(
        _l("Excellent collective: share at least (0–1)"), places=4, validators=_share
    )
    mandatory_courses = TextAreaField(
        _l("Mandatory courses, one per line: CODE dd/mm/yyyy"), validators=[max_length(2000)]
    )
    reference = StringField(
        _l("Reference"), validators=[DataRequired(), max_length(300), visible_text]
    )


# --- the advisory shortlist ---------------------------------------------------------------


def _appraisal_choices(labels) -> list[SelectChoice]:
    return [SelectChoice("", _l("— not entered —"))] + [
        SelectChoice(level.value, label) for level, label in labels.items()
    ]


class AppraisalRowForm(Form):
    """One person's line of the appraisal page (inside :class:`AppraisalPageForm`, whose
    CSRF token covers it: a plain WTForms form, with the LMS's translated messages)."""

    class Meta:
        get_translations = LmsForm.Meta.get_translations

    learner_id = IntegerField(validators=[DataRequired(), NumberRange(min=1, max=MAX_ID)])
    #: The revision the line was filled from (0: none yet), so a change made meanwhile by
    #: someone else is not overwritten.
    revision = IntegerField(validators=[Optional(), NumberRange(min=0, max=MAX_ID)])
    rating = SelectField(_l("Annual rating"))
    discipline = SelectField(_l("Discipline"))
    initiatives = IntegerField(
        _l("Recognised initiatives"), validators=[Optional(), NumberRange(min=0, max=99)]
    )

    def __init__(self, *args, **kwargs):
        from lms.credits.shortlist_text import DISCIPLINE_LABELS, RATING_LABELS

        super().__init__(*args, **kwargs)
        self.rating.choices = _appraisal_choices(RATING_LABELS)
        self.discipline.choices = _appraisal_choices(DISCIPLINE_LABELS)


class AppraisalPageForm(LmsForm):
    rows = FieldList(FormField(AppraisalRowForm), max_entries=60)


class TitleRuleForm(LmsForm):
    name_vi = StringField(
        _l("Name in Vietnamese"), validators=[DataRequired(), max_length(200), visible_text]
    )
    name_en = StringField(
        _l("Name in English"), validators=[DataRequired(), max_length(200), visible_text]
    )
    checks = TextAreaField(
        _l("Checks, one per line: kind name=value …"),
        validators=[DataRequired(), max_length(2000)],
    )
    quota_percent = DecimalField(
        _l("Quota in percent (empty: no quota)"),
        places=2,
        validators=[Optional(), NumberRange(min=0, max=100)],
    )
    rounding = SelectField(
        _l("Rounding of the quota"),
        choices=[
            SelectChoice("down", _l("rounded down")),
            SelectChoice("nearest", _l("rounded to the nearest")),
            SelectChoice("up", _l("rounded up")),
        ],
    )
    quota_base = SelectField(
        _l("The quota is taken of"),
        choices=[
            SelectChoice("eligible", _l("those who pass every check")),
            SelectChoice("title", _l("those inside another title's list")),
            SelectChoice("candidates", _l("everyone considered")),
        ],
    )
    base_title = StringField(
        _l("That other title's code"), validators=[Optional(), max_length(32), visible_text]
    )
    quota_note = StringField(
        _l("Note on the quota (e.g. an assumption to verify)"),
        validators=[Optional(), max_length(300), visible_text],
    )
    reference = StringField(
        _l("Reference"), validators=[DataRequired(), max_length(300), visible_text]
    )
