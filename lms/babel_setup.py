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
    # With a host's Babel the host's locale selector decides; the LMS still translates its
    # own strings through its domain (i18n.domain), activated per LMS request.
