"""Translated labels of the credit statuses and the texts of stored reasons."""

from __future__ import annotations

from lms.credits import rules
from lms.i18n import _l, format_score, localized

#: Chưa đạt / Đạt / Vượt.
STATUS_LABELS = {rules.NOT_MET: _l("Not met"), rules.MET: _l("Met"), rules.EXCEEDED: _l("Exceeded")}


def reason_text(reason: dict) -> str:
    """A stored reduction reason in the current language (as it read when written)."""
    return localized(reason)


#: The collective thresholds of a target a unit's share reaches (advisory wording).
LEVEL_LABELS = {
    "excellent": _l("At least the excellent threshold"),
    "advanced": _l("Above the advanced threshold"),
}


def percent(share) -> str:
    """A share as the reader's language writes it (``lms.i18n.format_score``): 0.6667 →
    "66,6 %" in Vietnamese, "66.6%" in English, cut rather than rounded so a share just
    under a threshold never reads as reaching it; None → "—"."""
    if share is None:
        return "—"
    return format_score(share * 100)
