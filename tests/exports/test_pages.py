"""The export pages: row count before running, streamed POST exports, the seal and its
check, jobs for large files, scope."""
from __future__ import annotations

import hashlib
import io

import pytest
import sqlalchemy as sa

from .conftest import read_csv


def records(db):
    from lms.exports.models import ExportRecord

    db.expire_all()
    return db.scalars(sa.select(ExportRecord).order_by(ExportRecord.id)).all()


def export(client, name="completions", **form):
    data = {"format": "csv", "locale": "vi", **form}
    return client.post(f"/exports/{name}/run", data=data)


def test_the_page_shows_the_row_count_before_running(client, login, tree):
    login("hr-a")
    page = client.get("/exports/completions")
    assert page.status_code == 200 and "Đếm số dòng" in page.text
    counted = client.get(f"/exports/completions?unit={tree['units']['A'].id}&format=csv&locale=en")
    assert counted.status_code == 200
    assert "Tệp xuất sẽ có 4 dòng." in counted.text
    assert 'action="/exports/completions/run"' in counted.text


def test_a_csv_export_is_recorded_sealed_and_checkable(app, client, login, db, tree):
    from lms.audit.models import AuditEvent

    login("hr-a")
    response = export(client, unit=str(tree["units"]["A"].id))
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment;")
    data = response.get_data()
    rows = read_csv(data)
    assert rows[0][:3] == ["STT", "Họ và tên", "Mã cán bộ"]
    assert [row[1] for row in rows[1:]] == ["Nguyễn Văn An", "Nguyễn Văn An", "Lê Ánh",
                                            "Trần Thị Bình"]
    [record] = records(db)
    assert record.is_sealed and record.row_count == 4 and record.rows_expected == 4
    assert record.sha256 == hashlib.sha256(data).hexdigest() and record.size_bytes == len(data)
    assert record.filters == {"unit_id": tree["units"]["A"].id}
    assert record.actor_id == tree["people"]["hr_a"].id and record.file_format == "csv"
    event = db.scalar(sa.select(AuditEvent).where(AuditEvent.action == "exports.export_started"))
    assert event.object_id == str(record.id) and event.details["rows_expected"] == 4
    # The check: the file passes, a file with one byte changed does not.
    client.post("/auth/logout")
    good = client.post("/exports/check", data={"file": (io.BytesIO(data), "x.csv")},
                       content_type="multipart/form-data")
    assert good.status_code == 200 and f"Lần xuất số {record.id}" in good.text
    assert "Tệp này là bản xuất chính thức." in good.text
    changed = bytearray(data)
    changed[-5] = ord("X") if changed[-5] != ord("X") else ord("Y")
    bad = client.post("/exports/check", data={"file": (io.BytesIO(bytes(changed)), "x.csv")},
                      content_type="multipart/form-data")
    assert f"Lần xuất số {record.id}" not in bad.text and "Không có lần xuất nào khớp" in bad.text
    pasted = client.post("/exports/check", data={"sha256": record.sha256.upper()})
    assert f"Lần xuất số {record.id}" in pasted.text
    assert client.post("/exports/check", data={"sha256": "zz"}).status_code == 400


def test_the_record_is_committed_before_the_first_row_is_read(app, client, login, db, tree):
    from flask import g

    from lms.exports.models import ExportRecord

    dataset = app.extensions["lms"].export_datasets.get("completions")
    seen = {}
    original, original_lines = dataset.rows, dataset.csv_lines

    def look() -> None:
        request_session = g.get("_lms_session")
        seen["request_transaction_open"] = bool(request_session and request_session.in_transaction())
        with app.extensions["lms"].database.new_session(for_write=False) as other:
            seen["records"] = other.scalar(sa.select(sa.func.count(ExportRecord.id)))

    def watching(session, filters, scope, locale):
        look()
        yield from original(session, filters, scope, locale)

    def watching_lines(*args, **options):  # the CSV the database writes reads here
        look()
        return original_lines(*args, **options)

    # A frozen dataclass: patched by hand.
    object.__setattr__(dataset, "rows", watching)
    object.__setattr__(dataset, "csv_lines", watching_lines)
    try:
        login("hr-a")
        response = export(client)
        assert response.status_code == 200 and not seen  # nothing read yet: a stream
        response.get_data()
    finally:
        object.__setattr__(dataset, "rows", original)
        object.__setattr__(dataset, "csv_lines", original_lines)
    assert seen == {"request_transaction_open": False, "records": 1}


def test_an_interrupted_stream_keeps_no_hash(app, client, login, db, tree):
    login("admin")
    response = export(client)
    iterator = iter(response.response)
    next(iterator)  # the header only
    response.close()  # the client went away
    [record] = records(db)
    assert record.state == "interrupted" and record.sha256 is None


def test_xapi_and_small_xlsx_in_the_request(app, client, login, db, tree):
    import json

    from openpyxl import load_workbook

    login("admin")
    statements = json.loads(export(client, format="xapi").get_data())
    assert {s["verb"]["id"].rsplit("/", 1)[1] for s in statements} == {"completed"}
    assert {s["actor"]["account"]["name"] for s in statements} == {"CB-001", "CB-002", "CB-003",
                                                                   "CB-004"}
    response = export(client, format="xlsx")
    workbook = load_workbook(io.BytesIO(response.get_data()))
    sheet = workbook.worksheets[0]
    names = [row[1].value for row in sheet.iter_rows(min_row=2)]
    assert "=HYPERLINK(1) Cường" in names
    cell = next(row[1] for row in sheet.iter_rows(min_row=2) if row[1].value.startswith("="))
    assert cell.data_type == "s"
    assert [row[0].value for row in workbook.worksheets[1].iter_rows(min_row=2)] == [
        "Bảo tàng tỉnh", "Phòng Văn hóa", "Tổ Di sản"]
    assert [record.state for record in records(db)] == ["sealed", "sealed"]


@pytest.mark.parametrize("app_config", [{"LMS_EXPORT_XLSX_STREAM_MAX_ROWS": 2}])
def test_a_large_xlsx_runs_as_a_job_with_an_expiring_link(app, client, login, db, tree, monkeypatch):
    import datetime as dt

    from openpyxl import load_workbook

    from lms.exports.models import ExportRecord

    login("hr-a")
    response = export(client, format="xlsx")
    assert response.status_code == 302
    job_url = response.headers["Location"]
    [record] = records(db)
    assert job_url == f"/exports/jobs/{record.id}" and record.channel == "job"
    page = client.get(job_url)
    assert record.is_sealed and record.row_count == 4
    assert f"/exports/jobs/{record.id}/file" in page.text
    assert "Refresh" not in page.headers  # done: no more refreshing
    file = client.get(f"/exports/jobs/{record.id}/file")
    assert hashlib.sha256(file.get_data()).hexdigest() == record.sha256
    assert load_workbook(io.BytesIO(file.get_data())).worksheets[0].max_row == 5
    # Someone else cannot open it; after the expiry nobody can download it.
    client.post("/auth/logout")
    login("hr-b")
    assert client.get(job_url).status_code == 404
    db.execute(sa.update(ExportRecord).values(expires_dt=dt.datetime(2020, 1, 1, tzinfo=dt.UTC)))
    db.commit()
    client.post("/auth/logout")
    login("hr-a")
    assert client.get(f"/exports/jobs/{record.id}/file").status_code == 404
    assert "Liên kết tải về đã hết hạn." in client.get(job_url).text


def test_a_queued_job_page_refreshes_itself(app, client, login, db, tree):
    from lms.exports.models import ExportRecord

    login("hr-a")
    record = ExportRecord(actor_id=tree["people"]["hr_a"].id, actor_label="x", channel="job",
                          dataset="completions", file_format="xlsx", locale="vi", filters={},
                          scope={}, rows_expected=10, row_count=3, state="running")
    db.add(record)
    db.commit()
    page = client.get(f"/exports/jobs/{record.id}")
    assert page.headers["Refresh"] == "3"
    assert 'value="3"' in page.text and "<progress" in page.text
    assert f"/exports/jobs/{record.id}?refresh=off" in page.text
    # The person can stop the refreshing (WCAG 2.2.1).
    assert "Refresh" not in client.get(f"/exports/jobs/{record.id}?refresh=off").headers


def test_hr_cannot_export_another_units_records(client, login, db, tree):
    login("hr-a")
    # B is not among the choices: the form refuses it, nothing is recorded.
    assert export(client, unit=str(tree["units"]["B"].id)).status_code == 400
    assert records(db) == []
    page = client.get(f"/exports/completions?unit={tree['units']['B'].id}&format=csv&locale=vi")
    assert "Tệp xuất sẽ có" not in page.text and "Bảo tàng tỉnh" not in page.text
    rows = read_csv(export(client).get_data())
    assert "=HYPERLINK(1) Cường" not in {row[1] for row in rows}
    assert {row[7] for row in rows[1:]} == {"A", "A1"}


def test_the_csv_defuses_a_formula_in_a_name(client, login, tree):
    login("hr-b")
    rows = read_csv(export(client).get_data())
    assert rows[1][1] == "'=HYPERLINK(1) Cường"


def test_admin_lists_every_export(client, login, tree):
    login("hr-a")
    export(client).get_data()
    client.post("/auth/logout")
    login("admin")
    page = client.get("/exports/records")
    assert page.status_code == 200 and "Cán Bộ A" in page.text


def test_unknown_dataset_is_404(client, login, tree):
    login("admin")
    assert client.get("/exports/nothing").status_code == 404
    assert client.post("/exports/nothing/run").status_code == 404
