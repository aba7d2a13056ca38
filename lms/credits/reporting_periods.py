"""The emulation periods offered as reporting periods (:mod:`lms.reporting_periods`), so
other features (HR's certificate ZIP) can ask for "Kỳ thi đua 2026" without importing
credits."""

from __future__ import annotations

from lms.credits import queries
from lms.reporting_periods import ReportingPeriod


class EmulationReportingPeriods:
    """A ``lms.reporting_periods`` source: every emulation period, locked ones included
    (a closed year's certificates are still asked for)."""

    def periods(self) -> list[ReportingPeriod]:
        return [ReportingPeriod(period.code, period.name_vi, period.name_en, period.starts_on,
                                period.ends_on) for period in queries.all_periods()]
