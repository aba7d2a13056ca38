"""Flask-Babel wiring that respects a host which already set Babel up."""
from __future__ import annotations

from flask import Flask
from flask_babel import Babel

from lms import i18n


def init_app(app: Flask) -> None:
    if "babel" not in app.extensions:
        # Standalone, or a host without Babel: the LMS chooses the locale.
        Babel(app, locale_selector=i18n.select_locale, default_domain="messages",
              default_translation_directories=str(i18n.TRANSLATIONS_DIR))
        # The templates' _() straight to the LMS domain's catalog, kept per request (the
        # default domain here: Flask-Babel's own callables would find it again per string).
        translations = i18n.domain.get_translations
        app.jinja_env.install_gettext_callables(
            gettext=lambda s: translations().ugettext(s),
            ngettext=lambda s, p, n: translations().ungettext(s, p, n),
            pgettext=lambda c, s: translations().upgettext(c, s),
            npgettext=lambda c, s, p, n: translations().unpgettext(c, s, p, n),
            newstyle=True)
    # With a host's Babel the host's locale selector decides; the LMS still translates its
    # own strings through its domain (i18n.domain), activated per LMS request.
