"""Scores and pass marks are written as each language writes them, by one helper."""
import re
from pathlib import Path

import pytest

from lms.i18n import format_score

NBSP = "\u00a0"


@pytest.mark.parametrize(("percent", "vi", "en"), [
    (80, f"80{NBSP}%", "80%"),
    (82.5, f"82,5{NBSP}%", "82.5%"),
    (0.825 * 100, f"82,5{NBSP}%", "82.5%"),  # 82.49999999999999 in floating point
    (100.0, f"100{NBSP}%", "100%"),
    (0, f"0{NBSP}%", "0%"),
    (66.66666666666667, f"66,6{NBSP}%", "66.6%"),
    # Cut, never rounded up: a score just under a pass mark of 70 % never reads "70 %".
    (69.96, f"69,9{NBSP}%", "69.9%"),
    (None, "—", "—"),
])
def test_format_score_in_both_languages(app, percent, vi, en):
    for locale, expected in (("vi", vi), ("en", en)):
        with app.test_request_context(f"/?lang={locale}"):
            from flask import current_app

            current_app.extensions["lms"]  # the LMS is set up on this app
            from lms.i18n import activate_domain

            activate_domain()
            assert format_score(percent) == expected, locale


def test_no_template_writes_a_percent_sign_after_a_bare_score(project_root: Path):
    """Every score on a page goes through format_score (no "{{ x }}%" left anywhere)."""
    bare = re.compile(r"(score|percent|pass_mark)[^{}]*\}\}\s*%|%\(score\)s%%|%\(mark\)d%%")
    offenders = [str(path.relative_to(project_root))
                 for path in (project_root / "templates").rglob("*.html")
                 if bare.search(path.read_text(encoding="utf-8"))]
    assert offenders == []
