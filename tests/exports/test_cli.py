"""``flask lms export``: files as on the page, recorded and sealed, quiet for cron."""
from __future__ import annotations

import hashlib
import json

import pytest
import sqlalchemy as sa

from .conftest import read_csv


def run(app, *args):
    return app.test_cli_runner().invoke(args=["lms", "export", *args])


def last_record(db):
    from lms.exports.models import ExportRecord

    db.expire_all()
    return db.scalars(sa.select(ExportRecord).order_by(ExportRecord.id.desc())).first()


def test_csv_with_filters_is_recorded_and_sealed(app, db, tree, tmp_path):
    target = tmp_path / "a.csv"
    result = run(app, "completions", "--format", "csv", "--unit", "A1", "-o", str(target))
    assert result.exit_code == 0, result.output
    rows = read_csv(target.read_bytes())
    assert [row[1] for row in rows[1:]] == ["Trần Thị Bình"]
    record = last_record(db)
    assert record.channel == "cli" and record.is_sealed and record.row_count == 1
    assert record.sha256 == hashlib.sha256(target.read_bytes()).hexdigest()
    assert record.sha256 in result.output and "1 rows" in result.output


def test_quiet_mode_prints_nothing(app, db, tree, tmp_path):
    target = tmp_path / "a.xlsx"
    result = run(app, "completions", "--format", "xlsx", "--quiet", "-o", str(target))
    assert result.exit_code == 0 and result.output == ""
    assert target.read_bytes()[:2] == b"PK"


def test_xapi_needs_the_home_page_outside_a_request(app, db, tree, tmp_path):
    app.config["LMS_EXPORT_XAPI_HOME_PAGE"] = "https://lms.dienbien.gov.vn"
    target = tmp_path / "s.json"
    assert run(app, "completions", "--format", "xapi", "-q", "-o", str(target)).exit_code == 0
    statements = json.loads(target.read_bytes())
    assert {s["actor"]["account"]["homePage"] for s in statements} == {"https://lms.dienbien.gov.vn"}


def test_errors_are_clear(app, db, tree, tmp_path):
    target = str(tmp_path / "x.csv")
    assert "unknown dataset 'nosuch'" in run(app, "nosuch", "-o", target).output
    assert "no org unit with code 'ZZ'" in run(app, "completions", "--unit", "ZZ", "-o", target).output
    assert "YYYY-MM-DD" in run(app, "completions", "--from", "2026-13-01", "-o", target).output


@pytest.mark.parametrize("app_config", [{"LMS_EXPORT_SCHEDULES": [
    {"name": "nightly", "dataset": "completions", "format": "csv", "filters": {"category": "CC"},
     "cron": {"minute": "0", "hour": "1"}}]}])
def test_scheduled_exports_are_periodic_jobs(app, app_context, db, tree):
    from lms.exports.models import ExportFile

    [job] = [job for job in app.extensions["lms"].tasks.periodic_jobs
             if job.name == "exports.schedule.nightly"]
    assert job.schedule == {"minute": "0", "hour": "1"}
    with app_context():
        job.handler()
        db.commit()  # the worker's unit of work; the job runs after it (immediate mode)
    record = last_record(db)
    assert record.channel == "schedule" and record.is_sealed and record.row_count == 3
    stored = db.scalar(sa.select(ExportFile).where(ExportFile.record_id == record.id))
    assert hashlib.sha256(stored.data).hexdigest() == record.sha256
