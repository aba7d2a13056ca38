"""The filters of the HR learner list: a GET form (looking changes nothing), every value
checked, a bad one answered with a translated message on the page, never a 5xx.

The unit and course choices are set by the view: only units inside the viewer's scope
are offered, so a unit outside it is "Not a valid choice." like any made-up value.
"""
from __future__ import annotations

from wtforms import SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional

from lms.forms import DayField, LmsForm, id_choice, max_length
from lms.i18n import _l

#: A person's status for the chosen course (or for any course when none is chosen):
#: completed, else in progress (enrolled), else not started. "not_completed" is the two
#: last together: the one-click "who has not completed the mandatory course".
STATUS_LABELS = {
    "completed": _l("Completed"),
    "not_completed": _l("Not completed"),
    "in_progress": _l("In progress"),
    "not_started": _l("Not started"),
}


class LearnerFilterForm(LmsForm):
    class Meta:
        csrf = False

    q = StringField(_l("Name or staff code"), validators=[Optional(), max_length(200)])
    unit = SelectField(_l("Org unit (with its sub-units)"), coerce=id_choice, default=0,
                       validate_choice=True)
    course = SelectField(_l("Course"), default="", validate_choice=True)
    status = SelectField(_l("Status"), default="", validate_choice=True,
                         choices=[SelectChoice("", _l("Any status")),
                                  *(SelectChoice(value, label) for value, label in STATUS_LABELS.items())])
    since = DayField(_l("Completed from"), validators=[Optional()])
