"""Hostile learner imports: a 200 KB field, NUL and invisible characters, damaged or
oversized workbooks. Each is refused with its row and column (or a file-level reason),
nothing is written, and PostgreSQL never sees the value."""
from __future__ import annotations

import io
import re
import zipfile

import pytest

from lms.accounts.import_file import ImportFileError, read_table
from tests.learner_import_files import GOOD_ROWS, csv_bytes, imported, upload, xlsx_bytes


def _row_errors(page: str) -> str:
    return page[page.find("lms-error-summary"):][:1500]


def test_a_200_kb_field_names_its_row_and_column(admin_client, units, db):
    huge = "Nguyễn " * 30_000  # 210,000 characters
    response = upload(admin_client, csv_bytes(GOOD_ROWS[0], f"NV002,{huge},BT,,,,,,"))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Dòng 3, cột &#34;Họ và tên&#34;: giá trị quá dài" in page, _row_errors(page)
    assert imported(db) == {}


def test_the_long_field_column_is_found_past_quoted_delimiters():
    long_name = '"Họ, tên ' + "x" * 140_000 + '"'
    data = csv_bytes(f'"NV,01",{long_name},BT', header="Mã cán bộ,Họ và tên,Mã đơn vị")
    with pytest.raises(ImportFileError) as raised:
        read_table("a.csv", data, max_rows=10)
    assert 'Row 2, column "Họ và tên"' in str(raised.value)


@pytest.mark.parametrize("name, code_point", [
    ("Nguyễn\x00Lan", "U+0000"),
    ("Nguyễn\u202eLan", "U+202E"),   # right-to-left override
    ("Nguyễn\u200bLan", "U+200B"),   # zero-width space
    ("Nguyễn\u200dLan", "U+200D"),   # zero-width joiner
    ("Nguyễn\u2066Lan", "U+2066"),   # left-to-right isolate
    ("Nguyễn\x1bLan", "U+001B"),     # escape
])
def test_invisible_and_control_characters_in_a_name_are_refused(admin_client, units, db, name,
                                                                 code_point):
    page = upload(admin_client, csv_bytes(GOOD_ROWS[0].replace("Nguyễn Thị Lan", name))).get_data(as_text=True)
    assert f"ký tự ẩn hoặc ký tự điều khiển ({code_point})" in page, _row_errors(page)
    assert re.search(r"<td>2</td><td>NV001 · Nguyễn�Lan</td><td>Họ và tên</td>", page)
    assert imported(db) == {}


@pytest.mark.parametrize("column, old, new", [
    ("Mã cán bộ", "NV001", "NV\u200b001"),
    ("Chức vụ", "Chuyên viên", "Chuyên\u202eviên"),
    ("Email", "lan@example.vn", "lan\x00@example.vn"),
])
def test_invisible_characters_are_refused_in_every_column(admin_client, units, db, column, old, new):
    page = upload(admin_client, csv_bytes(GOOD_ROWS[0].replace(old, new))).get_data(as_text=True)
    assert re.search(rf"<td>2</td><td>[^<]*</td><td>{column}</td>", page), _row_errors(page)
    assert "ký tự ẩn hoặc ký tự điều khiển" in page
    assert imported(db) == {}


def test_invisible_characters_in_a_username_column(admin_client, units, db):
    header = "Mã cán bộ,Họ và tên,Mã đơn vị,Tên đăng nhập"
    page = upload(admin_client, csv_bytes("NV001,Nguyễn Thị Lan,BT,lan\u200b.nt", header=header)
                  ).get_data(as_text=True)
    assert re.search(r"<td>2</td><td>[^<]*</td><td>Tên đăng nhập</td>", page) and "U+200B" in page
    assert imported(db) == {}


#: A sheet that opens (read-only mode reads sheets lazily) but fails while its rows are
#: read: a numeric cell whose value is not a number.
BAD_SHEET = (b"<worksheet xmlns='http://schemas.openxmlformats.org/spreadsheetml/2006/main'>"
             b"<sheetData><row r='1'><c r='A1' t='n'><v>abc</v></c></row></sheetData></worksheet>")


@pytest.mark.parametrize("sheet", [b"<worksheet><sheetData><row>", BAD_SHEET])
def test_a_damaged_sheet_inside_a_valid_zip(admin_client, units, db, sheet):
    good = xlsx_bytes([["Mã cán bộ", "Họ và tên", "Mã đơn vị"], ["NV001", "Lan", "BT"]])
    source, damaged = zipfile.ZipFile(io.BytesIO(good)), io.BytesIO()
    with zipfile.ZipFile(damaged, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            target.writestr(info, sheet if "worksheets/" in info.filename else data)
    page = upload(admin_client, damaged.getvalue(), "ds.xlsx").get_data(as_text=True)
    assert "không phải là sổ làm việc Excel" in page
    assert imported(db) == {}


def test_a_workbook_that_would_unpack_too_large(admin_client, units, db, monkeypatch):
    from lms.accounts import import_file

    monkeypatch.setattr(import_file, "MAX_XLSX_UNPACKED_BYTES", 1000)
    data = xlsx_bytes([["Mã cán bộ", "Họ và tên", "Mã đơn vị"], ["NV001", "Lan", "BT"]])
    page = upload(admin_client, data, "ds.xlsx").get_data(as_text=True)
    assert "0 MB" in page and imported(db) == {}
