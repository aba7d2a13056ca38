"""Translated labels of the credit statuses and the texts of stored reasons."""

from __future__ import annotations

from lms.credits import rules
from lms.i18n import _l, localized

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
    """0.6667 → "66,7 %"; None → "—"."""
    if share is None:
        return "—"
    return f"{share * 100:.1f}".replace(".", ",") + " %"
