"""The learner-import template files: the expected headers and one example row, as CSV
(UTF-8 with BOM, for Excel) and XLSX. Headers are the Vietnamese names the import
reads first (``import_validation.COLUMNS``); the example row shows each format."""
from __future__ import annotations

import csv
import io

from lms.accounts.import_validation import COLUMNS

#: One made-up person: every optional column filled, dates as people type them.
EXAMPLE = {"staff_code": "NV0001", "full_name": "Nguyễn Thị Mẫu", "org_unit_code": "BT",
           "birth_date": "05/09/1990", "gender": "Nữ", "category": "VC",
           "position": "Chuyên viên", "hired_on": "2015-03-01", "email": "mau.nt@example.gov.vn",
           "username": "mau.nt"}


def headers() -> list[str]:
    return [aliases[0] for aliases in COLUMNS.values()]


def example_row(unit_code: str | None = None) -> list[str]:
    values = dict(EXAMPLE, org_unit_code=unit_code or EXAMPLE["org_unit_code"])
    return [values[name] for name in COLUMNS]


def as_csv(unit_code: str | None = None) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerow(headers())
    writer.writerow(example_row(unit_code))
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def as_xlsx(unit_code: str | None = None) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = "Hoc vien"
    sheet.append(headers())
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.append(example_row(unit_code))
    for cell in sheet[2]:
        cell.data_type = "s"  # text as typed: never a formula, a date stays as written
    for column, title in zip("ABCDEFGHIJ", headers(), strict=False):
        sheet.column_dimensions[column].width = max(14, len(title) + 4)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
