"""The pure writers: CSV parse-back and formula neutralisation, XLSX cell types, xAPI rules."""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
from zoneinfo import ZoneInfo

import jsonschema
from openpyxl.utils.escape import unescape
import pytest
from hypothesis import given
from hypothesis import strategies as st

from lms.exports.csv_writer import BOM, CsvWriter
from lms.spreadsheet_safety import FORMULA_STARTS, neutralise
from lms.exports.xapi_writer import (VERB_COMPLETED, VERB_PASSED, CompletionFacts, XapiWriter,
                                     completion_statements)
from lms.exports.xlsx_writer import SummaryLayout, write_xlsx

from .xapi_schema import STATEMENT, raw_within_bounds

HEADERS = ["Họ và tên", "Ngày sinh", "Số tiết", "Điểm (%)"]
KINDS = ["text", "date", "integer", "decimal"]
ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
INJECTIONS = ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\t=1", "\r=1", "\n=1",
              '=HYPERLINK("http://x","y")']


def csv_bytes(rows, headers=HEADERS, kinds=KINDS, **options) -> bytes:
    return b"".join(CsvWriter(headers, kinds, **options).chunks(rows))


def parse(data: bytes) -> list[list[str]]:
    assert data.startswith(BOM.encode("utf-8"))
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_csv_starts_with_the_bom_and_parses_back_with_vietnamese_intact():
    rows = [("Nguyễn Thị Ánh Tuyết", dt.date(1990, 3, 7), 4, 87.5),
            ("Đặng Văn Ượng", None, 1, None)]
    data = csv_bytes(rows)
    assert data[:3] == b"\xef\xbb\xbf"
    assert parse(data) == [HEADERS, ["Nguyễn Thị Ánh Tuyết", "07/03/1990", "4", "87,5"],
                           ["Đặng Văn Ượng", "", "1", ""]]


def test_every_field_is_quoted():
    data = csv_bytes([("An", dt.date(2000, 1, 2), 3, 4.0)]).decode("utf-8-sig")
    assert data.splitlines()[1] == '"An","02/01/2000","3","4"'


@pytest.mark.parametrize("text", INJECTIONS)
def test_formula_injection_is_neutralised(text):
    [_header, row] = parse(csv_bytes([(text, None, None, None)]))
    assert row[0] == "'" + text


def test_a_number_of_ours_is_not_mangled_but_a_text_number_is():
    [_header, row] = parse(csv_bytes([("-5", None, -5, -0.5)], decimal_comma=False))
    assert row == ["'-5", "", "-5", "-0.5"]


@given(st.text(max_size=40))
def test_no_cell_starts_like_a_formula_and_the_text_is_kept(text):
    [_header, row] = parse(csv_bytes([(text, None, None, None)]))
    cell = row[0]
    assert not cell.startswith(FORMULA_STARTS)
    assert cell == text or cell == "'" + text
    assert neutralise(text) == cell


def test_rows_are_written_a_batch_per_chunk():
    writer = CsvWriter(HEADERS, KINDS, batch_rows=10)
    chunks = list(writer.chunks((f"P{n}", None, n, None) for n in range(25)))
    assert len(chunks) == 1 + 3 and writer.rows_written == 25


# --- XLSX ----------------------------------------------------------------------------

def read_back(data: bytes):
    from openpyxl import load_workbook

    return load_workbook(io.BytesIO(data))


def test_xlsx_formula_like_cells_are_strings_and_dates_are_dates(tmp_path):
    rows = [(text, dt.date(1985, 12, 31), 2, 90.0) for text in INJECTIONS]
    target = io.BytesIO()
    count = write_xlsx(target, title="Hoàn thành", headers=HEADERS, kinds=KINDS, rows=rows,
                       zone=ZONE)
    assert count == len(INJECTIONS)
    sheet = read_back(target.getvalue())["Hoàn thành"]
    assert [cell.value for cell in sheet[1]] == HEADERS
    for number, text in enumerate(INJECTIONS, start=2):
        name, born, periods, score = sheet[number]
        # OOXML escapes a carriage return as _x000D_ (Excel shows the character).
        assert name.data_type == "s" and unescape(name.value) == text
        assert born.is_date and born.value == dt.datetime(1985, 12, 31)
        assert born.number_format == "dd/mm/yyyy"
        assert periods.data_type == "n" and score.value == 90
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:D{len(INJECTIONS) + 1}"
    assert sheet.column_dimensions["A"].width >= 14


def test_xlsx_summary_sheet_has_one_line_per_unit():
    headers = ["Họ và tên", "Mã", "Đơn vị", "Số tiết"]
    kinds = ["text", "text", "text", "integer"]
    rows = [("An", "A1", "Phòng Văn hóa", 2), ("An", "A1", "Phòng Văn hóa", 3),
            ("Bình", "B1", "Bảo tàng", 1)]
    layout = SummaryLayout(title="Tổng hợp", unit_index=2, person_index=1, sum_indexes=(3,),
                           headers=("Đơn vị", "Số bản ghi", "Số người", "Số tiết"))
    target = io.BytesIO()
    write_xlsx(target, title="Dữ liệu", headers=headers, kinds=kinds, rows=rows, summary=layout)
    summary = read_back(target.getvalue())["Tổng hợp"]
    assert [[cell.value for cell in row] for row in summary.iter_rows()] == [
        ["Đơn vị", "Số bản ghi", "Số người", "Số tiết"],
        ["Bảo tàng", 1, 1, 1], ["Phòng Văn hóa", 2, 1, 5]]


# --- xAPI ----------------------------------------------------------------------------

def facts(**changes) -> CompletionFacts:
    values = dict(record_id=7, account_name="CB-0042", full_name="Lê Thị Hoa",
                  course_code="ATTT01", titles={"vi-VN": "An toàn thông tin", "en-US": "Cybersecurity"},
                  completed_at=dt.datetime(2026, 5, 4, 3, 2, 1, tzinfo=dt.UTC), score_percent=85.0)
    values.update(changes)
    return CompletionFacts(**values)


def check_statement(statement: dict) -> None:
    jsonschema.validate(statement, STATEMENT)
    assert raw_within_bounds(statement)


@given(st.one_of(st.none(), st.floats(min_value=-1e6, max_value=1e6, allow_nan=False)))
def test_statements_follow_the_xapi_rules(score):
    statements = completion_statements(facts(score_percent=score), "https://lms.example.vn/")
    assert [s["verb"]["id"] for s in statements] == (
        [VERB_COMPLETED] if score is None else [VERB_COMPLETED, VERB_PASSED])
    for statement in statements:
        check_statement(statement)
        identifiers = {"mbox", "mbox_sha1sum", "openid", "account"} & set(statement["actor"])
        assert identifiers == {"account"}
        assert statement["actor"]["account"] == {"homePage": "https://lms.example.vn",
                                                 "name": "CB-0042"}
        if score is not None:
            assert -1 <= statement["result"]["score"]["scaled"] <= 1


def test_the_schema_catches_what_it_must():
    [statement] = completion_statements(facts(score_percent=None), "https://lms.example.vn")
    broken = [
        {**statement, "actor": {**statement["actor"], "mbox": "mailto:a@b.vn"}},  # two IFIs
        {**statement, "timestamp": "2026-05-04T03:02:01"},  # no time zone
        {**statement, "context": {"registration": "not-a-uuid"}},
        {**statement, "result": {"score": {"scaled": 1.5}}},
        {**statement, "verb": {"id": "completed"}},
    ]
    for bad in broken:
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(bad, STATEMENT)


def test_ids_are_stable_and_distinct_per_verb():
    first = completion_statements(facts(), "https://lms.example.vn")
    again = completion_statements(facts(), "https://lms.example.vn")
    assert [s["id"] for s in first] == [s["id"] for s in again]
    assert len({s["id"] for s in first}) == 2
    assert first[0]["context"]["registration"] == first[1]["context"]["registration"]


def test_a_naive_timestamp_is_refused():
    with pytest.raises(ValueError):
        completion_statements(facts(completed_at=dt.datetime(2026, 1, 1)), "https://x.vn")


def test_the_stream_is_one_json_array():
    writer = XapiWriter(lambda row: completion_statements(facts(record_id=row), "https://x.vn"),
                        batch_rows=2)
    data = b"".join(writer.chunks(range(5)))
    statements = json.loads(data)
    assert len(statements) == 10 and writer.rows_written == 5
    for statement in statements:
        check_statement(statement)
    assert json.loads(b"".join(XapiWriter(lambda row: []).chunks([]))) == []
