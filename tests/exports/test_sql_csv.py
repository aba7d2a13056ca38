"""The database-written CSV (lms.exports.sql_csv) is byte for byte the CSV writer's file
of the same rows: hostile texts, every formula start, quotes, line breaks, percent
signs, empty and missing values, dates of odd years, times near midnight in the zone,
scores in every shape, extra columns, external completions; on SQLite and PostgreSQL."""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from lms.datasets import CompletionColumns, Column, ExportFilters, ExportScope
from lms.exports import completions as completions_module
from lms.exports.csv_writer import CsvWriter
from lms.exports.formats import Counter
from lms.spreadsheet_safety import FORMULA_STARTS

from .conftest import read_csv

EVERYTHING = ExportScope(everything=True)
TEXTS = [*(start + "Tên" for start in FORMULA_STARTS), 'Có "ngoặc" kép', "Dòng\r\nmới, phẩy",
         "100% đạt %s %d", "", "   ", "'đã có nháy", "Nguyễn Thị Ánh", "ĐẶNG ĐỨC", "-", "=",
         "Zalo @nhóm", "x" * 180]
SCORES = [None, 0.0, 66.7, 85.0, 100.0, 12.345678, 1e-05, 99.95, 33.33333333333333]
MOMENTS = [dt.datetime(2026, 3, 1, 16, 59, 59, tzinfo=dt.UTC),
           dt.datetime(2026, 3, 2, 2, 59, 0, tzinfo=dt.UTC),  # the day before in Buenos Aires
           dt.datetime(2026, 3, 2, 18, 29, 59, tzinfo=dt.UTC),  # 23:59 in Kolkata
           dt.datetime(2026, 3, 1, 17, 0, 0, tzinfo=dt.UTC),  # midnight in Hà Nội
           dt.datetime(2025, 12, 31, 23, 30, 1, 123456, tzinfo=dt.UTC),
           dt.datetime(2024, 2, 28, 18, 0, tzinfo=dt.UTC)]
BIRTHS = [None, dt.date(999, 1, 2), dt.date(1990, 9, 5), dt.date(2000, 2, 29), dt.date(1, 1, 1)]


@pytest.fixture
def hostile(db, create_unit, create_course):
    """Learners and completions with every kind of awkward value, inserted directly."""
    from courses.models import Course, CourseCompletion, Topic
    from lms.accounts.models import Gender, Learner, LearnerCategory

    unit = create_unit("H1", name_vi="=Đơn vị \"lạ\"", name_en="")
    course = create_course(code="HOST01", lessons=1)
    external = Course(code="NGOAI-BDHVS", version=1, topic=Topic.EXTERNAL, title_vi="Bình dân",
                      title_en="", summary_vi="", summary_en="", periods=3, minutes=0,
                      pass_mark=0, is_mandatory=False, competences={}, legal_references=[],
                      search_text="", is_published=False, pack_sha256="-",
                      imported_dt=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    db.add(external)
    db.flush()
    genders, categories = [None, *Gender], [None, *LearnerCategory]
    learners = []
    for number, text in enumerate(TEXTS):
        learner = Learner(full_name=text or "Ẩn Danh", search_name=f"{text} {number}".lower(),
                          staff_code=[None, "", f"{FORMULA_STARTS[number % 7]}S{number}",
                                      f"S{number}"][number % 4] if number % 4 != 1 else None,
                          position=text, birth_date=BIRTHS[number % len(BIRTHS)],
                          gender=genders[number % len(genders)],
                          category=categories[number % len(categories)], org_unit_id=unit.id,
                          is_active=True)
        db.add(learner)
        learners.append(learner)
    db.flush()
    for number, learner in enumerate(learners):
        for cycle, score in enumerate(SCORES[number % 3::3], start=1):
            which = external if (number + cycle) % 5 == 0 else course
            db.add(CourseCompletion(
                learner_id=learner.id, course_code=which.code, cycle=cycle, course_id=which.id,
                completed_dt=MOMENTS[(number + cycle) % len(MOMENTS)], course_version=1,
                periods=number, title_vi=TEXTS[(number + cycle) % len(TEXTS)],
                title_en=TEXTS[number] if cycle == 2 else "", score_percent=score,
                expires_on=BIRTHS[(number + cycle) % len(BIRTHS)],
                org_unit_id=unit.id if cycle != 3 else None,
                org_unit_code=TEXTS[cycle], org_unit_name_vi=unit.name_vi if cycle != 3 else None,
                org_unit_name_en=TEXTS[number] if cycle == 1 else None))
    db.commit()
    return learners


def _both(app, app_context, locale, filters=ExportFilters()):
    """(the CSV writer's file, the database-written file) of the completions dataset."""
    state = app.extensions["lms"]
    dataset = state.export_datasets.get("completions")
    export_format = state.export_formats.get("csv")
    zone = ZoneInfo(app.config["LMS_TIMEZONE"])
    with app_context() as session:
        counter = Counter()
        python = b"".join(export_format.produce(
            dataset, dataset.rows(session, filters, EVERYTHING, locale), locale, counter,
            zone=zone))
        lines = export_format.lines(dataset, session, filters, EVERYTHING, locale, zone=zone)
        assert lines is not None, "the database path declined these rows"
        direct_counter = Counter()
        direct = b"".join(export_format.produce(dataset, (), locale, direct_counter, zone=zone,
                                                lines=lambda: lines))
    assert counter.rows == direct_counter.rows
    return python, direct, counter.rows


@pytest.mark.parametrize(("locale", "zone"), [
    ("vi", "Asia/Ho_Chi_Minh"), ("en", "Asia/Ho_Chi_Minh"),
    ("vi", "Asia/Kolkata"),  # +05:30
    ("en", "America/Argentina/Buenos_Aires"),  # −03:00, no daylight saving since 2009
])
def test_the_database_writes_the_same_bytes_as_the_csv_writer(app, app_context, hostile, locale,
                                                              zone):
    app.config["LMS_TIMEZONE"] = zone
    python, direct, rows = _both(app, app_context, locale)
    assert rows > 40
    assert direct == python
    parsed = read_csv(direct)
    assert len(parsed) == rows + 1
    # The comparison is not between two empty or harmless files.
    cells = [cell for row in parsed[1:] for cell in row]
    assert all(not cell.startswith(FORMULA_STARTS) for cell in cells)
    assert any(cell.startswith("'=") for cell in cells) and any("\r\n" in cell for cell in cells)
    assert {"Bên ngoài", "External"} & set(cells)


def test_filters_and_other_features_columns_take_the_same_path(app, app_context, hostile,
                                                                monkeypatch):
    from courses.models import CourseCompletion

    def load(session, ids, locale):
        return {record_id: (f"@{record_id}", record_id / 3, None)
                for record_id in ids if record_id % 2}

    extra = CompletionColumns((Column("a", {"vi": "A"}), Column("b", {"vi": "B"}, "decimal"),
                               Column("c", {"vi": "C"}, "date")), load)
    monkeypatch.setattr(completions_module, "BATCH_ROWS", 7)  # several batches
    dataset = completions_module.dataset((extra,))
    monkeypatch.setattr(app.extensions["lms"].export_datasets, "get", lambda name: dataset)
    python, direct, rows = _both(app, app_context, "vi",
                                 ExportFilters(date_from=dt.date(2025, 1, 1), course_code="HOST01"))
    with app_context() as session:
        expected = session.scalar(sa.select(sa.func.count()).select_from(CourseCompletion).where(
            CourseCompletion.course_code == "HOST01",
            CourseCompletion.completed_dt >= dt.datetime(2024, 12, 31, 17, tzinfo=dt.UTC)))
    assert rows == expected > 7
    assert direct == python
    assert b'"\'@' in direct


def test_a_zone_with_daylight_saving_is_left_to_python(app, app_context, hostile):
    app.config["LMS_TIMEZONE"] = "Europe/Paris"
    state = app.extensions["lms"]
    dataset = state.export_datasets.get("completions")
    with app_context() as session:
        assert state.export_formats.get("csv").lines(
            dataset, session, ExportFilters(), EVERYTHING, "vi",
            zone=ZoneInfo("Europe/Paris")) is None


def test_a_row_outside_the_checked_range_stops_the_export(app, app_context, hostile, db,
                                                          monkeypatch):
    """A completion dated outside the range whose offset was checked before the query
    (one that arrived meanwhile, on PostgreSQL) stops the export, unsealed, rather than
    show a time at the wrong offset."""
    from courses.models import CourseCompletion
    from lms.exports import sql_csv

    checked = sql_csv.constant_offset

    def check_then_change(zone, first, last):
        offset = checked(zone, first, last)
        db.execute(sa.update(CourseCompletion).values(  # arrives after the check
            completed_dt=dt.datetime(1960, 1, 1, tzinfo=dt.UTC)))
        return offset

    monkeypatch.setattr(sql_csv, "constant_offset", check_then_change)
    dataset = app.extensions["lms"].export_datasets.get("completions")
    with app_context() as session:
        lines = dataset.csv_lines(session, ExportFilters(), EVERYTHING, "vi",
                                  zone=ZoneInfo(app.config["LMS_TIMEZONE"]), decimal_comma=True)
        with pytest.raises(sql_csv.RowsChanged):
            list(lines.chunks())


def test_the_database_written_csv_holds_one_batch_in_memory(app, app_context, db, create_unit,
                                                            create_course):
    """Measured like the CSV writer's stream (test_streaming): six times the rows, about
    the same peak."""
    import tracemalloc

    from .test_streaming import generate_completions

    state = app.extensions["lms"]
    dataset = state.export_datasets.get("completions")
    export_format = state.export_formats.get("csv")
    zone = ZoneInfo(app.config["LMS_TIMEZONE"])

    def peak() -> tuple[int, int]:
        with app_context() as session:
            counter = Counter()
            lines = export_format.lines(dataset, session, ExportFilters(), EVERYTHING, "vi",
                                        zone=zone)
            assert lines is not None
            tracemalloc.start()
            try:
                for _chunk in export_format.produce(dataset, (), "vi", counter, zone=zone,
                                                    lines=lambda: lines):
                    pass
                return tracemalloc.get_traced_memory()[1], counter.rows
            finally:
                tracemalloc.stop()

    unit, course = create_unit("GEN"), create_course(code="GEN01", lessons=1)
    generate_completions(db, course, unit, 4000)
    small_peak, small_rows = peak()
    generate_completions(db, course, unit, 20000, tag="H")
    large_peak, large_rows = peak()
    assert (small_rows, large_rows) == (4000, 24000)
    assert large_peak < small_peak * 1.6, (small_peak, large_peak)
