"""Any size: a streamed export holds one batch in memory (measured), and a long export
through the shipped gunicorn configuration arrives whole (sync workers cut it short)."""
from __future__ import annotations

import datetime as dt
import hashlib
import os
import socket
import subprocess
import sys
import time
import tracemalloc

import pytest
import sqlalchemy as sa

from lms import features
from lms.datasets import ExportFilters, ExportScope

from .conftest import read_csv

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def generate_completions(db, course, unit, total: int, tag: str = "G") -> None:
    """``total`` completions of 500 generated learners, inserted in bulk."""
    from courses.models import CourseCompletion
    from lms.accounts.models import Learner

    people = 500
    first = db.scalar(sa.select(sa.func.coalesce(sa.func.max(Learner.id), 0))) + 1
    db.execute(sa.insert(Learner), [
        {"id": first + n, "full_name": f"Nguyễn Văn Người{n}", "search_name": f"nguyen van nguoi{n}",
         "staff_code": f"{tag}{n:05d}", "org_unit_id": unit.id, "is_active": True}
        for n in range(people)])
    moment = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)
    for start in range(0, total, 5000):
        db.execute(sa.insert(CourseCompletion), [
            {"learner_id": first + n % people, "course_code": course.code, "cycle": n // people + 1,
             "course_id": course.id, "completed_dt": moment, "course_version": 1, "periods": 2,
             "title_vi": "Khóa học sinh ra", "title_en": "Generated course", "score_percent": 80.0,
             "org_unit_id": unit.id, "org_unit_code": unit.code, "org_unit_name_vi": unit.name_vi,
             "org_unit_name_en": unit.name_en}
            for n in range(start, min(total, start + 5000))])
    db.commit()


def peak_while_streaming(app, app_context, file_format="csv") -> tuple[int, int]:
    """(peak bytes allocated while the export is produced and thrown away, rows)."""
    from lms.exports.formats import Counter

    state = app.extensions["lms"]
    dataset = state.export_datasets.get("completions")
    export_format = state.export_formats.get(file_format)
    with app_context() as session:
        counter = Counter()
        rows = dataset.rows(session, ExportFilters(), ExportScope(everything=True), "vi")
        chunks = export_format.produce(dataset, rows, "vi", counter, zone=dt.UTC)
        tracemalloc.start()
        try:
            for _chunk in chunks:
                pass
            return tracemalloc.get_traced_memory()[1], counter.rows
        finally:
            tracemalloc.stop()


@pytest.mark.parametrize("file_format", ["csv", "xapi"])
def test_a_streamed_export_does_not_hold_every_row(app, app_context, db, create_unit,
                                                   create_course, file_format):
    app.config["LMS_EXPORT_XAPI_HOME_PAGE"] = "https://lms.example.vn"
    unit = create_unit("GEN")
    course = create_course(code="GEN01", lessons=1)
    generate_completions(db, course, unit, 3000)
    small_peak, small_rows = peak_while_streaming(app, app_context, file_format)
    generate_completions(db, course, unit, 9000, tag="H")
    large_peak, large_rows = peak_while_streaming(app, app_context, file_format)
    assert (small_rows, large_rows) == (3000, 12000)
    # Four times the rows, about the same peak (one batch of 2,000 rows at a time). Holding
    # every row would multiply it by four; the margin absorbs allocator noise.
    assert large_peak < small_peak * 1.6, (small_peak, large_peak)


# --- the long stream through gunicorn --------------------------------------------------

def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def slow_site(tmp_path):
    """A migrated SQLite database with an admin account, for the slow app."""
    from flask import Flask

    from lms.accounts import operations
    from lms.accounts.models import Role
    from lms.db import unit_of_work
    from lms.extension import LMS
    from lms.migrations_runner import upgrade

    url = f"sqlite:///{tmp_path / 'slow.sqlite3'}"
    engine = sa.create_engine(url)
    upgrade("head", engine=engine)
    engine.dispose()
    setup = Flask("setup", instance_path=str(tmp_path / "instance"))
    setup.config.update({"SECRET_KEY": "x" * 48, "TESTING": True, "LMS_DATABASE_URL": url,
                         "LMS_PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
                         "LMS_FEATURES": list(features.FEATURES)})
    LMS(setup)
    with setup.app_context(), unit_of_work():
        admin = operations.create_learner(full_name="Quản Trị", staff_code="ADM1")
        operations.create_account(admin, "slow-admin", "correct horse battery")
        operations.grant_role(admin, Role.ADMIN, None, actor=None)
    setup.extensions["lms"].database.dispose()
    return url, tmp_path


def _serve(url, tmp_path, port, *extra):
    env = {**os.environ, "SLOW_DATABASE_URL": url, "SLOW_INSTANCE": str(tmp_path / "instance"),
           "SLOW_ROWS": "3000", "SLOW_PAUSE": "2.5", "GUNICORN_BIND": f"127.0.0.1:{port}",
           "GUNICORN_WORKERS": "1", "GUNICORN_TIMEOUT": "2", "GUNICORN_ACCESSLOG": "",
           "PYTHONPATH": ROOT}
    with open(tmp_path / "gunicorn.log", "ab") as log:  # the child keeps its own copy
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", os.path.join(ROOT, "gunicorn.conf.py"),
             *extra, "tests.exports.slow_app:app"], cwd=ROOT, env=env,
            stdout=subprocess.DEVNULL, stderr=log)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError("gunicorn did not start")


def _download(port) -> bytes:
    import requests

    session = requests.Session()
    base = f"http://127.0.0.1:{port}"
    assert session.post(f"{base}/auth/login", data={"username": "slow-admin",
                                                    "password": "correct horse battery"},
                        allow_redirects=False).status_code == 302
    response = session.post(f"{base}/exports/slow/run", data={"format": "csv", "locale": "vi"},
                            stream=True, timeout=60)
    assert response.status_code == 200
    body = b""
    try:
        for chunk in response.iter_content(65536):
            body += chunk
    except requests.exceptions.RequestException:
        pass  # a cut-short chunked body: what the client has is what it got
    return body


def _record(url):
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            return connection.execute(sa.text(
                "SELECT state, row_count, sha256 FROM lms_export_records ORDER BY id DESC")).first()
    finally:
        engine.dispose()


@pytest.mark.parametrize("worker_class, whole", [("shipped", True), ("sync", False)])
def test_a_slow_export_through_the_shipped_gunicorn_configuration_arrives_whole(
        slow_site, worker_class, whole):
    """~5 s of streaming with a 2 s worker timeout: whole with the shipped gthread
    configuration; cut short with sync workers (why the configuration is shipped)."""
    url, tmp_path = slow_site
    port = _free_port()
    # One thread: with more, gunicorn silently turns sync workers into gthread ones.
    extra = () if worker_class == "shipped" else ("--worker-class", "sync", "--threads", "1")
    process = _serve(url, tmp_path, port, *extra)
    try:
        body = _download(port)
        time.sleep(0.5)  # let the server write the seal
    finally:
        process.terminate()
        process.wait(timeout=30)
    record = _record(url)
    if whole:
        rows = read_csv(body)
        assert len(rows) == 3001 and rows[-1][0] == "2999" and rows[1][2] == "'=1+1"
        assert record.state == "sealed" and record.row_count == 3000
        assert record.sha256 == hashlib.sha256(body).hexdigest()
    else:
        assert body.count(b"\r\n") < 3001
        assert record.state != "sealed" and record.sha256 is None  # the check cannot pass
