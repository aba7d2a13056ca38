"""The base of every LMS form: CSRF from Flask-WTF, and WTForms' own messages in the
LMS's languages (WTForms ships no Vietnamese catalog).

Form classes subclass :class:`LmsForm`; length limits use :func:`max_length` so the
message is ours too (WTForms' own one is a plural form we would have to mirror). Query
strings read outside a form go through :func:`page_argument`.
"""
from __future__ import annotations

from flask import current_app
from markupsafe import Markup
from flask_wtf import FlaskForm
from flask_wtf.csrf import generate_csrf
from flask_wtf.file import FileSize
from wtforms import DateField
from wtforms.validators import Length
from wtforms.widgets import TextInput

from lms.db import MAX_ID
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
    N_("Not a valid integer value."),
    N_("Number must be between %(min)s and %(max)s."),
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


class ButtonForm(LmsForm):
    """A POST with nothing but the CSRF token: enrol, mark done, publish, deactivate,
    revoke, start or submit an attempt, sign out … The one form of its kind."""


def csrf_hidden_field() -> Markup:
    """The CSRF hidden input of a form that holds nothing else (sign out, the language
    switch on every page), without building and rendering a WTForms form: the same
    token (Flask-WTF's ``generate_csrf``, cached per request, checked on POST by the
    form the view builds), the same markup as the form's field rendered without an id,
    nothing when CSRF is off (as the form would have no such field)."""
    config = current_app.config
    if not config.get("WTF_CSRF_ENABLED", True):
        return Markup("")
    return Markup('<input name="%s" type="hidden" value="%s">') % (
        config.get("WTF_CSRF_FIELD_NAME", "csrf_token"), generate_csrf())


def upload_size(form, field) -> None:
    """Validator of every file field: at most ``LMS_MAX_UPLOAD_BYTES`` (Flask-WTF's
    ``FileSize``, built per call because the limit is the app's setting). A body far
    over the limit never gets here: :mod:`lms.routing` refuses it with 413 before it is
    read."""
    limit = current_app.config["LMS_MAX_UPLOAD_BYTES"]
    FileSize(max_size=limit, message=_l("The file is larger than %(limit)s, the most an upload may hold.",
                                        limit=_size_text(limit)))(form, field)


def _size_text(size: int) -> str:
    return f"{size // 1_000_000} MB" if size >= 1_000_000 else f"{max(size // 1000, 1)} kB"


def max_length(limit: int) -> Length:
    return Length(max=limit, message=_l("At most %(max)d characters."))


def id_choice(value) -> int:
    """``coerce`` of selects holding ids: an id column's range or ValueError ("Invalid
    Choice: could not coerce."), never an integer the database cannot compare with."""
    number = int(value)  # text, or more than 4,300 digits: ValueError too
    if not 0 <= number <= MAX_ID:
        raise ValueError(value)
    return number


#: Highest page number a list accepts: far past any real list, and small enough that
#: page × page size stays inside every database's OFFSET.
MAX_PAGE = 100_000


def page_argument(name: str = "page") -> int:
    """The ``page`` query parameter as 1…MAX_PAGE (text, -1 or 10^20 are not an error a
    visitor needs to see: they get the nearest real page)."""
    from flask import request

    page = request.args.get(name, 1, type=int)  # ValueError (text, 5,000 digits) → 1
    return min(max(page, 1), MAX_PAGE)


def day_error_message(error) -> str:
    """The translated words for a :class:`lms.day_parsing.DayError`."""
    from lms.i18n import _

    if error.reason == "day":
        return _("Month %(month)d of %(year)d has no day %(day)d.",
                 day=error.day, month=error.month, year=error.year)
    if error.reason == "month":
        return _("There is no month %(month)d: write the day first, then the month, e.g. 05/09/2026.",
                 month=error.month)
    return _("Write the date as dd/mm/yyyy, e.g. 05/09/2026.")


class DayField(DateField):
    """A date typed as people write it (:mod:`lms.day_parsing`: 5/9/2026, 05.09.2026,
    05092026, 2026-09-05 …), shown back as dd/mm/yyyy.

    A plain text input rather than the browser's date picker, whose format follows the
    phone's language, not the page's; and no ``inputmode="numeric"``: the iOS number pad
    has no "/". The field of every date input of the LMS's forms.
    """

    widget = TextInput()

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("render_kw", {"placeholder": "dd/mm/yyyy", "autocomplete": "off",
                                        "spellcheck": "false"})
        super().__init__(label, validators, **kwargs)

    def _value(self):
        from lms.day_parsing import show_day

        if self.data:
            return show_day(self.data)  # "2015-03-01" typed, "01/03/2015" shown back
        return " ".join(self.raw_data) if self.raw_data else ""  # a wrong date, to correct

    def process_formdata(self, valuelist):
        from lms.day_parsing import DayError, parse_day

        if not valuelist or not valuelist[0].strip():
            self.data = None
            return
        try:
            self.data = parse_day(valuelist[0])
        except DayError as error:
            self.data = None
            raise ValueError(day_error_message(error)) from None
