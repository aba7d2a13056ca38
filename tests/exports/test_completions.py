"""The completions dataset: the unit at the completion, HR order, filters, scope, extras."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from lms.datasets import Column, CompletionColumns, ExportFilters, ExportScope

EVERYTHING = ExportScope(everything=True)


def rows_of(app, app_context, filters=ExportFilters(), scope=EVERYTHING, locale="vi"):
    with app_context() as session:
        dataset = app.extensions["lms"].export_datasets.get("completions")
        rows = list(dataset.rows(session, filters, scope, locale))
        assert dataset.count(session, filters, scope) == len(rows)
        return dataset, rows


def column(dataset, rows, key):
    index = dataset.index_of(key)
    return [row[index] for row in rows]


def test_rows_follow_hr_order_given_name_then_family_name(app, app_context, tree):
    dataset, rows = rows_of(app, app_context)
    # An (Nguyễn Văn An ×2, Lê Ánh: given names "an", "anh"), Bình, Cường.
    assert column(dataset, rows, "full_name") == [
        "Nguyễn Văn An", "Nguyễn Văn An", "Lê Ánh", "Trần Thị Bình", "=HYPERLINK(1) Cường"]
    assert column(dataset, rows, "stt") == [1, 2, 3, 4, 5]
    first = dict(zip([c.key for c in dataset.columns], rows[0], strict=True))
    assert first["unit"] == "Phòng Văn hóa" and first["unit_code"] == "A"
    assert first["category"] == "CC" and first["periods"] == 1 and first["result"] == "Đạt"
    assert isinstance(first["completed_on"], dt.date) and first["completed_at"].tzinfo


def test_english_texts_on_request(app, app_context, tree):
    dataset, rows = rows_of(app, app_context, locale="en")
    assert dataset.headers("en")[1] == "Full name"
    assert column(dataset, rows, "unit")[0] == "Culture office"
    assert column(dataset, rows, "result")[0] == "Passed"


def test_the_unit_is_the_one_at_the_completion(app, app_context, tree, move, complete):
    """A learner who moved shows under the old unit for what was completed there."""
    people, units = tree["people"], tree["units"]
    move(people["anh"], units["B"])
    complete(people["anh"], tree["courses"][1])
    in_a = rows_of(app, app_context, ExportFilters(unit_id=units["A"].id))
    in_b = rows_of(app, app_context, ExportFilters(unit_id=units["B"].id))
    anh_a = [row for row in in_a[1] if row[1] == "Lê Ánh"]
    anh_b = [row for row in in_b[1] if row[1] == "Lê Ánh"]
    assert [row[in_a[0].index_of("course_code")] for row in anh_a] == ["ATTT01"]
    assert [row[in_b[0].index_of("course_code")] for row in anh_b] == ["AI01"]
    assert {row[in_b[0].index_of("unit_code")] for row in anh_b} == {"B"}
    # HR of A still sees the completion made in A, not the one made in B.
    scope_a = ExportScope(unit_paths=(units["A"].path,))
    dataset, rows = rows_of(app, app_context, scope=scope_a)
    assert ("Lê Ánh", "ATTT01") in {(row[1], row[dataset.index_of("course_code")]) for row in rows}
    assert ("Lê Ánh", "AI01") not in {(row[1], row[dataset.index_of("course_code")]) for row in rows}


def test_scope_limits_rows_to_the_subtree(app, app_context, tree):
    units = tree["units"]
    dataset, rows = rows_of(app, app_context, scope=ExportScope(unit_paths=(units["A"].path,)))
    assert set(column(dataset, rows, "unit_code")) == {"A", "A1"}
    # A filter on another unit inside a narrow scope gives nothing, not the other unit.
    _dataset, rows = rows_of(app, app_context, ExportFilters(unit_id=units["B"].id),
                             ExportScope(unit_paths=(units["A"].path,)))
    assert rows == []
    assert rows_of(app, app_context, scope=ExportScope())[1] == []


def test_filters(app, app_context, db, tree):
    from courses.models import CourseCompletion

    units = tree["units"]
    dataset, rows = rows_of(app, app_context, ExportFilters(unit_id=units["A1"].id))
    assert column(dataset, rows, "full_name") == ["Trần Thị Bình"]
    assert len(rows_of(app, app_context, ExportFilters(course_code="AI01"))[1]) == 1
    assert len(rows_of(app, app_context, ExportFilters(topic="ai"))[1]) == 1
    assert len(rows_of(app, app_context, ExportFilters(category="CC"))[1]) == 3
    assert len(rows_of(app, app_context, ExportFilters(category="VC"))[1]) == 1
    assert len(rows_of(app, app_context, ExportFilters(status="current"))[1]) == 5
    assert rows_of(app, app_context, ExportFilters(status="expired"))[1] == []
    assert rows_of(app, app_context, ExportFilters(status="nonsense"))[1] == []
    assert rows_of(app, app_context, ExportFilters(topic="no-such-topic"))[1] == []
    assert len(rows_of(app, app_context, ExportFilters(date_from=dt.date(1, 1, 1),
                                                       date_to=dt.date(9999, 12, 31)))[1]) == 5
    # Dates are the organisation's days: 23:30 UTC on 31/12 is 01/01 in Hà Nội.
    db.execute(sa.update(CourseCompletion).values(
        completed_dt=dt.datetime(2025, 12, 31, 23, 30, tzinfo=dt.UTC)))
    db.commit()
    assert rows_of(app, app_context, ExportFilters(date_from=dt.date(2026, 1, 1),
                                                   date_to=dt.date(2026, 1, 1)))[1] != []
    assert rows_of(app, app_context, ExportFilters(date_to=dt.date(2025, 12, 31)))[1] == []


def test_a_unit_path_with_like_wildcards_is_a_prefix_not_a_pattern():
    """The scope uses autoescaped prefixes: '_' and '%' in a path match only themselves."""
    from lms.accounts.models import OrgUnit

    condition = ExportScope(unit_paths=("/1_%/",)).unit_condition(OrgUnit.path)
    assert "ESCAPE" in str(condition.compile(compile_kwargs={"literal_binds": True})).upper()


def test_columns_of_other_features_are_loaded_once_per_batch(app, app_context, tree, monkeypatch):
    from lms.exports import completions

    calls = []

    def load(session, ids, locale):
        calls.append(list(ids))
        return {ids[0]: ("GCN-1",)}

    extra = CompletionColumns(columns=(Column("serial", {"vi": "Số giấy chứng nhận"}),), load=load)
    monkeypatch.setattr(completions, "BATCH_ROWS", 2)
    dataset = completions.dataset((extra,))
    with app_context() as session:
        rows = list(dataset.rows(session, ExportFilters(), EVERYTHING, "vi"))
    assert dataset.headers("vi")[-1] == "Số giấy chứng nhận"
    assert [len(batch) for batch in calls] == [2, 2, 1]
    assert [row[-1] for row in rows].count("GCN-1") == 3 and rows[1][-1] is None
