"""Text cells a spreadsheet will not run: the one rule for every CSV the LMS writes (HR
exports, credential slips), so the cases cannot drift apart.

OWASP "CSV Injection": a cell starting with = + - @, tab, CR or LF may be read as a
formula (tab, CR and LF smuggle one past checks that look only at the first visible
character). A leading apostrophe makes Excel and LibreOffice show the cell as text.
"""
from __future__ import annotations

#: The first characters that make a spreadsheet treat a cell as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


def neutralise(text: str) -> str:
    """``text`` with a leading apostrophe when it could start a formula."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text
