"""HR's ZIP of their unit's certificates for a period: only their subtree, revoked ones
left out, built by the worker with progress when large."""
from __future__ import annotations

import io
import zipfile

import pytest
import sqlalchemy as sa

from certificates.models import CertificateArchive
from lms.accounts.models import Role


@pytest.fixture
def two_units(create_unit, create_learner, unit, learner, course, complete):
    other = create_unit("KHAC", name_vi="Phòng Khác")
    outsider = create_learner("Người Ngoài", username="outsider", unit=other)
    create_learner("Tổ Chức", username="hr", unit=unit, roles=[Role.HR], hr_unit=unit)
    return complete(learner, course), complete(outsider, course), unit, other


def _ask(client, unit, **extra):
    import datetime as dt

    day = dt.date.today()
    return client.post("/reports/certificates", data={
        "unit": unit.id, "date_from": (day - dt.timedelta(days=2)).isoformat(),
        "date_to": (day + dt.timedelta(days=2)).isoformat(), **extra})


def test_a_small_zip_is_served_at_once_with_only_the_subtree(client, login, db, two_units):
    mine, outsider, unit, other = two_units
    login("hr")
    assert client.get("/reports/certificates").status_code == 200
    response = _ask(client, unit)
    assert response.status_code == 200 and response.mimetype == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(response.data)).namelist()
    assert names == [f"Giấy chứng nhận {mine.serial.replace('/', '-')} - Nguyễn Thị Hường.pdf"]
    data = zipfile.ZipFile(io.BytesIO(response.data)).read(names[0])
    assert data == mine.files[0].content
    # A unit outside the HR officer's subtree is not even a choice.
    assert _ask(client, other).status_code == 400


@pytest.mark.parametrize("app_config", [{"LMS_CERTIFICATE_ZIP_QUEUE_THRESHOLD": 0}])
def test_a_large_zip_is_built_by_the_worker_with_progress(client, login, db, two_units,
                                                         create_learner, unit):
    mine, _outsider, unit, _other = two_units
    login("hr")
    response = _ask(client, unit)
    assert response.status_code == 302
    page = client.get(response.headers["Location"])
    assert page.status_code == 200
    archive = db.scalar(sa.select(CertificateArchive))
    assert archive.finished_dt is not None and archive.done == archive.total == 1
    download = client.get(response.headers["Location"] + "/zip")
    assert zipfile.ZipFile(io.BytesIO(download.data)).namelist()[0].endswith("Nguyễn Thị Hường.pdf")
    # Another HR officer of the same unit cannot open it.
    create_learner("Tổ Chức Hai", username="hr2", unit=unit, roles=[Role.HR], hr_unit=unit)
    client.post("/auth/logout")
    login("hr2")
    assert client.get(response.headers["Location"]).status_code == 404


def test_the_end_date_must_not_come_before_the_start(client, login, two_units):
    _mine, _outsider, unit, _other = two_units
    login("hr")
    response = client.post("/reports/certificates", data={
        "unit": unit.id, "date_from": "2026-12-31", "date_to": "2026-01-01"})
    assert response.status_code == 400
