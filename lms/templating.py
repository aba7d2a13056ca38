"""Where the LMS's templates live and how a host overrides them.

A host overrides ``lms/auth/login.html`` by placing a file with that name in its own
template folder (app templates win over blueprint templates). To change one block and
keep the rest, the override extends the original through the ``lms_default/`` prefix::

    {% extends "lms_default/auth/login.html" %}
    {% block lms_content %}...{% endblock %}
"""
from __future__ import annotations

from pathlib import Path

from flask import Blueprint
from jinja2 import ChoiceLoader, FileSystemLoader, PrefixLoader

_PACKAGE_DIR = Path(__file__).parent
#: Inside the wheel templates sit in lms/templates; in a checkout, at the top level.
TEMPLATES_DIR = next(
    path for path in (_PACKAGE_DIR / "templates", _PACKAGE_DIR.parent / "templates")
    if (path / "lms").is_dir()
)
STATIC_DIR = _PACKAGE_DIR / "static"
ORIGINALS_PREFIX = "lms_default"


class TemplatedBlueprint(Blueprint):
    """The LMS parent blueprint: serves templates/ plus the ``lms_default/`` originals."""

    def send_static_file(self, filename):
        """Serve ``lms.<hash>.css`` as ``lms.css``, a year and immutable when the hash is
        the file's (``lms.assets``); plain names for a day, then revalidated by ETag."""
        from lms import assets

        real_name, current = assets.split_hashed_name(STATIC_DIR, filename)
        response = super().send_static_file(real_name)
        if current:
            response.cache_control.max_age = assets.HASHED_MAX_AGE
            response.cache_control.public = True
            response.cache_control.immutable = True
        return response

    def get_send_file_max_age(self, filename):
        from lms import assets

        return assets.PLAIN_MAX_AGE

    @property
    def jinja_loader(self):
        return ChoiceLoader([
            FileSystemLoader(str(TEMPLATES_DIR)),
            PrefixLoader({ORIGINALS_PREFIX: FileSystemLoader(str(TEMPLATES_DIR / "lms"))}),
        ])
