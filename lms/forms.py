"""The base of every LMS form: CSRF from Flask-WTF, and WTForms' own messages in the
LMS's languages (WTForms ships no Vietnamese catalog).

Form classes subclass :class:`LmsForm`; length limits use :func:`max_length` so the
message is ours too (WTForms' own one is a plural form we would have to mirror).
"""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms.validators import Length

from lms.i18n import _l, domain


def N_(message: str) -> str:
    """Marks a string for extraction without translating it here (babel's N_ keyword)."""
    return message


#: WTForms' and Flask-WTF's built-in messages that LMS forms can show, so `make
#: translations` puts them in our catalog.
BUILT_IN_MESSAGES = (
    N_("This field is required."),
    N_("Not a valid choice."),
    N_("Invalid Choice: could not coerce."),
    N_("Not a valid date value."),
    N_("Invalid email address."),
    N_("The CSRF token is missing."),
    N_("The CSRF token is invalid."),
    N_("The CSRF token has expired."),
    N_("The CSRF session token is missing."),
    N_("The CSRF tokens do not match."),
)


class _LmsFormTranslations:
    """WTForms asks its Meta for an object with gettext/ngettext; ours reads the LMS domain."""

    def gettext(self, string: str) -> str:
        return domain.gettext(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return domain.ngettext(singular, plural, n)


_TRANSLATIONS = _LmsFormTranslations()


class LmsForm(FlaskForm):
    class Meta:
        def get_translations(self, form):
            return _TRANSLATIONS


def max_length(limit: int) -> Length:
    return Length(max=limit, message=_l("At most %(max)d characters."))
