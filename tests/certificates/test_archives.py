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


def _periods(db):
    """This year's emulation period and last year's (credits' table, as HR sees them)."""
    import datetime as dt

    from lms.credits.models import EmulationPeriod

    year = dt.date.today().year
    for y in (year - 1, year):
        db.add(EmulationPeriod(code=str(y), name_vi=f"Kỳ thi đua {y}", name_en=f"Emulation {y}",
                               starts_on=dt.date(y, 1, 1), ends_on=dt.date(y, 12, 31),
                               cutoff_on=dt.date(y, 12, 31)))
    db.commit()
    return str(year - 1), str(year)


def _zip_names(response):
    return zipfile.ZipFile(io.BytesIO(response.data)).namelist()


def test_hr_asks_for_an_emulation_period_the_current_one_preselected(client, login, db, two_units):
    from lms.audit.models import AuditEvent

    mine, _outsider, unit, other = two_units
    last_year, this_year = _periods(db)
    login("hr")
    page = client.get("/reports/certificates").get_data(as_text=True)
    assert "Kỳ thi đua" in page and "Theo các ngày dưới đây" in page
    assert f'<option selected value="{this_year}">Kỳ thi đua {this_year}</option>' in page
    assert f'<option value="{last_year}">Kỳ thi đua {last_year}</option>' in page
    response = client.post("/reports/certificates", data={"unit": unit.id, "period": this_year})
    assert response.status_code == 200 and len(_zip_names(response)) == 1
    event = db.scalars(sa.select(AuditEvent).where(
        AuditEvent.action == "certificates.archive_requested")).all()[-1]
    assert event.details == {"from": f"{this_year}-01-01", "to": f"{this_year}-12-31", "count": 1}
    # Last year's period holds none of this year's certificates; the period wins over dates.
    older = _ask(client, unit, period=last_year)
    assert older.status_code == 200 and _zip_names(older) == []
    # A period does not widen the HR officer's scope.
    assert client.post("/reports/certificates",
                       data={"unit": other.id, "period": this_year}).status_code == 400


@pytest.mark.parametrize("code", ["1999", "x" * 5000, "' OR 1=1 --"])
def test_a_period_not_in_the_list_is_a_translated_400(client, login, db, two_units, code):
    _mine, _outsider, unit, _other = two_units
    _periods(db)
    login("hr")
    response = client.post("/reports/certificates", data={"unit": unit.id, "period": code})
    assert response.status_code == 400
    assert "Lựa chọn không hợp lệ" in response.get_data(as_text=True)


def test_by_dates_both_days_are_needed(client, login, db, two_units):
    _mine, _outsider, unit, _other = two_units
    _periods(db)
    login("hr")
    response = client.post("/reports/certificates", data={"unit": unit.id, "period": ""})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Hãy nhập ngày đầu, hoặc chọn một kỳ thi đua." in page
    assert "Hãy nhập ngày cuối, hoặc chọn một kỳ thi đua." in page
    assert _ask(client, unit, period="").status_code == 200  # the date range still works


@pytest.mark.parametrize("app_config", [{"LMS_FEATURES": ["courses", "certificates"]}])
def test_without_credits_the_form_is_dates_only(app, client, login, db, two_units):
    assert "lms.credits" not in app.extensions["lms"].features
    assert len(app.extensions["lms"].reporting_periods) == 0
    _mine, _outsider, unit, _other = two_units
    login("hr")
    page = client.get("/reports/certificates").get_data(as_text=True)
    assert 'name="period"' not in page and 'name="date_from"' in page
    response = _ask(client, unit, period="2026")  # no period list: the field is not read
    assert response.status_code == 200 and len(_zip_names(response)) == 1
