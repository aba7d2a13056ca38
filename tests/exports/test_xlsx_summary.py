"""The XLSX of completions carries a summary sheet an HR officer can file: one line per
unit at the completion (name and code), completions, people, periods, completions per
course; typed cells, header frozen, filters, widths."""
from __future__ import annotations

import datetime as dt
import io
from collections import defaultdict

from openpyxl import load_workbook

from lms.datasets import ExportFilters, ExportScope


def workbook_of(app, app_context, locale="vi"):
    from lms.exports.formats import Counter

    state = app.extensions["lms"]
    dataset = state.export_datasets.get("completions")
    with app_context() as session:
        rows = dataset.rows(session, ExportFilters(), ExportScope(everything=True), locale)
        data = b"".join(state.export_formats.get("xlsx").produce(
            dataset, rows, locale, Counter(), zone=dt.UTC))
    return load_workbook(io.BytesIO(data))


def test_the_summary_sheet_totals_each_unit_at_the_completion(app, app_context, tree, move,
                                                              complete):
    # Bình moves from A1 to B after her first course: her next one counts under B.
    move(tree["people"]["binh"], tree["units"]["B"])
    complete(tree["people"]["binh"], tree["courses"][1])
    book = workbook_of(app, app_context)
    assert book.sheetnames == ["Kết quả hoàn thành khóa học", "Tổng hợp theo đơn vị"]
    data, summary = book.worksheets
    header = [cell.value for cell in data[1]]
    unit, code, person, course, periods = (header.index(name) for name in (
        "Đơn vị", "Mã đơn vị", "Mã cán bộ", "Mã khóa học", "Số tiết"))
    # What the summary must say, worked out here from the data sheet itself.
    expected = defaultdict(lambda: {"rows": 0, "people": set(), "periods": 0,
                                    "courses": defaultdict(int)})
    for row in data.iter_rows(min_row=2, values_only=True):
        entry = expected[(row[unit], row[code])]
        entry["rows"] += 1
        entry["people"].add(row[person])
        entry["periods"] += row[periods]
        entry["courses"][row[course]] += 1
    courses = sorted({c for entry in expected.values() for c in entry["courses"]})
    lines = [[cell.value for cell in line] for line in summary.iter_rows()]
    assert lines[0] == ["Đơn vị", "Mã đơn vị", "Số lượt hoàn thành", "Số người", "Số tiết",
                        *(f"Số lượt {c}" for c in courses)]
    assert courses == ["AI01", "ATTT01"]
    body = {(line[0], line[1]): line[2:] for line in lines[1:]}
    assert body == {key: [entry["rows"], len(entry["people"]), entry["periods"],
                          *(entry["courses"].get(c, 0) for c in courses)]
                    for key, entry in expected.items()}
    # The unit at the completion: Bình is under Tổ Di sản for the first course, under
    # Bảo tàng tỉnh for the second.
    assert body[("Tổ Di sản", "A1")][:2] == [1, 1] and body[("Bảo tàng tỉnh", "B")][:2] == [2, 2]
    assert sum(line[2] for line in lines[1:]) == data.max_row - 1
    # Texts as text (a unit named like a formula stays text), numbers as numbers.
    for line in summary.iter_rows(min_row=2):
        assert line[0].data_type == "s" and all(cell.data_type == "n" for cell in line[2:])
    assert summary.freeze_panes == "A2"
    assert summary.auto_filter.ref == f"A1:G{len(lines)}"
    assert summary.column_dimensions["A"].width >= 40


def test_the_summary_sheet_speaks_english_on_request(app, app_context, tree):
    summary = workbook_of(app, app_context, "en")["Summary by unit"]
    lines = [[cell.value for cell in line] for line in summary.iter_rows()]
    assert lines[0][:5] == ["Unit", "Unit code", "Completions", "People", "Periods"]
    assert ("Culture office", "A") in {tuple(line[:2]) for line in lines}
    assert lines[0][5:] == ["AI01 count", "ATTT01 count"]
