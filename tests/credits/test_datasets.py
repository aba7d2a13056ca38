"""The credit datasets offered to the exporters, called directly (rows and count), and
the credit columns added to the completion records; HR scope and filters hold."""

from __future__ import annotations

from decimal import Decimal

import sqlalchemy as sa

from courses.models import CourseCompletion
from lms.credits.models import Criterion
from lms.datasets import ExportFilters, ExportScope
from tests.quizzes.quiz_helpers import pass_quiz

EVERYTHING = ExportScope(everything=True)


def _run(app, db, app_context, name, filters=ExportFilters(), scope=EVERYTHING, locale="vi"):
    with app_context(), app.test_request_context("/"):
        dataset = app.extensions["lms"].export_datasets.get(name)
        rows = list(dataset.rows(db, filters, scope, locale))
        assert dataset.count(db, filters, scope) == len(rows)
        assert all(len(row) == len(dataset.columns) for row in rows)
        return dataset, rows


def test_the_four_datasets_and_the_completion_columns_are_registered(app):
    state = app.extensions["lms"]
    assert {"credits", "standings", "status", "summary"} <= set(state.export_datasets.names())
    columns = state.completion_export_columns.get("credits").columns
    assert [column.header["vi"] for column in columns] == [
        "Tiêu chí thi đua",
        "Điểm học tập được tính",
        "Ghi chú giảm trừ",
    ]


def test_the_ledger_dataset_lists_entries_with_reasons_in_scope(
    app, signed_in, seeded, hoa, museum, course, create_unit, db, app_context
):
    db.execute(
        sa.update(Criterion).where(Criterion.code == "ND6").values(cap_per_period=Decimal("1"))
    )
    db.commit()
    course("ATTT09", periods=2)
    pass_quiz(signed_in, "ATTT09")
    dataset, rows = _run(app, db, app_context, "credits", ExportFilters(period_code=seeded.code))
    [row] = rows
    record = dict(zip([column.key for column in dataset.columns], row))
    assert (record["full_name"], record["unit"], record["category"], record["criterion"]) == (
        "Lò Thị Hoa",
        "Bảo tàng tỉnh",
        "VC",
        "ND6",
    )
    assert (record["raw"], record["awarded"]) == (2, 1) and "tối đa" in record["reasons"]
    other = create_unit("KHAC")
    _dataset, none = _run(
        app, db, app_context, "credits", scope=ExportScope(unit_paths=(other.path,))
    )
    assert none == []
    _dataset, mine = _run(
        app, db, app_context, "credits", scope=ExportScope(unit_paths=(museum.path,))
    )
    assert len(mine) == 1
    _dataset, filtered = _run(app, db, app_context, "credits", ExportFilters(category="CC"))
    assert filtered == []


def test_status_lists_who_has_not_done_the_mandatory_course(
    app, signed_in, seeded, hoa, course, db, app_context, create_learner, museum
):
    create_learner("Vừ A Sính", unit=museum)
    course("CYBER01", periods=2)
    pass_quiz(signed_in, "CYBER01")
    dataset, rows = _run(app, db, app_context, "status", ExportFilters(status="mandatory_missing"))
    assert [row[1] for row in rows] == ["Vừ A Sính"]
    assert f"CYBER01 (30/06/{seeded.starts_on.year})" in rows[0][-1]
    _dataset, everyone = _run(app, db, app_context, "status")
    by_name = {row[1]: row for row in everyone}
    assert by_name["Lò Thị Hoa"][5] == 2 and by_name["Lò Thị Hoa"][7] == "Chưa đạt"
    assert by_name["Lò Thị Hoa"][8] is True and by_name["Vừ A Sính"][8] is False
    _dataset, english = _run(app, db, app_context, "status", locale="en")
    assert {row[7] for row in english} == {"Not met"}


def test_summary_and_standings_count_people_trained_and_shares(
    app, signed_in, seeded, hoa, course, db, app_context, create_learner, museum
):
    create_learner("Vừ A Sính", unit=museum)
    course("ATTT09", periods=2)
    pass_quiz(signed_in, "ATTT09")
    dataset, rows = _run(app, db, app_context, "summary")
    records = [dict(zip([c.key for c in dataset.columns], row)) for row in rows]
    trained = [r for r in records if r["course_code"] == "ATTT09"]
    assert [
        (r["unit_code"], r["category"], r["people"], r["trained"], r["periods"]) for r in trained
    ] == [("BT", "VC", 1, 1, 2)]
    assert all(r["share_meeting"] == 0 for r in records)
    seeded.cutoff_on = seeded.ends_on  # people made today are members on the cut-off
    db.commit()
    dataset, rows = _run(app, db, app_context, "standings", ExportFilters(period_code=seeded.code))
    [row] = [row for row in rows if row[1] == "BT"]
    assert (row[3], row[4], row[6]) == (2, 0, 2)


def test_completion_columns_give_criterion_credits_and_reductions(
    app, signed_in, seeded, hoa, course, db, app_context
):
    course("ATTT09", periods=2)
    pass_quiz(signed_in, "ATTT09")
    completion_id = db.scalar(
        sa.select(CourseCompletion.id).where(CourseCompletion.learner_id == hoa.id)
    )
    columns = app.extensions["lms"].completion_export_columns.get("credits")
    with app_context():
        loaded = columns.load(db, [completion_id, 999999], "vi")
    assert loaded == {completion_id: ("ND6", Decimal("2"), "")}
