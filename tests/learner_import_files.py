"""Learner import files and the import page, for tests/test_import_learners.py and
tests/test_import_hostile.py (their ``units`` and ``admin_client`` fixtures are in
tests/conftest.py)."""
import io

import sqlalchemy as sa
from openpyxl import Workbook

from lms.accounts.models import Learner

HEADER = "Mã cán bộ,Họ và tên,Mã đơn vị,Ngày sinh,Giới tính,Đối tượng,Chức vụ,Ngày tuyển dụng,Email"
GOOD_ROWS = [
    "NV001,Nguyễn Thị Lan,SVHTTDL,15/03/1985,Nữ,CC,Chuyên viên,01/08/2010,lan@example.vn",
    "NV002,Lò Văn Pọm,BT,02/11/1990,Nam,VC,Thuyết minh viên,,",
]


def csv_bytes(*rows, header=HEADER, bom=True, encoding="utf-8"):
    text = "\n".join([header, *rows]) + "\n"
    # The legacy Vietnamese code page lacks some letters: what matters is non-UTF-8 bytes.
    data = text.encode(encoding, errors="replace")
    return (b"\xef\xbb\xbf" + data) if bom and encoding == "utf-8" else data


def xlsx_bytes(rows):
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(client, data, filename="hoc-vien.csv", only_valid=False):
    form = {"file": (io.BytesIO(data), filename)}
    if only_valid:
        form["import_valid_rows_only"] = "y"
    return client.post("/admin/import", data=form, content_type="multipart/form-data")


def imported(db):
    db.expire_all()
    return {learner.staff_code: learner for learner in
            db.scalars(sa.select(Learner).where(Learner.staff_code.like("NV%")))}
