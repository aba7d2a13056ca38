"""XLSX for HR officers: typed cells, frozen header, filters, widths, a summary by unit.

Pure: no Flask. XlsxWriter in ``constant_memory`` mode writes each row to a temporary
file as it comes (memory stays flat whatever the row count). Every cell is written with
the method of its column's kind: a text is ``write_string`` (a name starting with "="
stays text, and ``strings_to_formulas`` is off as a second guard), a date is a real
Excel date shown dd/mm/yyyy, a number a number. XlsxWriter is imported inside the
function: only XLSX exports pay for it.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, BinaryIO

#: Column widths in characters by kind; texts get their header's width within bounds.
_KIND_WIDTHS = {"date": 12, "datetime": 17, "integer": 9, "decimal": 10, "boolean": 8}
_TEXT_WIDTH = (14, 40)
#: Excel's sheet names are at most 31 characters.
_SHEET_NAME_LIMIT = 31


@dataclass(frozen=True)
class SummaryLayout:
    """The summary sheet: one line per unit, with the row count, the number of distinct
    people and the sums of some numeric columns (indexes into the rows).

    Optional: ``code_index``, the unit's code, in the second column (two units of one
    name stay apart); ``count_by_index``, a column whose every value (a course code) gets
    a column of its own counting that unit's rows with it, headed ``count_header``
    formatted with the value. ``headers`` name the fixed columns (the unit, its code if
    any, rows, people if any, the sums)."""

    title: str
    unit_index: int
    person_index: int | None
    sum_indexes: tuple[int, ...]
    headers: tuple[str, ...]
    code_index: int | None = None
    count_by_index: int | None = None
    count_header: str = "{}"


@dataclass
class _UnitTotals:
    rows: int = 0
    people: set = field(default_factory=set)
    sums: list = field(default_factory=list)
    counts: dict = field(default_factory=dict)


def column_width(header: str, kind: str) -> int:
    if kind in _KIND_WIDTHS:
        return max(_KIND_WIDTHS[kind], min(len(header) + 2, _TEXT_WIDTH[1]))
    return max(_TEXT_WIDTH[0], min(len(header) + 4, _TEXT_WIDTH[1]))


def _local(moment: dt.datetime, zone: dt.tzinfo | None) -> dt.datetime:
    # Excel has no time zones: show the organisation's wall-clock time.
    if moment.tzinfo is not None:
        moment = moment.astimezone(zone) if zone is not None else moment
        moment = moment.replace(tzinfo=None)
    return moment


class _CellWriter:
    def __init__(self, workbook, zone):
        self.zone = zone
        self.date = workbook.add_format({"num_format": "dd/mm/yyyy"})
        self.moment = workbook.add_format({"num_format": "dd/mm/yyyy hh:mm"})

    def write(self, sheet, row: int, col: int, value: Any, kind: str) -> None:
        if value is None:
            return  # an empty cell: nothing is written in constant-memory mode
        if kind in ("integer", "decimal") and _is_number(value):
            sheet.write_number(row, col, float(value))
        elif kind == "datetime" and isinstance(value, dt.datetime):
            sheet.write_datetime(row, col, _local(value, self.zone), self.moment)
        elif kind == "date" and isinstance(value, dt.date):
            sheet.write_datetime(row, col, dt.datetime.combine(value, dt.time()), self.date)
        elif kind == "boolean" and isinstance(value, bool):
            sheet.write_boolean(row, col, value)
        else:
            sheet.write_string(row, col, str(value))


def _is_number(value) -> bool:
    return isinstance(value, (int, float, Decimal)) and not isinstance(value, bool)


def sheet_name(text: str) -> str:
    """A valid sheet name: no []:*?/\\ and at most 31 characters."""
    cleaned = "".join(" " if char in "[]:*?/\\" else char for char in text).strip("' ")
    return (cleaned or "Sheet")[:_SHEET_NAME_LIMIT]


def write_xlsx(target: str | BinaryIO, *, title: str, headers: Sequence[str], kinds: Sequence[str],
               rows: Iterable[Sequence[Any]], summary: SummaryLayout | None = None,
               zone: dt.tzinfo | None = None, tmpdir: str | None = None,
               progress: Callable[[int], None] | None = None, progress_every: int = 1000) -> int:
    """Write the workbook to ``target`` (a path or a binary file); returns the data rows.

    ``progress(rows_so_far)`` is called every ``progress_every`` rows (job progress).
    """
    import xlsxwriter

    options = {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
               "strings_to_numbers": False, "in_memory": False}
    if tmpdir:
        options["tmpdir"] = tmpdir
    workbook = xlsxwriter.Workbook(target, options)
    try:
        return _fill(workbook, title, headers, kinds, rows, summary, zone, progress, progress_every)
    finally:
        workbook.close()


def _fill(workbook, title, headers, kinds, rows, summary, zone, progress, every) -> int:
    sheet = workbook.add_worksheet(sheet_name(title))
    summary_sheet = workbook.add_worksheet(sheet_name(summary.title)) if summary else None
    bold = workbook.add_format({"bold": True, "text_wrap": True, "valign": "top"})
    for col, (header, kind) in enumerate(zip(headers, kinds, strict=True)):
        sheet.set_column(col, col, column_width(header, kind))
        sheet.write_string(0, col, header, bold)
    sheet.freeze_panes(1, 0)
    cells = _CellWriter(workbook, zone)
    totals: dict[Any, _UnitTotals] = {}
    count = 0
    for count, row in enumerate(rows, start=1):
        for col, (value, kind) in enumerate(zip(row, kinds, strict=True)):
            cells.write(sheet, count, col, value, kind)
        if summary is not None:
            _add_to_totals(totals, row, summary)
        if progress is not None and count % every == 0:
            progress(count)
    sheet.autofilter(0, 0, max(count, 1), len(headers) - 1)
    if summary_sheet is not None:
        _write_summary(summary_sheet, summary, totals, bold)
    return count


def _add_to_totals(totals, row, summary: SummaryLayout) -> None:
    unit = row[summary.unit_index] or ""
    if summary.code_index is not None:
        unit = (unit, row[summary.code_index] or "")
    entry = totals.get(unit)
    if entry is None:
        entry = totals[unit] = _UnitTotals(sums=[0] * len(summary.sum_indexes))
    entry.rows += 1
    if summary.person_index is not None:
        entry.people.add(row[summary.person_index])
    for position, index in enumerate(summary.sum_indexes):
        value = row[index]
        if _is_number(value):
            entry.sums[position] += float(value)
    if summary.count_by_index is not None:
        value = row[summary.count_by_index]
        if value is not None:
            entry.counts[value] = entry.counts.get(value, 0) + 1


def _summary_lines(summary: SummaryLayout, totals) -> tuple[list, list[list]]:
    """(the counted values in column order, one list of cells per line)."""
    counted = sorted({value for entry in totals.values() for value in entry.counts}, key=str)
    lines = []
    for unit in sorted(totals, key=lambda key: tuple(map(str, key)) if isinstance(key, tuple)
                       else (str(key),)):
        entry = totals[unit]
        names = list(unit) if isinstance(unit, tuple) else [unit]
        people = [len(entry.people)] if summary.person_index is not None else []
        lines.append([*map(str, names), entry.rows, *people, *entry.sums,
                      *(entry.counts.get(value, 0) for value in counted)])
    return counted, lines


def _write_summary(sheet, summary: SummaryLayout, totals, bold) -> None:
    counted, lines = _summary_lines(summary, totals)
    headers = [*summary.headers, *(summary.count_header.format(value) for value in counted)]
    texts = 1 + (summary.code_index is not None)  # the unit (and its code) are texts
    for col, header in enumerate(headers):
        width = 40 if col == 0 else max(12, min(len(header) + 2, 30))
        sheet.set_column(col, col, width)
        sheet.write_string(0, col, header, bold)
    sheet.freeze_panes(1, 0)
    for number, line in enumerate(lines, start=1):
        for col, value in enumerate(line):
            if col < texts:
                if value:  # an empty text is an empty cell
                    sheet.write_string(number, col, value)
            else:
                sheet.write_number(number, col, value)
    sheet.autofilter(0, 0, max(len(lines), 1), len(headers) - 1)
