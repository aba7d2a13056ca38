"""The in-page contents of a long lesson: its second-level headings, given anchors.

Works on the lesson's stored HTML, sanitised at import (nh3), so headings are plain
``<h2>…</h2>`` elements. No Flask here.
"""
from __future__ import annotations

import html
import re

from markupsafe import Markup

_H2 = re.compile(r"<h2>(.*?)</h2>", re.S)
_TAG = re.compile(r"<[^>]+>")
#: A lesson with at least this many sections gets a contents list; shorter ones need none.
MIN_SECTIONS = 3


def outline(body: Markup) -> tuple[Markup, list[tuple[str, str]]]:
    """``body`` with ``id="muc-N"`` on each ``<h2>``, and the (anchor, heading text) list."""
    entries: list[tuple[str, str]] = []

    def anchor(match: re.Match) -> str:
        number = len(entries) + 1
        text = html.unescape(_TAG.sub("", match.group(1))).strip()
        entries.append((f"muc-{number}", text))
        return f'<h2 id="muc-{number}">{match.group(1)}</h2>'

    marked = _H2.sub(anchor, str(body))
    return Markup(marked), entries
