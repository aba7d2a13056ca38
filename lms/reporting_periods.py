"""Named reporting periods (an emulation year, "Kỳ thi đua 2026"): a seam between the
feature that defines them (credits: its emulation periods) and pages that only need a
name and two dates (HR's certificate ZIP), so neither imports the other.

A feature registers a source in its ``init_app``::

    state.reporting_periods.register("credits", EmulationReportingPeriods())

A source has one method, ``periods()`` → a list of :class:`ReportingPeriod`. With no
source registered (credits turned off) :func:`all_periods` is empty and the pages that
offer periods offer dates only.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from lms.i18n import localized_attr


@dataclass(frozen=True)
class ReportingPeriod:
    """One period: its code, its name in both languages, its first and last day."""

    code: str
    label_vi: str
    label_en: str
    starts_on: dt.date
    ends_on: dt.date

    def label(self, locale: str | None = None) -> str:
        """The name in ``locale`` (default: the page's language)."""
        return localized_attr(self, "label", locale)

    def contains(self, day: dt.date) -> bool:
        return self.starts_on <= day <= self.ends_on


def all_periods() -> list[ReportingPeriod]:
    """Every registered source's periods, latest start first; of two with one code, the
    first source's wins (codes are what a form sends back, so they must be unique)."""
    from lms.extension import get_state

    by_code: dict[str, ReportingPeriod] = {}
    for source in get_state().reporting_periods.values():
        for period in source.periods():
            by_code.setdefault(period.code, period)
    return sorted(by_code.values(), key=lambda p: (p.starts_on, p.code), reverse=True)


def current(periods: list[ReportingPeriod], day: dt.date) -> ReportingPeriod | None:
    """The period ``day`` falls in (the latest-starting one if they overlap), or None."""
    return next((period for period in periods if period.contains(day)), None)
