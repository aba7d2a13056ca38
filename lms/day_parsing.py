"""Dates as people type them in Việt Nam: one parser for every date field and the import.

Accepted, day first as Vietnamese write dates: ``5/9/2026``, ``05/09/2026``,
``05.09.2026``, ``05-09-2026`` (one kind of separator in a value, spaces around it
ignored) and ``05092026`` (eight digits, as typed on a phone's number row); and the
ISO form ``2026-09-05``, year first, which spreadsheets and other systems export.
The year always has four digits: "26" could be 1926 or 2026. Shown back as dd/mm/yyyy.

No Flask here: callers turn a :class:`DayError` into their own translated message.
"""
from __future__ import annotations

import calendar
import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

_DAY_FIRST = re.compile(r"([0-9]{1,2})\s*([/.\-])\s*([0-9]{1,2})\s*\2\s*([0-9]{4})")
_COMPACT = re.compile(r"([0-9]{2})([0-9]{2})([0-9]{4})")
_ISO = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})")
#: Longest text looked at: a date is short; a pasted paragraph is not parsed.
MAX_LENGTH = 40


@dataclass(frozen=True)
class DayError(ValueError):
    """Why a text is not a date. ``reason``: ``"format"`` (not written as a date),
    ``"month"`` (no such month) or ``"day"`` (the month has no such day, e.g. 31/02);
    day, month and year as read, when the text had the shape of a date."""

    reason: str
    day: int = 0
    month: int = 0
    year: int = 0

    def __str__(self) -> str:
        return f"{self.reason}: {self.day}/{self.month}/{self.year}"


def parse_day(text: str) -> dt.date:
    """The date written in ``text``, or :class:`DayError` saying why there is none."""
    # NFKC: full-width digits and separators of some input methods become ASCII ones.
    value = unicodedata.normalize("NFKC", text or "").strip()
    if len(value) > MAX_LENGTH:
        raise DayError("format")
    if match := _DAY_FIRST.fullmatch(value):
        day, month, year = int(match[1]), int(match[3]), int(match[4])
    elif match := _COMPACT.fullmatch(value):
        day, month, year = int(match[1]), int(match[2]), int(match[3])
    elif match := _ISO.fullmatch(value):
        year, month, day = int(match[1]), int(match[2]), int(match[3])
    else:
        raise DayError("format")
    return make_day(day, month, year)


def make_day(day: int, month: int, year: int) -> dt.date:
    if year < dt.MINYEAR or not 1 <= month <= 12:
        raise DayError("month", day, month, year)
    if not 1 <= day <= calendar.monthrange(year, month)[1]:
        raise DayError("day", day, month, year)
    return dt.date(year, month, day)


def show_day(value: dt.date) -> str:
    """How a parsed date is shown back: dd/mm/yyyy."""
    return f"{value.day:02d}/{value.month:02d}/{value.year:04d}"
