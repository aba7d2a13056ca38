"""Issue 13, point 14: downloadable import templates (CSV, XLSX) that import as they
are; error rows name the staff code and the person; ISO dates accepted on purpose."""
import datetime as dt
import io

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from lms.accounts.models import Learner, Role


@pytest.fixture
def admin(create_learner, login, create_unit):
    create_unit("BT", name_vi="Bảo tàng tỉnh", name_en="Provincial Museum")
    person = create_learner("Quản Trị Viên", username="boss", roles=[Role.ADMIN])
    login("boss")
    return person


def upload(client, data: bytes, filename: str):
    return client.post("/admin/import", data={"file": (io.BytesIO(data), filename)},
                       content_type="multipart/form-data")


@pytest.mark.parametrize("extension", ["csv", "xlsx"])
def test_the_template_imports_as_it_is(client, admin, db, extension):
    page = client.get("/admin/import").get_data(as_text=True)
    assert f'href="/admin/import/template.{extension}"' in page
    template = client.get(f"/admin/import/template.{extension}")
    assert template.status_code == 200
    assert "attachment" in template.headers["Content-Disposition"]
    if extension == "csv":
        assert template.data.startswith("\ufeff".encode())
        lines = template.data.decode("utf-8-sig").splitlines()
        assert lines[0].startswith('"Mã cán bộ","Họ và tên","Mã đơn vị"') and len(lines) == 2
    else:
        sheet = load_workbook(io.BytesIO(template.data)).active
        assert [cell.value for cell in sheet[1]][:3] == ["Mã cán bộ", "Họ và tên", "Mã đơn vị"]
        assert sheet.max_row == 2
    result = upload(client, template.data, f"mau.{extension}").get_data(as_text=True)
    assert "1 học viên được tạo mới" in result or "Đã nhập xong" in result, result[-3000:]
    db.expire_all()
    person = db.scalars(sa.select(Learner).where(Learner.staff_code == "NV0001")).one()
    assert person.full_name == "Nguyễn Thị Mẫu"
    assert person.birth_date == dt.date(1990, 9, 5)
    assert person.hired_on == dt.date(2015, 3, 1)  # the ISO date of the example row


def test_error_rows_name_the_person(client, admin, db):
    data = ("Mã cán bộ,Họ và tên,Mã đơn vị,Ngày sinh\n"
            "NV10,Lò Thị Hoa,BT,31/02/1990\nNV11,Đinh Văn Sai,XX,\n").encode("utf-8")
    page = upload(client, data, "ds.csv").get_data(as_text=True)
    assert "NV10 · Lò Thị Hoa" in page and "NV11 · Đinh Văn Sai" in page
    assert "Tháng 2 năm 1990 không có ngày 31." in page


@pytest.mark.parametrize(("written", "day"), [("2015-03-01", dt.date(2015, 3, 1)),
                                               ("1.3.2015", dt.date(2015, 3, 1)),
                                               ("01032015", dt.date(2015, 3, 1))])
def test_import_reads_every_date_form(client, admin, db, written, day):
    data = f"Mã cán bộ,Họ và tên,Mã đơn vị,Ngày tuyển dụng\nNV20,Lò Thị Ngày,BT,{written}\n".encode()
    upload(client, data, "ds.csv")
    db.expire_all()
    assert db.scalars(sa.select(Learner.hired_on).where(Learner.staff_code == "NV20")).one() == day
