"""Reading a learner list (CSV or XLSX) into header + rows of text, nothing else.

Kept free of Flask and the database so it is unit-tested on bytes alone. Every problem
is raised as :class:`ImportFileError` with a translated message.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from dataclasses import dataclass

from lms.i18n import _


class ImportFileError(ValueError):
    """The file as a whole cannot be read (encoding, format, emptiness)."""


@dataclass(frozen=True)
class Cell:
    """One cell as read: its text, and whether the spreadsheet held a live formula."""

    text: str
    is_formula: bool = False
    date_value: dt.date | None = None


@dataclass(frozen=True)
class RawTable:
    header: list[str]
    #: (row number as the user sees it in the file, cells)
    rows: list[tuple[int, list[Cell]]]


def read_table(filename: str, data: bytes, max_rows: int) -> RawTable:
    lower = filename.lower()
    if lower.endswith(".xlsx"):
        table = _read_xlsx(data)
    elif lower.endswith(".csv"):
        table = _read_csv(data)
    else:
        raise ImportFileError(_("Only .csv and .xlsx files can be imported."))
    if not table.header or not any(h.strip() for h in table.header):
        raise ImportFileError(_("The file is empty: the first row must hold the column names."))
    if not table.rows:
        raise ImportFileError(_("The file has column names but no learner rows."))
    if len(table.rows) > max_rows:
        raise ImportFileError(_("The file has %(count)d rows; at most %(limit)d can be imported at once.",
                                count=len(table.rows), limit=max_rows))
    return table


def _read_csv(data: bytes) -> RawTable:
    if not data.strip():
        raise ImportFileError(_("The file is empty: the first row must hold the column names."))
    try:
        text = data.decode("utf-8-sig")  # Excel's "CSV UTF-8" starts with a BOM
    except UnicodeDecodeError:
        raise ImportFileError(_(
            "The file is not UTF-8 text. In Excel choose File → Save As → "
            "\"CSV UTF-8 (Comma delimited)\" and import that file.")) from None
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    records = _csv_records(text, dialect)
    if not records:
        raise ImportFileError(_("The file is empty: the first row must hold the column names."))
    header = [cell.strip() for cell in records[0]]
    rows = [(number, [Cell(value) for value in record])
            for number, record in enumerate(records[1:], start=2)
            if any(value.strip() for value in record)]
    return RawTable(header, rows)


def _csv_records(text: str, dialect) -> list[list[str]]:
    """Every record of ``text``; a record the csv module refuses (a field over its
    131,072-character limit, a stray quote in strict dialects) is reported with its row
    and column instead of failing the request."""
    consumed: list[str] = []  # the physical lines of the record being read

    def lines():
        for line in io.StringIO(text, newline=""):
            consumed.append(line)
            yield line

    reader = csv.reader(lines(), dialect)
    records: list[list[str]] = []
    while True:
        consumed.clear()
        try:
            records.append(next(reader))
        except StopIteration:
            return records
        except csv.Error:
            row = len(records) + 1
            column = _column_of_long_field("".join(consumed), dialect)
            header = records[0] if records else []
            name = header[column].strip() if column is not None and column < len(header) else None
            raise ImportFileError(_(
                "Row %(row)d, column \"%(column)s\": the value is far too long (more than "
                "%(limit)d characters) or its quotes are not closed.", row=row,
                column=name or (column + 1 if column is not None else "?"),
                limit=csv.field_size_limit())) from None


def _column_of_long_field(record: str, dialect) -> int | None:
    """Index of the first field of ``record`` longer than the csv module's limit, found by
    counting delimiters outside quotes (None when no field is that long)."""
    limit = csv.field_size_limit()
    column = length = 0
    quoted = False
    for character in record:
        if character == dialect.quotechar:
            quoted = not quoted
        elif character == dialect.delimiter and not quoted:
            column, length = column + 1, 0
            continue
        length += 1
        if length > limit:
            return column
    return None


def _read_xlsx(data: bytes) -> RawTable:
    from openpyxl import load_workbook  # heavy: imported only when a workbook arrives

    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise ImportFileError(_("The file is not a valid Excel workbook (.xlsx)."))
    _check_unpacked_size(data)
    try:
        # data_only=False: a formula arrives as its text ("=A1+1") and is flagged, never evaluated.
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception:  # openpyxl raises many types for a damaged file
        raise ImportFileError(_("The file is not a valid Excel workbook (.xlsx).")) from None
    try:
        sheet = workbook.worksheets[0]
        all_rows = list(sheet.iter_rows())  # read-only mode parses the sheet only here
    except Exception:  # a damaged sheet: XML errors, bad cell types …
        raise ImportFileError(_("The file is not a valid Excel workbook (.xlsx).")) from None
    finally:
        workbook.close()
    if not all_rows:
        raise ImportFileError(_("The file is empty: the first row must hold the column names."))
    header = [_cell_text(cell).text.strip() for cell in all_rows[0]]
    rows = []
    for number, row in enumerate(all_rows[1:], start=2):
        cells = [_cell_text(cell) for cell in row]
        if any(cell.text.strip() for cell in cells):
            rows.append((number, cells))
    return RawTable(header, rows)


#: Largest a workbook may grow to once unzipped: far above 20,000 rows of learners, far
#: below what would exhaust memory (an upload of 5 MB can unzip to gigabytes).
MAX_XLSX_UNPACKED_BYTES = 200 * 1024 * 1024


def _check_unpacked_size(data: bytes) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile:
        raise ImportFileError(_("The file is not a valid Excel workbook (.xlsx).")) from None
    if unpacked > MAX_XLSX_UNPACKED_BYTES:
        raise ImportFileError(_("The workbook would unpack to more than %(size)d MB; save it again "
                                "without unused sheets or columns.",
                                size=MAX_XLSX_UNPACKED_BYTES // (1024 * 1024)))


def _cell_text(cell) -> Cell:
    value = cell.value
    if value is None:
        return Cell("")
    if cell.data_type == "f":
        return Cell(str(value), is_formula=True)
    if isinstance(value, dt.datetime):
        return Cell(value.strftime("%d/%m/%Y"), date_value=value.date())
    if isinstance(value, dt.date):
        return Cell(value.strftime("%d/%m/%Y"), date_value=value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # staff codes typed as numbers come back as 123.0
    return Cell(str(value))
