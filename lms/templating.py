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

    def get_send_file_max_age(self, filename):
        # CSS and images change only with a release: phones on slow links keep them a day
        # and revalidate with the ETag afterwards.
        return 86400

    @property
    def jinja_loader(self):
        return ChoiceLoader([
            FileSystemLoader(str(TEMPLATES_DIR)),
            PrefixLoader({ORIGINALS_PREFIX: FileSystemLoader(str(TEMPLATES_DIR / "lms"))}),
        ])
