"""Translations of the LMS, kept in their own gettext domain.

The LMS's catalogs live in ``lms/translations`` and are looked up through
:data:`domain`, so they never mix with a host application's own catalogs. Python code
uses :func:`_` / :func:`_l`; templates use the usual ``_()`` because the LMS makes its
domain the default for its own requests (see :func:`activate_domain`).
"""
from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Mapping
from pathlib import Path

from babel.dates import format_date, format_datetime
from flask import current_app, g, has_request_context, request, session
from flask_babel import Domain, get_locale

TRANSLATIONS_DIR = Path(__file__).parent / "translations"


class _Domain(Domain):
    """Flask-Babel's domain, with the request's catalog kept for the request.

    Flask-Babel finds the catalog again for every string (four context lookups through
    ``g``, the locale's name as text, a dictionary): 14 µs, a third of a page's 1.5 ms
    budget at ~40 strings. Here ``g`` keeps the catalog with the locale object it is for,
    and the next string checks that Flask-Babel's locale is still that object: a locale
    changed during the request (``refresh``, ``force_locale``) is another object and is
    looked up. (``_flask_babel.babel_locale`` is where Flask-Babel keeps it; if that
    changes, every string takes the ordinary way, slower but right.)
    """

    def get_translations(self):
        try:
            store = g._get_current_object()
        except RuntimeError:  # outside an app context: Flask-Babel's null catalog
            return super().get_translations()
        kept = store.__dict__.get("_lms_translations")
        locale = getattr(store.__dict__.get("_flask_babel"), "babel_locale", None)
        if kept is not None and locale is not None and kept[0] is self and kept[1] is locale:
            return kept[2]
        translations = super().get_translations()
        store._lms_translations = (self, get_locale(), translations)
        return translations


domain = _Domain(translation_directories=[str(TRANSLATIONS_DIR)], domain="messages")

_ = domain.gettext
_l = domain.lazy_gettext
ngettext = domain.ngettext

SESSION_LOCALE_KEY = "lms_locale"


def select_locale() -> str:
    """Locale of the current request: the visitor's choice, then the site default."""
    config = current_app.config
    offered = config["LMS_LOCALES"]
    if has_request_context():
        chosen = request.args.get("lang") if request.method == "GET" else None
        for candidate in (chosen, session.get(SESSION_LOCALE_KEY), _profile_locale()):
            if candidate in offered:
                return candidate
    return config["LMS_DEFAULT_LOCALE"]


def _profile_locale() -> str | None:
    learner = g.get("lms_learner")
    return learner.locale if learner is not None else None


def current_locale() -> str:
    locale = get_locale()
    return str(locale.language) if locale is not None else current_app.config["LMS_DEFAULT_LOCALE"]


def activate_domain() -> None:
    """Blueprint hook: make the LMS domain the default for this request's templates."""
    domain.as_default()


def nfc(text: str | None) -> str | None:
    """Compose Vietnamese text (NFC): decomposed input renders with colliding diacritics."""
    return unicodedata.normalize("NFC", text) if text is not None else None


def strip_diacritics(text: str) -> str:
    """``"Nguyễn Văn Đức"`` → ``"nguyen van duc"``: for search that ignores accents."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    without_marks = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return " ".join(without_marks.casefold().split())


def format_day(value: dt.date | dt.datetime | None) -> str:
    """Dates as people read them: dd/mm/yyyy in Vietnamese, the same digits in English."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = value.astimezone(_display_zone()).date()
    return format_date(value, "dd/MM/yyyy", locale=current_locale())


def format_moment(value: dt.datetime | None) -> str:
    """Date and time in the display timezone, e.g. ``26/11/2026 14:05``."""
    if value is None:
        return ""
    return format_datetime(
        value.astimezone(_display_zone()), "dd/MM/yyyy HH:mm", locale=current_locale()
    )


def format_minutes(seconds: int) -> str:
    """A duration in whole minutes with the locale's digit grouping: "1.250 phút" in
    Vietnamese, "1,250 minutes" in English; "under a minute" for a few seconds."""
    from babel.numbers import format_decimal

    if 0 < seconds < 30:
        return domain.gettext("under a minute")
    minutes = int(seconds + 30) // 60  # to the nearest minute, halves up
    # "count", not "num": ngettext's own "num" would be the bare number, ungrouped.
    return ngettext("%(count)s minute", "%(count)s minutes", minutes,
                    count=format_decimal(minutes, locale=current_locale()))


def format_number(number: int) -> str:
    """A count with the reader's digit grouping: "1.250" in Vietnamese, "1,250" in English."""
    from babel.numbers import format_decimal

    return format_decimal(number, locale=current_locale())


def format_score(percent: float | int | None) -> str:
    """A score or pass mark in percent as the reader's language writes it: "80 %",
    "82,5 %" in Vietnamese, "80%", "82.5%" in English ("—" for none).

    One decimal at most, cut rather than rounded, so a score is never shown at a pass
    mark it did not reach (69.96 reads "69,9 %", not "70 %"). Every page that shows a
    score uses this, through the template global of the same name.
    """
    from decimal import ROUND_FLOOR, Decimal

    from babel.numbers import format_decimal

    if percent is None:
        return "—"
    # round(…, 6) first: 82.5 stored as 0.825 * 100 is 82.49999999999999.
    shown = Decimal(repr(round(float(percent), 6))).quantize(Decimal("0.1"), rounding=ROUND_FLOOR)
    number = format_decimal(shown, format="#,##0.#", locale=current_locale())
    # The space before "%" (Vietnamese) is a no-break space: "80" and "%" stay together.
    return domain.gettext("%(number)s%%", number=number)


def _display_zone():
    from zoneinfo import ZoneInfo

    return ZoneInfo(current_app.config["LMS_TIMEZONE"])


def localized(mapping: Mapping | None, locale: str | None = None) -> str:
    """The text of ``locale`` (default: the current one) from a ``{"vi": ..., "en": ...}``
    value, else the Vietnamese text, else the first non-empty one; "" for anything else.

    This is the one rule for picking a language's text: templates, models
    (:func:`localized_attr`), quiz payloads and the GIFT export all use it, so content
    authored in one language shows the same way everywhere.
    """
    if not isinstance(mapping, Mapping):
        return ""
    locale = locale or current_locale()
    for key in (locale, "vi"):
        text = mapping.get(key)
        if isinstance(text, str) and text:
            return text
    return next((text for text in mapping.values() if isinstance(text, str) and text), "")


def localized_attr(obj: object, stem: str, locale: str | None = None) -> str:
    """:func:`localized` over the columns ``<stem>_vi`` and ``<stem>_en`` of a model."""
    return localized({"vi": getattr(obj, f"{stem}_vi", None),
                      "en": getattr(obj, f"{stem}_en", None)}, locale)
