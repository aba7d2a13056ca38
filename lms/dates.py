"""Calendar dates of the organisation (``LMS_TIMEZONE``), not of the server's clock.

Memberships, unit history and completion expiry are dated by the day people live in:
a transfer entered at 06:30 in Hà Nội is dated that day, although it is still the day
before in UTC.
"""
from __future__ import annotations

import calendar
import datetime as dt
from zoneinfo import ZoneInfo

from flask import current_app

from lms.db import utcnow


def _zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["LMS_TIMEZONE"])


def local_date(moment: dt.datetime) -> dt.date:
    """The organisation's calendar date of a stored (UTC) moment."""
    return moment.astimezone(_zone()).date()


def today() -> dt.date:
    return local_date(utcnow())


def start_of_day(day: dt.date) -> dt.datetime:
    """The first moment of ``day`` in the organisation's timezone, as UTC."""
    return dt.datetime.combine(day, dt.time(), _zone()).astimezone(dt.UTC)


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` plus whole months; a day the month lacks becomes its last day
    (31/01 + 1 month = 28/02 or 29/02)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
